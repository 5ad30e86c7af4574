//! The dev-only fault injection (`/_emulator/faults`) and call counts (`/_emulator/calls`): injected
//! errors, delays and really dropped connections for the next N calls of an operation, and counts that tell
//! refreshes apart from other InitiateAuth calls.

mod common;

use std::time::{Duration, Instant};

use common::{Emu, PASSWORD, date_header, now_secs};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn add_fault(emu: &Emu, rule: Value) -> Value {
    let reply = emu
        .dev(Method::POST, "/_emulator/faults", Some(rule.clone()))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{rule}: {}", reply.body);
    reply.body
}

async fn faults(emu: &Emu) -> Vec<Value> {
    let reply = emu.dev(Method::GET, "/_emulator/faults", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.body.as_array().unwrap().clone()
}

fn refresh_request(client: &str, refresh_token: &Value) -> Value {
    json!({ "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client,
            "AuthParameters": { "REFRESH_TOKEN": refresh_token } })
}

#[tokio::test]
async fn injected_errors_answer_the_next_n_calls() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let tokens = emu.tokens(&pool, &client, "alice", PASSWORD).await;
    let refresh = refresh_request(&client, &tokens["RefreshToken"]);

    let rule = add_fault(
        &emu,
        json!({ "operation": "InitiateAuth", "count": 2, "status": 503,
                "type": "InternalErrorException", "message": "Cognito is having a bad day." }),
    )
    .await;
    assert_eq!(rule["count"], 2);
    assert_eq!(rule["operation"], "InitiateAuth");
    assert!(rule["id"].is_u64());
    // Other operations are not affected.
    emu.ok("GetUser", json!({ "AccessToken": tokens["AccessToken"] }))
        .await;
    for left in [1, 0] {
        let reply = emu.call("InitiateAuth", refresh.clone()).await;
        assert_eq!(
            reply.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            reply.body
        );
        assert_eq!(reply.error_type(), "InternalErrorException");
        assert_eq!(reply.message(), "Cognito is having a bad day.");
        assert_eq!(reply.headers["x-amzn-errortype"], "InternalErrorException:");
        assert!((date_header(&reply.headers) - now_secs()).abs() <= 5);
        let rules = faults(&emu).await;
        assert_eq!(rules.len(), left, "{rules:?}");
    }
    // The rule is used up: the refresh works again.
    let reply = emu.call("InitiateAuth", refresh.clone()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    // Throttling, the way Cognito reports it (400), on refreshes only.
    for error_type in ["TooManyRequestsException", "LimitExceededException"] {
        add_fault(
            &emu,
            json!({ "operation": "InitiateAuth:REFRESH_TOKEN_AUTH", "status": 400, "type": error_type,
                    "message": "Rate exceeded" }),
        )
        .await;
        // A first sign-in is not a refresh: it passes.
        let (_, challenge) = common::start_srp(&emu, &client, "alice", None).await;
        assert_eq!(challenge.status, StatusCode::OK, "{}", challenge.body);
        let reply = emu.call("InitiateAuth", refresh.clone()).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert_eq!(reply.error_type(), error_type);
        assert_eq!(reply.message(), "Rate exceeded");
    }
    assert_eq!(
        emu.call("InitiateAuth", refresh.clone()).await.status,
        StatusCode::OK
    );

    // "*" takes any operation; the message has a default.
    add_fault(
        &emu,
        json!({ "operation": "*", "type": "InternalErrorException", "status": 500 }),
    )
    .await;
    let reply = emu
        .call("GetUser", json!({ "AccessToken": tokens["AccessToken"] }))
        .await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(reply.message(), "Injected fault: InternalErrorException");
    emu.ok("GetUser", json!({ "AccessToken": tokens["AccessToken"] }))
        .await;
}

#[tokio::test]
async fn rules_are_listed_cleared_and_checked() {
    let emu = Emu::start().await;
    add_fault(
        &emu,
        json!({ "operation": "GetUser", "count": 3, "delayMs": 10 }),
    )
    .await;
    add_fault(
        &emu,
        json!({ "operation": "GetTokensFromRefreshToken", "dropConnection": true }),
    )
    .await;
    let rules = faults(&emu).await;
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0]["operation"], "GetUser");
    assert_eq!(rules[0]["count"], 3);
    assert_eq!(rules[0]["delayMs"], 10);
    assert_eq!(rules[1]["dropConnection"], true);
    assert_eq!(rules[1]["count"], 1);
    let cleared = emu.dev(Method::DELETE, "/_emulator/faults", None).await;
    assert_eq!(cleared.status, StatusCode::NO_CONTENT);
    assert!(faults(&emu).await.is_empty());

    for bad in [
        json!({ "operation": "NoSuchOperation", "delayMs": 1 }),
        json!({ "operation": "InitiateAuth:NO_SUCH_FLOW", "delayMs": 1 }),
        json!({ "operation": "GetUser" }),
        json!({ "operation": "GetUser", "delayMs": 1, "dropConnection": true }),
        json!({ "operation": "GetUser", "count": 0, "delayMs": 1 }),
        json!({ "operation": "GetUser", "status": 302, "type": "Moved" }),
        json!({ "operation": "GetUser", "status": 503 }),
    ] {
        let reply = emu
            .dev(Method::POST, "/_emulator/faults", Some(bad.clone()))
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(reply.error_type(), "InvalidParameterException", "{bad}");
    }
    let reply = emu
        .dev(
            Method::POST,
            "/_emulator/faults",
            Some(json!({ "operation": "*", "delay": 5 })),
        )
        .await;
    assert_eq!(
        reply.error_type(),
        "SerializationException",
        "unknown member"
    );
    assert!(faults(&emu).await.is_empty());
}

