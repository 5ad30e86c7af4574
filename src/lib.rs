//! cognito-wasm: Amazon Cognito user-pool sign-in for the browser.
//!
//! The core is sans-IO: [`srp`] does the maths, the [`flows`] turn Cognito replies into the next request or
//! a finished [`session::Session`]. The `wasm` module (compiled for `wasm32`) exports them synchronously to
//! the package's JavaScript, which does the I/O: `fetch`, storage, timers and the other tabs.

// The shipped wasm modules are `no_std` (see the `std` feature in Cargo.toml): `alloc` only, a panic handler
// that traps without formatting a message, and lol_alloc as the allocator. Everywhere else std is linked as
// usual.
#![cfg_attr(all(target_arch = "wasm32", not(feature = "std")), no_std)]
// A panic in the wasm module kills it for the whole page: library code reports typed errors instead.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::string_slice,
        // format!, write! and to_string() (listed in clippy.toml): core's formatting machinery is kilobytes
        // of each module; crate::text writes the same text without it.
        clippy::disallowed_macros,
        clippy::disallowed_methods
    )
)]

pub mod b64;
pub mod clock;
pub mod config;
pub mod error;
pub mod flows;
pub mod json;
pub mod jwt;
pub mod protocol;
pub mod retry;
pub mod secret;
pub mod session;
pub mod srp;
pub mod text;

#[cfg(test)]
mod ts_types;

// Natively only for its unit tests (src/wasm/call.rs): the exports exist in the wasm build alone.
#[cfg(any(target_arch = "wasm32", test))]
pub mod wasm;

extern crate alloc;

mod prelude;

// lol_alloc's free list rather than std's dlmalloc (7.8 kB of code) or talc (the session module 448 B
// larger gzipped). Each allocation and free walks the free list, which coalescing keeps short.
#[cfg(all(
    target_arch = "wasm32",
    not(feature = "std"),
    not(target_feature = "atomics")
))]
#[global_allocator]
// SAFETY: wasm32 without the atomics feature runs one thread per instance, and the allocator is not
// re-entered (it calls nothing that allocates).
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// A panic traps: the module is dead for the page either way (`panic = "abort"`), and std's panic runtime
/// (its hook, its message formatting) is not linked. The message is never written, but a panic that names
/// numbers still links their formatting (fmt::Arguments holds the formatter functions): `usize`'s
/// `Display` and `Formatter::pad_integral`, about 2 kB before wasm-opt, stay in both modules because alloc's
/// out-of-memory handler names the size it failed to allocate (stable Rust cannot replace it), and the
/// sign-in core's bounds checks name indices. Our code's formatting (format!, to_string) is kept out by
/// clippy.toml's lints above; with core's string search, join and split it was what moved the sizes
/// (`text`, `Value::to_json`).
#[cfg(all(target_arch = "wasm32", not(feature = "std"), not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

pub use config::ClientConfig;
pub use error::Error;
