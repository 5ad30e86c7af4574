//! The `fetch` edge: POSTs a [`Request`] to the endpoint and hands the reply to the protocol parser. Uses the
//! global `fetch`, so it works on the main thread, in workers and in Node ≥ 20 alike. Each request can be
//! abandoned by the caller's `AbortSignal` and is abandoned after a timeout.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Function, Promise};
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, Headers, RequestInit, RequestMode, Response};

use crate::Error;
use crate::error::names;
use crate::protocol::{CONTENT_TYPE, RawResponse, Request, parse_response};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(input: &str, init: &RequestInit) -> Promise;

    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, milliseconds: f64) -> JsValue;

    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
}

/// A `setTimeout` that is cleared when dropped. In Node the timer is `unref`ed, so a pending timer never
/// keeps a script alive.
pub struct Timer {
    handle: JsValue,
}

impl Timer {
    pub fn start(handler: &Function, milliseconds: f64) -> Self {
        let handle = set_timeout(handler, milliseconds.clamp(0.0, f64::from(i32::MAX)));
        if let Ok(unref) = js_sys::Reflect::get(&handle, &"unref".into()) {
            if let Some(unref) = unref.dyn_ref::<Function>() {
                let _ = unref.call0(&handle);
            }
        }
        Self { handle }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        clear_timeout(&self.handle);
    }
}

/// What may cut a call short: the caller's signal, and the timeout of each request.
#[derive(Clone, Default)]
pub struct Cancel {
    pub signal: Option<AbortSignal>,
    pub timeout_ms: u32,
}

impl Cancel {
    pub fn aborted(&self) -> Result<(), Error> {
        match &self.signal {
            Some(signal) if signal.aborted() => Err(aborted()),
            _ => Ok(()),
        }
    }

    /// Waits for `promise`, or fails with `AbortError` as soon as the caller's signal fires.
    pub async fn wait(&self, promise: Promise) -> Result<JsValue, JsValue> {
        let Some(signal) = &self.signal else {
            return JsFuture::from(promise).await;
        };
        if signal.aborted() {
            return Err(super::js_error::to_js(&aborted()));
        }
        let mut reject_slot = None;
        let abort = Promise::new(&mut |_resolve, reject| reject_slot = Some(reject));
        let Some(reject) = reject_slot else {
            return JsFuture::from(promise).await;
        };
        let on_abort = Closure::<dyn FnMut()>::new(move || {
            let _ = reject.call1(&JsValue::NULL, &super::js_error::to_js(&aborted()));
        });
        let listener: &Function = on_abort.as_ref().unchecked_ref();
        let _ = signal.add_event_listener_with_callback("abort", listener);
        let outcome = JsFuture::from(Promise::race(&js_sys::Array::of2(&promise, &abort))).await;
        // A long-lived signal shared by many calls must not collect listeners.
        let _ = signal.remove_event_listener_with_callback("abort", listener);
        outcome
    }
}

fn aborted() -> Error {
    Error::new(names::ABORTED, "the call was aborted")
}

/// Resolves after `milliseconds` (or rejects when the call is aborted first).
pub async fn sleep(cancel: &Cancel, milliseconds: u32) -> Result<(), Error> {
    let mut timer = None;
    let elapsed = Promise::new(&mut |resolve, _reject| {
        timer = Some(Timer::start(&resolve, f64::from(milliseconds)));
    });
    let outcome = cancel.wait(elapsed).await;
    drop(timer);
    outcome
        .map(|_| ())
        .map_err(|e| super::js_error::from_js(&e))
}

fn network_error(what: &str, cause: &JsValue) -> Error {
    let detail = super::js_error::message_of(cause);
    Error::network(format!("{what}: {detail}"))
}

/// A parsed reply and the server's time from its `Date` header (milliseconds since the epoch), when the
/// header was readable (Cognito exposes it to browsers through CORS).
pub struct Reply<T> {
    pub body: T,
    pub server_date_ms: Option<f64>,
}

/// Sends `request` and parses the reply as `T` (or the Cognito error it carries). Aborting or timing out
/// cancels the fetch itself, body included.
pub async fn send<T: DeserializeOwned>(
    endpoint: &str,
    request: &Request,
    cancel: &Cancel,
) -> Result<Reply<T>, Error> {
    cancel.aborted()?;
    let controller = AbortController::new().map_err(|e| network_error("no AbortController", &e))?;
    let timed_out = Rc::new(Cell::new(false));
    let on_timeout = {
        let (controller, timed_out) = (controller.clone(), timed_out.clone());
        Closure::<dyn FnMut()>::new(move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let _timer = Timer::start(
        on_timeout.as_ref().unchecked_ref(),
        f64::from(cancel.timeout_ms),
    );
    let on_abort = {
        let controller = controller.clone();
        Closure::<dyn FnMut()>::new(move || controller.abort())
    };
    if let Some(signal) = &cancel.signal {
        let _ = signal.add_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
    }
    let outcome = fetch_and_parse(endpoint, request, &controller.signal()).await;
    if let Some(signal) = &cancel.signal {
        let _ =
            signal.remove_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
    }
    outcome.map_err(|error| {
        if cancel.aborted().is_err() {
            aborted()
        } else if timed_out.get() {
            Error::new(
                names::TIMEOUT,
                format!("no reply within {} ms", cancel.timeout_ms),
            )
        } else {
            error
        }
    })
}

async fn fetch_and_parse<T: DeserializeOwned>(
    endpoint: &str,
    request: &Request,
    signal: &AbortSignal,
) -> Result<Reply<T>, Error> {
    let headers = Headers::new().map_err(|e| network_error("cannot build headers", &e))?;
    let set = |name: &str, value: &str| {
        headers
            .set(name, value)
            .map_err(|e| network_error("cannot set header", &e))
    };
    set("Content-Type", CONTENT_TYPE)?;
    set("X-Amz-Target", &request.operation.target())?;
    set("Cache-Control", "no-store")?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_mode(RequestMode::Cors);
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&request.body));
    init.set_signal(Some(signal));

    let reply = JsFuture::from(global_fetch(endpoint, &init))
        .await
        .map_err(|e| network_error("request to Cognito failed", &e))?;
    let reply: Response = reply
        .dyn_into()
        .map_err(|e| network_error("fetch returned no Response", &e))?;
    let text_promise = reply
        .text()
        .map_err(|e| network_error("cannot read reply", &e))?;
    let body = JsFuture::from(text_promise)
        .await
        .map_err(|e| network_error("reply body was cut off", &e))?;
    let body = body.as_string().unwrap_or_default();
    let header = |name: &str| reply.headers().get(name).ok().flatten();
    let server_date_ms = header("Date")
        .map(|date| js_sys::Date::parse(&date))
        .filter(|ms| ms.is_finite());
    let error_type = header("x-amzn-ErrorType");
    let body = parse_response(&RawResponse {
        status: reply.status(),
        body: &body,
        error_type_header: error_type.as_deref(),
    })?;
    Ok(Reply {
        body,
        server_date_ms,
    })
}