#[tokio::test]
async fn delays_then_answers_normally() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let tokens = emu.tokens(&pool, &client, "alice", PASSWORD).await;
    add_fault(
        &emu,
        json!({ "operation": "InitiateAuth:REFRESH_TOKEN_AUTH", "count": 1, "delayMs": 700 }),
    )
    .await;
    let started = Instant::now();
    let reply = emu
        .call(
            "InitiateAuth",
            refresh_request(&client, &tokens["RefreshToken"]),
        )
        .await;
    assert!(
        started.elapsed() >= Duration::from_millis(700),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body["AuthenticationResult"]["AccessToken"].is_string());
    let counts = emu.calls().await;
    assert_eq!(counts["InitiateAuth:REFRESH_TOKEN_AUTH"]["delayed"], 1);
    assert_eq!(counts["InitiateAuth:REFRESH_TOKEN_AUTH"]["answered"], 1);
}

/// A raw HTTP/1.1 request on a fresh TCP connection; returns every byte the server sent before closing.
async fn raw_exchange(emu: &Emu, target: &str, body: &str) -> std::io::Result<Vec<u8>> {
    use std::io::{Read as _, Write as _};
    let address = emu.base.trim_start_matches("http://").to_owned();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\n\
         X-Amz-Target: AWSCognitoIdentityProviderService.{target}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(&address)?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        stream.write_all(request.as_bytes())?;
        let mut received = Vec::new();
        stream.read_to_end(&mut received)?;
        Ok(received)
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn dropped_connections_get_no_http_answer() {
    let emu = Emu::start().await;
    let pool = emu.create_pool(json!({})).await;
    let create =
        json!({ "UserPoolId": pool, "Username": "bob", "MessageAction": "SUPPRESS" }).to_string();

    add_fault(
        &emu,
        json!({ "operation": "AdminCreateUser", "count": 2, "dropConnection": true }),
    )
    .await;
    // On the wire: the connection closes (or is reset) without a single byte of HTTP.
    match raw_exchange(&emu, "AdminCreateUser", &create).await {
        Ok(bytes) => assert!(
            bytes.is_empty(),
            "expected no answer, got {:?}",
            String::from_utf8_lossy(&bytes)
        ),
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}"),
    }
    // An HTTP client sees a failed request, not a status.
    let error = emu
        .http
        .post(format!("{}/", emu.base))
        .header("content-type", "application/x-amz-json-1.1")
        .header(
            "x-amz-target",
            "AWSCognitoIdentityProviderService.AdminCreateUser",
        )
        .body(create.clone())
        .send()
        .await
        .expect_err("a dropped connection is not an HTTP reply");
    assert!(error.status().is_none(), "{error:?}");
    // The operation did not run.
    assert_eq!(
        emu.err(
            "AdminGetUser",
            json!({ "UserPoolId": pool, "Username": "bob" }),
            "UserNotFoundException"
        )
        .await,
        "User does not exist."
    );
    // Used up: the next call is answered, on a new connection as on the old pool.
    let bytes = raw_exchange(&emu, "AdminCreateUser", &create)
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    let counts = emu.calls().await;
    assert_eq!(counts["AdminCreateUser"]["dropped"], 2);
    assert_eq!(counts["AdminCreateUser"]["answered"], 1);
    assert_eq!(counts["AdminCreateUser"]["total"], 3);
}

