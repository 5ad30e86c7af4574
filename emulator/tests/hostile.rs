//! Hostile and broken requests get a Cognito-shaped 400 (`{"__type", "message"}`), promptly, and the
//! emulator keeps serving afterwards.

mod common;

use std::io::{Read as _, Write as _};
use std::time::{Duration, Instant};

use common::{Emu, PASSWORD, srp_sign_in};
use reqwest::StatusCode;
use serde_json::{Value, json};

const TARGET: &str = "AWSCognitoIdentityProviderService.InitiateAuth";

/// POST / with any content type and body bytes.
async fn post(emu: &Emu, content_type: Option<&str>, body: Vec<u8>) -> common::Reply {
    let mut request = emu
        .http
        .post(format!("{}/", emu.base))
        .header("x-amz-target", TARGET);
    if let Some(kind) = content_type {
        request = request.header("content-type", kind);
    }
    let response = request.body(body).send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    common::Reply {
        status,
        headers,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    }
}

fn assert_cognito_400(reply: &common::Reply, error_type: &str, message_part: &str) {
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert_eq!(reply.error_type(), error_type, "{}", reply.body);
    assert!(
        reply.message().contains(message_part),
        "{:?} lacks {message_part:?}",
        reply.message()
    );
    assert_eq!(reply.headers["content-type"], "application/x-amz-json-1.1");
    let name = reply.headers["x-amzn-errortype"].to_str().unwrap();
    assert!(name.starts_with(error_type), "{name}");
}

