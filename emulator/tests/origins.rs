//! Pages of other origins get no CORS answer, and a `Host` that is neither loopback nor `--host` (a
//! DNS-rebinding page's) gets 403: a web page the developer happens to open must not drive the emulator.

mod common;

use common::Emu;

const EVIL: &str = "https://evil.example";

/// A ListUserPools call, for the caller to add a header to.
fn list_user_pools(http: &reqwest::Client, emu: &Emu) -> reqwest::RequestBuilder {
    http.post(format!("{}/", emu.base))
        .header("content-type", "application/x-amz-json-1.1")
        .header(
            "x-amz-target",
            "AWSCognitoIdentityProviderService.ListUserPools",
        )
        .body(r#"{"MaxResults": 10}"#)
}

fn allow_origin(response: &reqwest::Response) -> Option<&str> {
    response
        .headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn other_origins_get_no_cors_answer() {
    let emu = Emu::start().await;
    let http = reqwest::Client::new();
    for origin in [EVIL, "null"] {
        let inbox = http
            .get(format!("{}/_emulator/inbox", emu.base))
            .header("origin", origin)
            .send()
            .await
            .unwrap();
        assert_eq!(allow_origin(&inbox), None, "inbox GET from {origin}");
        let preflight = http
            .request(reqwest::Method::OPTIONS, format!("{}/", emu.base))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type, x-amz-target",
            )
            .send()
            .await
            .unwrap();
        assert_eq!(allow_origin(&preflight), None, "preflight from {origin}");
        let list = list_user_pools(&http, &emu)
            .header("origin", origin)
            .send()
            .await
            .unwrap();
        assert_eq!(allow_origin(&list), None, "ListUserPools from {origin}");
    }
    // The loopback page (scripts/serve.py, the demo) still gets its answer.
    let local = http
        .get(format!("{}/_emulator/inbox", emu.base))
        .header("origin", "http://127.0.0.1:8080")
        .send()
        .await
        .unwrap();
    assert_eq!(allow_origin(&local), Some("http://127.0.0.1:8080"));
}

#[tokio::test]
async fn a_foreign_host_is_refused() {
    let emu = Emu::start().await;
    let http = reqwest::Client::new();
    let port = emu.base.rsplit(':').next().unwrap();
    let reply = list_user_pools(&http, &emu)
        .header("host", format!("evil.example:{port}"))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 403);
    assert_eq!(
        reply.headers()["x-amzn-errortype"].to_str().unwrap(),
        "ForbiddenException:"
    );
    let body: serde_json::Value = reply.json().await.unwrap();
    assert_eq!(body["__type"], "ForbiddenException");
    let inbox = http
        .get(format!("{}/_emulator/inbox", emu.base))
        .header("host", "evil.example:9229")
        .send()
        .await
        .unwrap();
    assert_eq!(inbox.status(), 403);
    let loopback = list_user_pools(&http, &emu)
        .header("host", format!("localhost:{port}"))
        .send()
        .await
        .unwrap();
    assert_eq!(loopback.status(), 200);
}