#[tokio::test]
async fn calls_are_counted_by_operation_and_flow() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let reset = emu.dev(Method::DELETE, "/_emulator/calls", None).await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT);
    assert_eq!(emu.calls().await, json!({}));

    let tokens = emu.tokens(&pool, &client, "alice", PASSWORD).await;
    let refresh = refresh_request(&client, &tokens["RefreshToken"]);
    emu.ok("InitiateAuth", refresh.clone()).await;
    emu.ok("InitiateAuth", refresh.clone()).await;
    add_fault(
        &emu,
        json!({ "operation": "InitiateAuth:REFRESH_TOKEN_AUTH", "type": "TooManyRequestsException" }),
    )
    .await;
    assert_eq!(
        emu.call("InitiateAuth", refresh.clone()).await.error_type(),
        "TooManyRequestsException"
    );
    // A Cognito error from the operation itself counts as answered.
    emu.err(
        "InitiateAuth",
        json!({ "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client,
                "AuthParameters": { "REFRESH_TOKEN": "not-a-token" } }),
        "NotAuthorizedException",
    )
    .await;
    // Neither dev endpoints nor the JWKS document are Cognito calls.
    emu.jwks(&pool).await;
    faults(&emu).await;

    let counts = emu.calls().await;
    let count = |name: &str| counts[name].clone();
    assert_eq!(
        count("InitiateAuth"),
        json!({ "total": 5, "answered": 4, "failed": 1, "dropped": 0, "delayed": 0 })
    );
    assert_eq!(
        count("InitiateAuth:REFRESH_TOKEN_AUTH"),
        json!({ "total": 4, "answered": 3, "failed": 1, "dropped": 0, "delayed": 0 })
    );
    assert_eq!(count("InitiateAuth:USER_SRP_AUTH")["total"], 1);
    assert_eq!(count("RespondToAuthChallenge")["total"], 1);
    assert_eq!(
        count("RespondToAuthChallenge:PASSWORD_VERIFIER")["answered"],
        1
    );
    let names: Vec<&String> = counts.as_object().unwrap().keys().collect();
    assert_eq!(
        names,
        [
            "InitiateAuth",
            "InitiateAuth:REFRESH_TOKEN_AUTH",
            "InitiateAuth:USER_SRP_AUTH",
            "RespondToAuthChallenge",
            "RespondToAuthChallenge:PASSWORD_VERIFIER"
        ]
    );
    emu.dev(Method::DELETE, "/_emulator/calls", None).await;
    assert_eq!(emu.calls().await, json!({}));
}