/// The emulator still signs people in.
async fn still_serving(emu: &Emu, pool: &str, client: &str) {
    let reply = srp_sign_in(emu, pool, client, "alice", PASSWORD).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

/// Writes `head` (and nothing more) on a fresh connection and returns what the server answers.
fn raw_request(emu: &Emu, head: String) -> (Vec<u8>, Duration) {
    let address = emu.base.trim_start_matches("http://").to_owned();
    let started = Instant::now();
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    // Read until the end of the JSON body (or the connection closes).
    while let Ok(n) = stream.read(&mut buffer) {
        if n == 0 {
            break;
        }
        received.extend_from_slice(&buffer[..n]);
        if received.ends_with(b"}") {
            break;
        }
    }
    (received, started.elapsed())
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_bodies_are_refused() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    // Just over 256 KiB of otherwise valid JSON.
    let padding = "x".repeat(256 * 1024);
    let body = json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": client, "ClientMetadata": { "p": padding } });
    let reply = post(
        &emu,
        Some("application/x-amz-json-1.1"),
        body.to_string().into_bytes(),
    )
    .await;
    assert_cognito_400(&reply, "SerializationException", "larger than 262144 bytes");

    // A body that claims to be huge is refused from its Content-Length, without waiting for it.
    let address = emu.base.trim_start_matches("http://").to_owned();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\n\
         X-Amz-Target: {TARGET}\r\nContent-Length: 1073741824\r\n\r\n{{"
    );
    let emu_ref = &emu;
    let (answer, took) = tokio::task::block_in_place(|| raw_request(emu_ref, head));
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 400"), "{text}");
    assert!(text.contains("larger than 262144 bytes"), "{text}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
    still_serving(&emu, &pool, &client).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_that_never_arrives_times_out() {
    let emu = Emu::start().await;
    let address = emu.base.trim_start_matches("http://").to_owned();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\n\
         X-Amz-Target: {TARGET}\r\nContent-Length: 100\r\n\r\n{{\"Auth"
    );
    let emu_ref = &emu;
    let (answer, took) = tokio::task::block_in_place(|| raw_request(emu_ref, head));
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 400"), "{text}");
    assert!(text.contains("did not arrive in time"), "{text}");
    assert!(
        took >= Duration::from_secs(9) && took < Duration::from_secs(20),
        "took {took:?}"
    );
}

#[tokio::test]
async fn deep_nesting_is_refused() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    for (open, close) in [("{\"a\":", "}"), ("[", "]")] {
        let depth = 20_000;
        let body = format!(
            "{{\"ClientId\":{}1{}}}",
            open.repeat(depth),
            close.repeat(depth)
        );
        let reply = post(&emu, Some("application/x-amz-json-1.1"), body.into_bytes()).await;
        assert_cognito_400(&reply, "SerializationException", "recursion limit");
    }
    still_serving(&emu, &pool, &client).await;
}

#[tokio::test]
async fn wrong_or_missing_content_types_are_refused() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let body = json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": client }).to_string();
    for kind in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/x-amz-json-1.1x"),
        None,
    ] {
        let reply = post(&emu, kind, body.clone().into_bytes()).await;
        assert_cognito_400(&reply, "SerializationException", "Content-Type");
    }
    // What SDKs send, with or without parameters, reaches the operation (which wants AuthParameters).
    for kind in [
        "application/x-amz-json-1.1",
        "application/x-amz-json-1.0",
        "application/json; charset=utf-8",
    ] {
        let reply = post(&emu, Some(kind), body.clone().into_bytes()).await;
        assert_cognito_400(&reply, "InvalidParameterException", "USERNAME");
    }
    still_serving(&emu, &pool, &client).await;
}

#[tokio::test]
async fn invalid_utf8_and_non_objects_are_refused() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let mut invalid = b"{\"AuthFlow\":\"USER_SRP_AUTH\",\"ClientId\":\"".to_vec();
    invalid.extend_from_slice(&[0xff, 0xfe, 0xc3]);
    invalid.extend_from_slice(b"\"}");
    let reply = post(&emu, Some("application/x-amz-json-1.1"), invalid).await;
    assert_cognito_400(&reply, "SerializationException", "not valid JSON");
    // Bytes that are not JSON at all, and a NUL byte.
    for body in [vec![0u8, 1, 2, 3], b"\0".to_vec(), b"{\"a\":1}{".to_vec()] {
        let reply = post(&emu, Some("application/x-amz-json-1.1"), body).await;
        assert_cognito_400(&reply, "SerializationException", "not valid JSON");
    }
    for body in ["null", "42", "\"InitiateAuth\"", "[]", "true"] {
        let reply = post(&emu, Some("application/x-amz-json-1.1"), body.into()).await;
        assert_cognito_400(&reply, "SerializationException", "must be a JSON object");
    }
    // Members of the wrong JSON type are the operation's validation errors, not crashes.
    for body in [
        json!({ "AuthFlow": 5, "ClientId": client }),
        json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": client, "AuthParameters": [1] }),
        json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": client, "AuthParameters": { "USERNAME": { "x": [] } } }),
    ] {
        let reply = post(
            &emu,
            Some("application/x-amz-json-1.1"),
            body.to_string().into(),
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
        assert!(
            ["SerializationException", "InvalidParameterException"].contains(&reply.error_type()),
            "{}",
            reply.body
        );
    }
    still_serving(&emu, &pool, &client).await;
}

#[tokio::test]
async fn missing_and_unknown_targets_are_refused_before_the_body_is_read() {
    let emu = Emu::start().await;
    for target in [
        None,
        Some(""),
        Some("AWSCognitoIdentityProviderService."),
        Some("AWSCognitoIdentityProviderService.Nope"),
        Some("AWSCognitoIdentityService.GetId"),
    ] {
        let mut request = emu
            .http
            .post(format!("{}/", emu.base))
            .header("content-type", "text/plain");
        if let Some(target) = target {
            request = request.header("x-amz-target", target);
        }
        let response = request.body("\u{0}not json").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{target:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["__type"], "UnknownOperationException", "{target:?}");
        assert!(body["message"].is_string());
    }
}

/// A known path with the wrong method: axum's own 405 has no body, so a client could not read an error.
#[tokio::test]
async fn wrong_methods_get_a_cognito_error_body() {
    let emu = Emu::start().await;
    for (method, path) in [
        (reqwest::Method::GET, "/"),
        (reqwest::Method::PUT, "/"),
        (reqwest::Method::DELETE, "/_emulator/health"),
        (reqwest::Method::POST, "/_emulator/clock"),
    ] {
        let response = emu
            .http
            .request(method.clone(), format!("{}{path}", emu.base))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert!(response.headers().contains_key("allow"), "{method} {path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body["__type"], "UnknownOperationException",
            "{method} {path}"
        );
    }
}
