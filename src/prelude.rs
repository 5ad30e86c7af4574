//! What std's prelude gives every module and the `no_std` wasm build lacks: each module that allocates
//! imports `crate::prelude::*`, which on other targets only repeats std's prelude.

pub use alloc::borrow::ToOwned;
pub use alloc::boxed::Box;
pub use alloc::string::String;
pub use alloc::vec;
pub use alloc::vec::Vec;