#[tokio::test]
async fn dev_endpoints_answer_browsers_on_other_origins() {
    let emu = Emu::start().await;
    let origin = "http://127.0.0.1:8080";
    for (method, path) in [
        ("POST", "/_emulator/faults"),
        ("DELETE", "/_emulator/faults"),
        ("DELETE", "/_emulator/calls"),
        ("PUT", "/_emulator/clock"),
        ("PUT", "/_emulator/token-validity"),
    ] {
        let preflight = emu
            .http
            .request(Method::OPTIONS, format!("{}{path}", emu.base))
            .header("origin", origin)
            .header("access-control-request-method", method)
            .header("access-control-request-headers", "content-type")
            .send()
            .await
            .unwrap();
        assert_eq!(
            preflight.status(),
            StatusCode::NO_CONTENT,
            "{method} {path}"
        );
        let headers = preflight.headers();
        assert_eq!(headers["access-control-allow-origin"], origin);
        let methods = headers["access-control-allow-methods"].to_str().unwrap();
        assert!(methods.contains(method), "{method} {path}: {methods}");
        let allowed = headers["access-control-allow-headers"].to_str().unwrap();
        assert!(allowed.contains("content-type"), "{allowed}");
    }
    let reply = emu
        .http
        .post(format!("{}/_emulator/faults", emu.base))
        .header("origin", origin)
        .body(json!({ "operation": "*", "delayMs": 1 }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::CREATED);
    assert_eq!(reply.headers()["access-control-allow-origin"], origin);
    let reply = emu
        .http
        .get(format!("{}/_emulator/calls", emu.base))
        .header("origin", origin)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.headers()["access-control-allow-origin"], origin);
    assert!(
        reply.headers()["access-control-expose-headers"]
            .to_str()
            .unwrap()
            .contains("Date")
    );
}

/// While a drop is pending, connections are not reused: browsers silently resend a request whose reused
/// keep-alive connection closes without an answer, which would hide the drop from the page.
#[tokio::test]
async fn pending_drops_give_every_call_a_fresh_connection() {
    use std::io::{BufRead as _, BufReader, Read as _, Write as _};
    use std::net::TcpStream;

    let emu = Emu::start().await;
    let address = emu.base.trim_start_matches("http://").to_owned();
    tokio::task::spawn_blocking(move || {
        let body = r#"{"MaxResults":1}"#;
        let request = format!(
            "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\n\
             X-Amz-Target: AWSCognitoIdentityProviderService.ListUserPools\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let connect = || {
            let stream = TcpStream::connect(&address).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            BufReader::new(stream)
        };
        // One keep-alive exchange: the status line, then headers and body by Content-Length.
        let exchange = |reader: &mut BufReader<TcpStream>| -> String {
            reader.get_mut().write_all(request.as_bytes()).unwrap();
            let mut status = String::new();
            reader.read_line(&mut status).unwrap();
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap();
                }
                if line == "\r\n" {
                    break;
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            status.trim_end().to_owned()
        };
        let closed = |reader: &mut BufReader<TcpStream>| {
            let mut rest = Vec::new();
            matches!(reader.read_to_end(&mut rest), Ok(0))
        };
        // A dev call on its own connection; returns the status line.
        let dev = |method: &str, body: &str| -> String {
            let mut reader = connect();
            let request = format!(
                "{method} /_emulator/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            reader.get_mut().write_all(request.as_bytes()).unwrap();
            let mut status = String::new();
            reader.read_line(&mut status).unwrap();
            status.trim_end().to_owned()
        };
        let mut used = connect();
        assert_eq!(exchange(&mut used), "HTTP/1.1 200 OK");
        let mut unused = connect();
        // Without a pending drop, connections stay open for the next request.
        assert_eq!(exchange(&mut used), "HTTP/1.1 200 OK");

        assert_eq!(
            dev("POST", r#"{"operation": "GetUser", "dropConnection": true}"#),
            "HTTP/1.1 201 Created"
        );
        assert!(closed(&mut used), "an idle, used connection closes");
        assert!(closed(&mut unused), "an idle connection never used closes too");
        let mut fresh = connect();
        assert_eq!(exchange(&mut fresh), "HTTP/1.1 200 OK");
        assert!(closed(&mut fresh), "one answer per connection while the drop is pending");

        assert_eq!(dev("DELETE", ""), "HTTP/1.1 204 No Content");
        let mut again = connect();
        assert_eq!(exchange(&mut again), "HTTP/1.1 200 OK");
        assert_eq!(exchange(&mut again), "HTTP/1.1 200 OK");
    })
    .await
    .unwrap();
}
