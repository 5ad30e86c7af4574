//! Turning [`crate::Error`] into the JS error the package throws: an instance of the package's
//! `CognitoError` class (a subclass of `Error`) once the entry module registered it, else a plain `Error`
//! carrying the same `name`, `message` and `retryable`.

use std::cell::RefCell;

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;

use crate::Error;

thread_local! {
    static ERROR_CLASS: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Called once by the package entry with its `CognitoError` class.
#[wasm_bindgen(js_name = "__setErrorClass", skip_typescript)]
pub fn set_error_class(class: Function) {
    ERROR_CLASS.with(|slot| *slot.borrow_mut() = Some(class));
}

pub fn to_js(error: &Error) -> JsValue {
    let args = Array::of3(
        &error.name.as_str().into(),
        &error.message.as_str().into(),
        &error.retryable.into(),
    );
    let registered = ERROR_CLASS.with(|slot| {
        slot.borrow()
            .as_ref()
            .and_then(|class| Reflect::construct(class, &args).ok())
    });
    registered.unwrap_or_else(|| {
        let plain = js_sys::Error::new(&error.message);
        plain.set_name(&error.name);
        let _ = Reflect::set(&plain, &"retryable".into(), &error.retryable.into());
        plain.into()
    })
}

/// What a thrown JS value says: an `Error`'s message, or a thrown string.
pub fn message_of(cause: &JsValue) -> String {
    cause
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| cause.as_string())
        .unwrap_or_default()
}

/// Reads a thrown JS value back into an [`Error`] (for errors that crossed a shared Promise).
pub fn from_js(value: &JsValue) -> Error {
    let text = |key: &str| {
        Reflect::get(value, &key.into())
            .ok()
            .and_then(|v| v.as_string())
    };
    let mut error = Error::new(
        text("name").unwrap_or_else(|| "Error".to_owned()),
        text("message")
            .or_else(|| value.as_string())
            .unwrap_or_default(),
    );
    if let Some(retryable) = Reflect::get(value, &"retryable".into())
        .ok()
        .and_then(|v| v.as_bool())
    {
        error.retryable = retryable;
    }
    error
}

impl From<Error> for JsValue {
    fn from(error: Error) -> Self {
        to_js(&error)
    }
}
