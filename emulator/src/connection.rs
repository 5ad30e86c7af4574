//! TCP connections that a request handler can cut, for the `dropConnection` fault: the client must see the
//! connection close with no HTTP answer at all, as after a network failure, never a 5xx.
//!
//! The listener hands every connection's [`ConnectionHandle`] to the handlers (axum `ConnectInfo`). Once a
//! handler has called [`ConnectionHandle::drop_connection`], every write to that connection fails, so hyper
//! abandons it without sending a byte and closes the socket.
//!
//! Browsers (Chromium at least) silently resend a request once when a *reused* keep-alive connection closes
//! before any answer, taking it for a connection the server had timed out. A dropped call would then never
//! reach the page. So while a drop is pending ([`ConnectionPolicy::set_one_request_per_connection`]), every
//! connection closes after its first answer, and idle ones close at once, including those opened earlier
//! but never used (Chromium resends on those too): the dropped call is then the first on a connection the
//! browser opened for it, which it does not resend.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll, Waker};

use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// Whether connections are kept alive, shared by the listener and the fault rules.
#[derive(Debug, Default)]
pub struct ConnectionPolicy {
    one_request_per_connection: AtomicBool,
    /// Counts the times the policy was turned on: connections accepted before the current one are old.
    epoch: AtomicU64,
    /// Where each live connection's reader waits, so idle connections can be woken up to close.
    readers: Mutex<Vec<Weak<Mutex<Option<Waker>>>>>,
}

impl ConnectionPolicy {
    /// When on, a connection closes once it has answered a request, and idle connections close now.
    pub fn set_one_request_per_connection(&self, on: bool) {
        let was = self.one_request_per_connection.swap(on, Ordering::SeqCst);
        if on && !was {
            self.epoch.fetch_add(1, Ordering::SeqCst);
            for reader in self.live_readers() {
                if let Some(waker) = lock(&reader).take() {
                    waker.wake();
                }
            }
        }
    }

    /// Whether connections close after one answer; replies then say `Connection: close`, so that clients
    /// do not try to reuse them.
    pub fn one_request_per_connection(&self) -> bool {
        self.one_request_per_connection.load(Ordering::SeqCst)
    }

    /// Whether a connection in this state must close instead of reading another request.
    fn must_close(&self, answered: bool, read_any: bool, accepted_epoch: u64) -> bool {
        self.one_request_per_connection()
            && (answered || (!read_any && accepted_epoch < self.epoch.load(Ordering::SeqCst)))
    }

    fn live_readers(&self) -> Vec<Arc<Mutex<Option<Waker>>>> {
        let mut readers = lock(&self.readers);
        readers.retain(|reader| reader.strong_count() > 0);
        readers.iter().filter_map(Weak::upgrade).collect()
    }

    fn register(&self) -> Arc<Mutex<Option<Waker>>> {
        let reader = Arc::new(Mutex::new(None));
        let mut readers = lock(&self.readers);
        readers.retain(|reader| reader.strong_count() > 0);
        readers.push(Arc::downgrade(&reader));
        reader
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A TCP listener whose connections follow a [`ConnectionPolicy`] and can be dropped by the handlers.
pub struct DroppableListener {
    pub listener: TcpListener,
    pub policy: Arc<ConnectionPolicy>,
}

/// An accepted connection, its kill switch and its place in the policy.
pub struct DroppableStream {
    stream: TcpStream,
    dropped: Arc<AtomicBool>,
    policy: Arc<ConnectionPolicy>,
    reader: Arc<Mutex<Option<Waker>>>,
    /// Bytes were written since the last request bytes were read.
    wrote: bool,
    /// A complete answer has been flushed and no new request has started since.
    answered: bool,
    /// Some request bytes have been read.
    read_any: bool,
    accepted_epoch: u64,
}

/// Lets a handler cut the connection its request came on.
#[derive(Clone, Debug)]
pub struct ConnectionHandle(Arc<AtomicBool>);

impl ConnectionHandle {
    /// Nothing more is written to the connection; hyper closes it instead of sending the answer.
    pub fn drop_connection(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

impl Listener for DroppableListener {
    type Io = DroppableStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (stream, address) = Listener::accept(&mut self.listener).await;
        let stream = DroppableStream {
            stream,
            dropped: Arc::new(AtomicBool::new(false)),
            reader: self.policy.register(),
            policy: self.policy.clone(),
            wrote: false,
            answered: false,
            read_any: false,
            accepted_epoch: self.policy.epoch.load(Ordering::SeqCst),
        };
        (stream, address)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.listener.local_addr()
    }
}

impl axum::extract::connect_info::Connected<IncomingStream<'_, DroppableListener>>
    for ConnectionHandle
{
    fn connect_info(stream: IncomingStream<'_, DroppableListener>) -> Self {
        Self(stream.io().dropped.clone())
    }
}

impl DroppableStream {
    fn check(&self) -> io::Result<()> {
        if self.dropped.load(Ordering::SeqCst) {
            Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "connection dropped by an injected fault",
            ))
        } else {
            Ok(())
        }
    }
}

impl AsyncRead for DroppableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.check()?;
        if self
            .policy
            .must_close(self.answered, self.read_any, self.accepted_epoch)
        {
            // End of stream: hyper closes the connection as if the client had.
            return Poll::Ready(Ok(()));
        }
        *lock(&self.reader) = Some(cx.waker().clone());
        let before = buf.filled().len();
        let this = &mut *self;
        let result = Pin::new(&mut this.stream).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.wrote = false;
            this.answered = false;
            this.read_any = true;
        }
        result
    }
}

impl AsyncWrite for DroppableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.check()?;
        self.wrote = true;
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.check()?;
        self.wrote = true;
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.check()?;
        let this = &mut *self;
        let result = Pin::new(&mut this.stream).poll_flush(cx);
        if matches!(result, Poll::Ready(Ok(()))) && this.wrote {
            this.answered = true;
        }
        result
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
