//! What std's prelude gives every module and the `no_std` wasm build lacks: each module that allocates
//! imports `crate::prelude::*`, which on other targets only repeats std's prelude.

pub use alloc::borrow::ToOwned;
pub use alloc::boxed::Box;
// Not for the shipped code, which writes its text with `crate::text` (format! links core's formatting
// machinery): its last users are four messages of the sign-in exports in src/wasm/.
#[cfg(all(target_arch = "wasm32", feature = "sign-in-core"))]
pub use alloc::format;
pub use alloc::string::{String, ToString};
pub use alloc::vec;
pub use alloc::vec::Vec;
