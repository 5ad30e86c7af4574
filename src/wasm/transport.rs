//! The `fetch` edge: POSTs a [`Request`] to the endpoint and hands the reply to the protocol parser. Uses the
//! global `fetch`, so it works on the main thread, in workers and in Node ≥ 20 alike.

use js_sys::Promise;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, RequestMode, Response};

use crate::Error;
use crate::protocol::{CONTENT_TYPE, RawResponse, Request, parse_response};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(input: &str, init: &RequestInit) -> Promise;

    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, milliseconds: u32) -> JsValue;
}

/// Resolves after `milliseconds` (the global `setTimeout`, present on pages, in workers and in Node).
pub async fn sleep(milliseconds: u32) {
    let timer = Promise::new(&mut |resolve, _reject| {
        set_timeout(&resolve, milliseconds);
    });
    let _ = JsFuture::from(timer).await;
}

fn network_error(what: &str, cause: &JsValue) -> Error {
    let detail = cause
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| cause.as_string())
        .unwrap_or_default();
    Error::network(format!("{what}: {detail}"))
}

/// Sends `request` and parses the reply as `T` (or the Cognito error it carries).
pub async fn send<T: DeserializeOwned>(endpoint: &str, request: &Request) -> Result<T, Error> {
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
    let error_type = reply.headers().get("x-amzn-ErrorType").ok().flatten();
    parse_response(&RawResponse {
        status: reply.status(),
        body: &body,
        error_type_header: error_type.as_deref(),
    })
}
