//! The OAuth 2.0 side: app-client OAuth settings, domains, identity providers and resource servers
//! (with Cognito's validation errors, kept in the data dir), and the domain endpoints — authorize, the
//! managed-login hand-over, token (code + PKCE, refresh, client credentials), userInfo, revoke, logout
//! and discovery — with every refused case.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use common::{Emu, PASSWORD, claims, merge, query_encode, verify_with_jwks};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

const CALLBACK: &str = "http://localhost:3000/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-verifier";

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A pool with a domain, user "alice", and a public code-flow client.
async fn oauth_setup(emu: &Emu, client_extra: Value) -> (String, String) {
    let pool = emu.create_pool(json!({})).await;
    // The pool id in hex: the id's nine random letters, lowercased, sometimes spelled a reserved word ("aws"),
    // which Cognito refuses in a domain prefix, and the test failed one run in a few thousand.
    let hex: String = pool.bytes().map(|b| format!("{b:02x}")).collect();
    emu.ok(
        "CreateUserPoolDomain",
        json!({ "UserPoolId": pool, "Domain": format!("app-{hex}") }),
    )
    .await;
    let mut body = json!({
        "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        "AllowedOAuthFlowsUserPoolClient": true,
        "AllowedOAuthFlows": ["code"],
        "AllowedOAuthScopes": ["openid", "email", "profile"],
        "CallbackURLs": [CALLBACK],
        "LogoutURLs": ["http://localhost:3000/signed-out"],
        "SupportedIdentityProviders": ["COGNITO"],
    });
    merge(&mut body, client_extra);
    let (client, _) = emu.create_client(&pool, body).await;
    emu.create_user(&pool, "alice").await;
    (pool, client)
}

/// A GET without following redirects: (status, Location, Set-Cookie, body).
async fn get(emu: &Emu, path: &str) -> (StatusCode, Option<String>, Option<String>, String) {
    let response = no_redirects()
        .get(format!("{}{path}", emu.base))
        .send()
        .await
        .unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (location, cookie) = (header("location"), header("set-cookie"));
    (
        response.status(),
        location,
        cookie,
        response.text().await.unwrap(),
    )
}

fn authorize_path(client: &str, extra: &str) -> String {
    format!(
        "/oauth2/authorize?response_type=code&client_id={client}&redirect_uri={}&state=st-1&nonce=n-1&scope=openid+email&code_challenge={}&code_challenge_method=S256{extra}",
        query_encode(CALLBACK),
        challenge(VERIFIER)
    )
}

/// The query parameters of a URL.
fn query(url: &str) -> std::collections::BTreeMap<String, String> {
    url.split_once('?')
        .map(|(_, q)| q)
        .unwrap_or("")
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.replace("%20", " ")))
        .collect()
}

/// Starts an authorization request; returns the cookie pair (`name=value`).
async fn start(emu: &Emu, client: &str) -> String {
    let (status, location, cookie, _) = get(emu, &authorize_path(client, "")).await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(location.unwrap().starts_with("/login?"), "to managed login");
    let cookie = cookie.expect("a cookie binds the request to the browser");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    cookie.split(';').next().unwrap().to_owned()
}

/// The managed-login page's hand-over: (status, Location).
async fn hand_over(
    emu: &Emu,
    cookie: Option<&str>,
    origin: Option<&str>,
    form: &str,
) -> (StatusCode, Option<String>) {
    let mut request = no_redirects()
        .post(format!("{}/login", emu.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned());
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    let response = request.send().await.unwrap();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (response.status(), location)
}

async fn password_tokens(emu: &Emu, client: &str) -> Value {
    emu.ok(
        "InitiateAuth",
        json!({ "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
                "AuthParameters": { "USERNAME": "alice", "PASSWORD": PASSWORD } }),
    )
    .await["AuthenticationResult"]
        .clone()
}

/// authorize → sign in → hand-over: the code.
async fn code_for(emu: &Emu, client: &str) -> String {
    let cookie = start(emu, client).await;
    let tokens = password_tokens(emu, client).await;
    let (status, location) = hand_over(
        emu,
        Some(&cookie),
        Some(&emu.base),
        &format!("access_token={}", tokens["AccessToken"].as_str().unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.unwrap();
    assert!(location.starts_with(CALLBACK), "{location}");
    let params = query(&location);
    assert_eq!(params["state"], "st-1");
    params["code"].clone()
}

async fn token_request(emu: &Emu, basic: Option<(&str, &str)>, form: &str) -> (StatusCode, Value) {
    let mut request = emu
        .http
        .post(format!("{}/oauth2/token", emu.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned());
    if let Some((id, secret)) = basic {
        request = request.header(
            "authorization",
            format!("Basic {}", STANDARD.encode(format!("{id}:{secret}"))),
        );
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A token request that must fail with 400: its `error`.
async fn token_error(emu: &Emu, basic: Option<(&str, &str)>, form: &str) -> String {
    let (status, body) = token_request(emu, basic, form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    body["error"].as_str().unwrap_or_default().to_owned()
}

fn exchange_form(client: &str, code: &str, verifier: &str, redirect: &str) -> String {
    format!(
        "grant_type=authorization_code&client_id={client}&code={code}&code_verifier={verifier}&redirect_uri={}",
        query_encode(redirect)
    )
}

#[tokio::test]
async fn client_oauth_settings_are_stored_and_checked() {
    let emu = Emu::start().await;
    let (pool, client) = oauth_setup(&emu, json!({ "DefaultRedirectURI": CALLBACK })).await;
    let described = emu
        .ok(
            "DescribeUserPoolClient",
            json!({ "UserPoolId": pool, "ClientId": client }),
        )
        .await;
    let described = &described["UserPoolClient"];
    assert_eq!(described["AllowedOAuthFlowsUserPoolClient"], true);
    assert_eq!(described["AllowedOAuthFlows"], json!(["code"]));
    assert_eq!(
        described["AllowedOAuthScopes"],
        json!(["openid", "email", "profile"])
    );
    assert_eq!(described["CallbackURLs"], json!([CALLBACK]));
    assert_eq!(described["DefaultRedirectURI"], CALLBACK);
    assert_eq!(described["SupportedIdentityProviders"], json!(["COGNITO"]));

    let updated = emu
        .ok(
            "UpdateUserPoolClient",
            json!({ "UserPoolId": pool, "ClientId": client, "AllowedOAuthFlowsUserPoolClient": true,
                    "AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid"],
                    "CallbackURLs": ["https://app.example/cb"] }),
        )
        .await;
    assert_eq!(
        updated["UserPoolClient"]["CallbackURLs"],
        json!(["https://app.example/cb"])
    );
    assert!(updated["UserPoolClient"].get("LogoutURLs").is_none());

    let refused = [
        (
            json!({ "AllowedOAuthFlows": ["client_credentials"], "AllowedOAuthScopes": ["openid"] }),
            "InvalidOAuthFlowException",
            "does not have a client secret",
        ),
        (
            json!({ "GenerateSecret": true, "AllowedOAuthFlows": ["client_credentials", "code"] }),
            "InvalidOAuthFlowException",
            "along with code flow",
        ),
        (
            json!({ "AllowedOAuthFlowsUserPoolClient": true, "AllowedOAuthFlows": ["code"] }),
            "InvalidParameterException",
            "AllowedOAuthScopes are required",
        ),
        (
            json!({ "AllowedOAuthScopes": ["openid", "nope/read"] }),
            "ScopeDoesNotExistException",
            "nope/read",
        ),
        (
            json!({ "AllowedOAuthFlows": ["password"] }),
            "InvalidParameterException",
            "enum value set",
        ),
        (
            json!({ "CallbackURLs": ["http://app.example/cb"] }),
            "InvalidParameterException",
            "Invalid redirect URL",
        ),
        (
            json!({ "CallbackURLs": ["https://app.example/cb#x"] }),
            "InvalidParameterException",
            "Invalid redirect URL",
        ),
        (
            json!({ "CallbackURLs": ["https://app.example/cb"], "DefaultRedirectURI": "https://other.example/cb" }),
            "InvalidParameterException",
            "DefaultRedirectURI",
        ),
        (
            json!({ "SupportedIdentityProviders": ["COGNITO", "Nobody"] }),
            "InvalidParameterException",
            "The provider Nobody does not exist",
        ),
    ];
    for (extra, error, fragment) in refused {
        let mut body = json!({ "UserPoolId": pool, "ClientName": "refused" });
        merge(&mut body, extra.clone());
        let message = emu.err("CreateUserPoolClient", body, error).await;
        assert!(message.contains(fragment), "{extra}: {message}");
    }
}

#[tokio::test]
async fn domains_providers_and_resource_servers() {
    let emu = Emu::start().await;
    let pool = emu.create_pool(json!({})).await;
    let other = emu.create_pool(json!({})).await;
    emu.ok(
        "CreateUserPoolDomain",
        json!({ "UserPoolId": pool, "Domain": "my-app" }),
    )
    .await;
    emu.err(
        "CreateUserPoolDomain",
        json!({ "UserPoolId": other, "Domain": "my-app" }),
        "InvalidParameterException",
    )
    .await;
    emu.err(
        "CreateUserPoolDomain",
        json!({ "UserPoolId": pool, "Domain": "second" }),
        "InvalidParameterException",
    )
    .await;
    emu.err(
        "CreateUserPoolDomain",
        json!({ "UserPoolId": other, "Domain": "Bad_Domain" }),
        "InvalidParameterException",
    )
    .await;
    let described = emu
        .ok("DescribeUserPoolDomain", json!({ "Domain": "my-app" }))
        .await;
    assert_eq!(described["DomainDescription"]["UserPoolId"], pool.as_str());
    assert_eq!(described["DomainDescription"]["Status"], "ACTIVE");
    let unknown = emu
        .ok("DescribeUserPoolDomain", json!({ "Domain": "nobody" }))
        .await;
    assert_eq!(unknown["DomainDescription"], json!({}));

    let provider = json!({
        "UserPoolId": pool, "ProviderName": "TestIdP", "ProviderType": "OIDC",
        "ProviderDetails": { "client_id": "rp", "client_secret": "s", "authorize_scopes": "openid email",
                             "oidc_issuer": "https://idp.example", "attributes_request_method": "GET" },
        "AttributeMapping": { "email": "email", "name": "name" },
        "IdpIdentifiers": ["example.com"],
    });
    let created = emu.ok("CreateIdentityProvider", provider.clone()).await;
    assert_eq!(
        created["IdentityProvider"]["AttributeMapping"]["email"],
        "email"
    );
    emu.err(
        "CreateIdentityProvider",
        provider,
        "DuplicateProviderException",
    )
    .await;
    let missing = emu
        .err(
            "CreateIdentityProvider",
            json!({ "UserPoolId": pool, "ProviderName": "Half", "ProviderType": "OIDC",
                    "ProviderDetails": { "client_id": "rp" } }),
            "InvalidParameterException",
        )
        .await;
    assert!(missing.contains("authorize_scopes"), "{missing}");
    let described = emu
        .ok(
            "DescribeIdentityProvider",
            json!({ "UserPoolId": pool, "ProviderName": "TestIdP" }),
        )
        .await;
    assert_eq!(
        described["IdentityProvider"]["IdpIdentifiers"],
        json!(["example.com"])
    );
    emu.err(
        "DescribeIdentityProvider",
        json!({ "UserPoolId": pool, "ProviderName": "Nope" }),
        "ResourceNotFoundException",
    )
    .await;
    let listed = emu
        .ok("ListIdentityProviders", json!({ "UserPoolId": pool }))
        .await;
    assert_eq!(listed["Providers"][0]["ProviderName"], "TestIdP");
    assert_eq!(listed["Providers"][0]["ProviderType"], "OIDC");

    let server = json!({ "UserPoolId": pool, "Identifier": "https://api.example", "Name": "api",
                         "Scopes": [{ "ScopeName": "read", "ScopeDescription": "Read" }] });
    let created = emu.ok("CreateResourceServer", server.clone()).await;
    assert_eq!(created["ResourceServer"]["Scopes"][0]["ScopeName"], "read");
    emu.err("CreateResourceServer", server, "InvalidParameterException")
        .await;
    // Its scopes can now be allowed, and the provider supported.
    emu.create_client(
        &pool,
        json!({ "AllowedOAuthScopes": ["https://api.example/read"], "SupportedIdentityProviders": ["TestIdP"] }),
    )
    .await;
}

#[test]
fn oauth_settings_survive_a_restart_of_the_data_dir() {
    let dir = std::env::temp_dir().join(format!(
        "cognito-emulator-oauth-{}-{}",
        std::process::id(),
        common::now_secs()
    ));
    let open = || {
        let opened = cognito_emulator::persist::open(&dir).unwrap();
        let state = cognito_emulator::AppState::with_store("us-east-1", opened.store);
        state.persist_to(opened.persister);
        state
    };
    let call = |state: &cognito_emulator::AppState, operation: &str, body: Value| {
        let Value::Object(body) = body else {
            unreachable!()
        };
        cognito_emulator::ops::dispatch(state, operation, &Default::default(), &body).unwrap()
    };
    let (pool, client) = {
        let state = open();
        let pool = call(&state, "CreateUserPool", json!({ "PoolName": "p" }))["UserPool"]["Id"]
            .as_str()
            .unwrap()
            .to_owned();
        call(
            &state,
            "CreateUserPoolDomain",
            json!({ "UserPoolId": pool, "Domain": "kept" }),
        );
        call(
            &state,
            "CreateIdentityProvider",
            json!({ "UserPoolId": pool, "ProviderName": "KeptIdP", "ProviderType": "OIDC",
                    "ProviderDetails": { "client_id": "rp", "authorize_scopes": "openid",
                        "oidc_issuer": "https://idp.example", "attributes_request_method": "GET" },
                    "AttributeMapping": { "email": "email" } }),
        );
        call(
            &state,
            "CreateResourceServer",
            json!({ "UserPoolId": pool, "Identifier": "api", "Name": "api",
                    "Scopes": [{ "ScopeName": "read", "ScopeDescription": "Read" }] }),
        );
        let client = call(
            &state,
            "CreateUserPoolClient",
            json!({ "UserPoolId": pool, "ClientName": "c", "AllowedOAuthFlowsUserPoolClient": true,
                    "AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid", "api/read"],
                    "CallbackURLs": [CALLBACK] }),
        )["UserPoolClient"]["ClientId"]
            .as_str()
            .unwrap()
            .to_owned();
        (pool, client)
    };
    let state = open();
    let domain = call(
        &state,
        "DescribeUserPoolDomain",
        json!({ "Domain": "kept" }),
    );
    assert_eq!(domain["DomainDescription"]["UserPoolId"], pool.as_str());
    let provider = call(
        &state,
        "DescribeIdentityProvider",
        json!({ "UserPoolId": pool, "ProviderName": "KeptIdP" }),
    );
    assert_eq!(
        provider["IdentityProvider"]["AttributeMapping"],
        json!({ "email": "email" })
    );
    let server = call(
        &state,
        "DescribeResourceServer",
        json!({ "UserPoolId": pool, "Identifier": "api" }),
    );
    assert_eq!(server["ResourceServer"]["Scopes"][0]["ScopeName"], "read");
    let described = call(
        &state,
        "DescribeUserPoolClient",
        json!({ "UserPoolId": pool, "ClientId": client }),
    );
    assert_eq!(
        described["UserPoolClient"]["AllowedOAuthScopes"],
        json!(["openid", "api/read"])
    );
    drop(state);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn authorization_code_with_pkce_end_to_end() {
    let emu = Emu::start().await;
    let (pool, client) = oauth_setup(&emu, json!({})).await;
    let code = code_for(&emu, &client).await;
    let (status, tokens) = token_request(
        &emu,
        None,
        &exchange_form(&client, &code, VERIFIER, CALLBACK),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    let jwks = emu.jwks(&pool).await;
    let (_, id) = verify_with_jwks(tokens["id_token"].as_str().unwrap(), &jwks).unwrap();
    assert_eq!(id["nonce"], "n-1");
    assert_eq!(id["aud"], client.as_str());
    assert_eq!(id["email"], "alice@example.com");
    let access = claims(tokens["access_token"].as_str().unwrap());
    assert_eq!(access["scope"], "openid email");

    // userInfo: with the e-mail scope but not profile, the e-mail claims and not the others.
    let userinfo = emu
        .http
        .get(format!("{}/oauth2/userInfo", emu.base))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(userinfo.status(), StatusCode::OK);
    let userinfo: Value = userinfo.json().await.unwrap();
    assert_eq!(userinfo["email"], "alice@example.com");
    assert_eq!(userinfo["email_verified"], "true");
    assert_eq!(userinfo["username"], "alice");
    assert!(userinfo.get("custom:team").is_none(), "{userinfo}");
    let refused = emu
        .http
        .post(format!("{}/oauth2/userInfo", emu.base))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);

    // Refresh keeps the granted scopes.
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let (status, refreshed) = token_request(
        &emu,
        None,
        &format!("grant_type=refresh_token&client_id={client}&refresh_token={refresh}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    assert_eq!(
        claims(refreshed["access_token"].as_str().unwrap())["scope"],
        "openid email"
    );
    assert!(refreshed.get("refresh_token").is_none());

    // Revocation ends the refresh token.
    let revoked = emu
        .http
        .post(format!("{}/oauth2/revoke", emu.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={refresh}&client_id={client}"))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_eq!(
        token_error(
            &emu,
            None,
            &format!("grant_type=refresh_token&client_id={client}&refresh_token={refresh}")
        )
        .await,
        "invalid_grant"
    );
}

#[tokio::test]
async fn codes_are_single_use_and_bound_to_verifier_redirect_client_and_time() {
    let emu = Emu::start().await;
    let (pool, client) = oauth_setup(&emu, json!({})).await;
    let (other_client, _) = emu
        .create_client(
            &pool,
            json!({ "AllowedOAuthFlowsUserPoolClient": true, "AllowedOAuthFlows": ["code"],
                    "AllowedOAuthScopes": ["openid"], "CallbackURLs": [CALLBACK],
                    "SupportedIdentityProviders": ["COGNITO"] }),
        )
        .await;

    // Replayed: the second exchange fails, and the sign-in the first one gave is revoked.
    let code = code_for(&emu, &client).await;
    let (status, first) = token_request(
        &emu,
        None,
        &exchange_form(&client, &code, VERIFIER, CALLBACK),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        token_error(
            &emu,
            None,
            &exchange_form(&client, &code, VERIFIER, CALLBACK)
        )
        .await,
        "invalid_grant"
    );
    let revoked = emu
        .call("GetUser", json!({ "AccessToken": first["access_token"] }))
        .await;
    assert_eq!(
        revoked.error_type(),
        "NotAuthorizedException",
        "{}",
        revoked.body
    );

    // Wrong verifier; and the code is gone after that one attempt.
    let code = code_for(&emu, &client).await;
    let wrong = "wrong-verifier-wrong-verifier-wrong-verifier-0000";
    assert_eq!(
        token_error(&emu, None, &exchange_form(&client, &code, wrong, CALLBACK)).await,
        "invalid_grant"
    );
    assert_eq!(
        token_error(
            &emu,
            None,
            &exchange_form(&client, &code, VERIFIER, CALLBACK)
        )
        .await,
        "invalid_grant"
    );
    // No verifier at all.
    let code = code_for(&emu, &client).await;
    assert_eq!(
        token_error(
            &emu,
            None,
            &format!(
                "grant_type=authorization_code&client_id={client}&code={code}&redirect_uri={}",
                query_encode(CALLBACK)
            )
        )
        .await,
        "invalid_grant"
    );
    // Tampered redirect_uri.
    let code = code_for(&emu, &client).await;
    assert_eq!(
        token_error(
            &emu,
            None,
            &exchange_form(&client, &code, VERIFIER, "http://localhost:3000/other")
        )
        .await,
        "invalid_grant"
    );
    // Another client.
    let code = code_for(&emu, &client).await;
    assert_eq!(
        token_error(
            &emu,
            None,
            &exchange_form(&other_client, &code, VERIFIER, CALLBACK)
        )
        .await,
        "invalid_grant"
    );
    // Expired: 5 minutes.
    let code = code_for(&emu, &client).await;
    emu.state.advance_clock(301);
    assert_eq!(
        token_error(
            &emu,
            None,
            &exchange_form(&client, &code, VERIFIER, CALLBACK)
        )
        .await,
        "invalid_grant"
    );
    emu.state.advance_clock(-301);
    // Still exchangeable just before.
    let code = code_for(&emu, &client).await;
    emu.state.advance_clock(290);
    let (status, _) = token_request(
        &emu,
        None,
        &exchange_form(&client, &code, VERIFIER, CALLBACK),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    emu.state.advance_clock(-290);

    assert_eq!(
        token_error(
            &emu,
            None,
            &format!("grant_type=password&client_id={client}")
        )
        .await,
        "unsupported_grant_type"
    );
    assert_eq!(
        token_error(
            &emu,
            None,
            "grant_type=authorization_code&client_id=nobody&code=x&redirect_uri=y"
        )
        .await,
        "invalid_client"
    );
    assert_eq!(
        token_error(
            &emu,
            None,
            &format!("grant_type=authorization_code&client_id={client}")
        )
        .await,
        "invalid_request"
    );
}

#[tokio::test]
async fn authorize_shows_an_error_page_rather_than_redirect_to_an_unregistered_uri() {
    let emu = Emu::start().await;
    let (_, client) = oauth_setup(&emu, json!({})).await;
    let tampered = format!(
        "/oauth2/authorize?response_type=code&client_id={client}&redirect_uri={}&state=s",
        query_encode("https://evil.example/steal")
    );
    for path in [
        tampered,
        "/oauth2/authorize?response_type=code&client_id=unknown&redirect_uri=x".to_owned(),
        format!(
            "/oauth2/authorize?response_type=code&redirect_uri={}",
            query_encode(CALLBACK)
        ),
    ] {
        let (status, location, cookie, body) = get(&emu, &path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(location.is_none() && cookie.is_none(), "{path}");
        assert!(body.contains("An error was encountered"), "{body}");
    }
    // With a registered redirect URI, the other errors go back to it with the state.
    let refusals = [
        ("&code_challenge_method=plain", "invalid_request"),
        ("&scope=openid+phone", "invalid_scope"),
        ("&identity_provider=Elsewhere", "invalid_request"),
    ];
    for (extra, error) in refusals {
        let path = authorize_path(&client, "")
            .replace("&code_challenge_method=S256", "")
            .replace("&scope=openid+email", "")
            + if extra.starts_with("&code") {
                extra
            } else {
                "&code_challenge_method=S256"
            }
            + if extra.starts_with("&code") {
                ""
            } else {
                extra
            };
        let (status, location, _, _) = get(&emu, &path).await;
        assert_eq!(status, StatusCode::FOUND, "{path}");
        let location = location.unwrap();
        assert!(location.starts_with(CALLBACK), "{location}");
        let params = query(&location);
        assert_eq!(params["error"], error, "{location}");
        assert_eq!(params["state"], "st-1");
    }
    // A public client must use PKCE.
    let path = format!(
        "/oauth2/authorize?response_type=code&client_id={client}&redirect_uri={}&state=s",
        query_encode(CALLBACK)
    );
    let (_, location, _, _) = get(&emu, &path).await;
    assert_eq!(query(&location.unwrap())["error"], "invalid_request");
}

#[tokio::test]
async fn only_this_browser_on_the_emulators_origin_can_complete_a_request() {
    let emu = Emu::start().await;
    let (pool, client) = oauth_setup(&emu, json!({})).await;
    let tokens = password_tokens(&emu, &client).await;
    let form = format!("access_token={}", tokens["AccessToken"].as_str().unwrap());

    // Another origin (same site, other port) cannot post, even with the cookie.
    let cookie = start(&emu, &client).await;
    let (status, location) =
        hand_over(&emu, Some(&cookie), Some("http://127.0.0.1:1"), &form).await;
    assert_eq!((status, location), (StatusCode::FORBIDDEN, None));
    let (status, _) = hand_over(&emu, Some(&cookie), None, &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Without this browser's cookie there is no request to complete.
    let (status, location) = hand_over(&emu, None, Some(&emu.base), &form).await;
    assert_eq!((status, location), (StatusCode::BAD_REQUEST, None));
    let (status, _) = hand_over(
        &emu,
        Some("cognito-emulator-authorization=guess"),
        Some(&emu.base),
        &form,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A sign-in for another client does not complete it, and the request is used up.
    let (other, _) = emu
        .create_client(&pool, json!({ "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }))
        .await;
    let other_tokens = password_tokens(&emu, &other).await;
    let cookie = start(&emu, &client).await;
    let (status, _) = hand_over(
        &emu,
        Some(&cookie),
        Some(&emu.base),
        &format!(
            "access_token={}",
            other_tokens["AccessToken"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = hand_over(&emu, Some(&cookie), Some(&emu.base), &form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Cancelling answers access_denied with the state.
    let cookie = start(&emu, &client).await;
    let (status, location) = hand_over(&emu, Some(&cookie), Some(&emu.base), "cancel=1").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let params = query(&location.unwrap());
    assert_eq!(
        (params["error"].as_str(), params["state"].as_str()),
        ("access_denied", "st-1")
    );
}

#[tokio::test]
async fn client_credentials_with_resource_server_scopes() {
    let emu = Emu::start().await;
    let pool = emu.create_pool(json!({})).await;
    emu.ok(
        "CreateUserPoolDomain",
        json!({ "UserPoolId": pool, "Domain": "m2m" }),
    )
    .await;
    emu.ok(
        "CreateResourceServer",
        json!({ "UserPoolId": pool, "Identifier": "orders", "Name": "orders",
                "Scopes": [{ "ScopeName": "read", "ScopeDescription": "r" }, { "ScopeName": "write", "ScopeDescription": "w" }] }),
    )
    .await;
    let (client, secret) = emu
        .create_client(
            &pool,
            json!({ "GenerateSecret": true, "AllowedOAuthFlowsUserPoolClient": true,
                    "AllowedOAuthFlows": ["client_credentials"], "AllowedOAuthScopes": ["orders/read", "orders/write"] }),
        )
        .await;
    let secret = secret.unwrap();
    let (status, tokens) = token_request(
        &emu,
        Some((&client, &secret)),
        "grant_type=client_credentials&scope=orders%2Fread",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert!(tokens.get("id_token").is_none() && tokens.get("refresh_token").is_none());
    let (_, access) = verify_with_jwks(
        tokens["access_token"].as_str().unwrap(),
        &emu.jwks(&pool).await,
    )
    .unwrap();
    assert_eq!(
        (access["scope"].as_str(), access["sub"].as_str()),
        (Some("orders/read"), Some(client.as_str()))
    );
    // Form authentication, all allowed scopes by default.
    let (status, tokens) = token_request(
        &emu,
        None,
        &format!("grant_type=client_credentials&client_id={client}&client_secret={secret}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        claims(tokens["access_token"].as_str().unwrap())["scope"],
        "orders/read orders/write"
    );
    assert_eq!(
        token_error(
            &emu,
            Some((&client, "wrong")),
            "grant_type=client_credentials"
        )
        .await,
        "invalid_client"
    );
    assert_eq!(
        token_error(
            &emu,
            Some((&client, &secret)),
            "grant_type=client_credentials&scope=openid"
        )
        .await,
        "invalid_scope"
    );
    let (_, public) = oauth_setup(&emu, json!({})).await;
    assert_eq!(
        token_error(
            &emu,
            None,
            &format!("grant_type=client_credentials&client_id={public}")
        )
        .await,
        "unauthorized_client"
    );
}

#[tokio::test]
async fn discovery_and_logout() {
    let emu = Emu::start().await;
    let (pool, client) = oauth_setup(&emu, json!({})).await;
    let discovery: Value = emu
        .http
        .get(format!(
            "{}/{pool}/.well-known/openid-configuration",
            emu.base
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        discovery["issuer"],
        format!("https://cognito-idp.us-east-1.amazonaws.com/{pool}")
    );
    assert_eq!(
        discovery["token_endpoint"],
        format!("{}/oauth2/token", emu.base)
    );
    assert_eq!(
        discovery["jwks_uri"],
        format!("{}/{pool}/.well-known/jwks.json", emu.base)
    );
    assert_eq!(
        discovery["code_challenge_methods_supported"],
        json!(["S256"])
    );

    let signed_out = query_encode("http://localhost:3000/signed-out");
    let (status, location, _, _) = get(
        &emu,
        &format!("/logout?client_id={client}&logout_uri={signed_out}"),
    )
    .await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::FOUND, Some("http://localhost:3000/signed-out"))
    );
    let (status, location, _, _) = get(
        &emu,
        &format!(
            "/logout?client_id={client}&logout_uri={}",
            query_encode("https://evil.example/")
        ),
    )
    .await;
    assert_eq!((status, location), (StatusCode::BAD_REQUEST, None));
    let again = format!(
        "/logout?client_id={client}&response_type=code&redirect_uri={}",
        query_encode(CALLBACK)
    );
    let (status, location, _, _) = get(&emu, &again).await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(
        location
            .unwrap()
            .starts_with("/oauth2/authorize?client_id=")
    );
}

#[test]
fn the_seed_sets_up_domain_resource_servers_providers_and_oauth_clients() {
    let seed: cognito_emulator::seed::Seed = serde_json::from_value(json!({
        "pools": [{
            "id": "us-east-1_SeedOAuth1",
            "name": "seeded",
            "domain": "seeded-oauth",
            "resourceServers": [{ "Identifier": "api", "Name": "api",
                                  "Scopes": [{ "ScopeName": "read", "ScopeDescription": "Read" }] }],
            "identityProviders": [{ "ProviderName": "TestIdP", "ProviderType": "OIDC",
                "ProviderDetails": { "client_id": "rp", "authorize_scopes": "openid",
                                     "oidc_issuer": "https://idp.example", "attributes_request_method": "GET" } }],
            "clients": [{
                "id": "seededoauthclient000000001", "name": "web",
                "allowedOAuthFlowsUserPoolClient": true, "allowedOAuthFlows": ["code"],
                "allowedOAuthScopes": ["openid", "api/read"], "callbackURLs": [CALLBACK],
                "logoutURLs": ["http://localhost:3000/"], "defaultRedirectURI": CALLBACK,
                "supportedIdentityProviders": ["COGNITO", "TestIdP"],
            }],
        }],
    }))
    .unwrap();
    let state = cognito_emulator::AppState::new("us-east-1");
    cognito_emulator::seed::load(&state, &seed).unwrap();
    let call = |operation: &str, body: Value| {
        let Value::Object(body) = body else {
            unreachable!()
        };
        cognito_emulator::ops::dispatch(&state, operation, &Default::default(), &body).unwrap()
    };
    let domain = call(
        "DescribeUserPoolDomain",
        json!({ "Domain": "seeded-oauth" }),
    );
    assert_eq!(
        domain["DomainDescription"]["UserPoolId"],
        "us-east-1_SeedOAuth1"
    );
    let client = call(
        "DescribeUserPoolClient",
        json!({ "UserPoolId": "us-east-1_SeedOAuth1", "ClientId": "seededoauthclient000000001" }),
    );
    let client = &client["UserPoolClient"];
    assert_eq!(client["AllowedOAuthScopes"], json!(["openid", "api/read"]));
    assert_eq!(
        client["SupportedIdentityProviders"],
        json!(["COGNITO", "TestIdP"])
    );
    assert_eq!(client["DefaultRedirectURI"], CALLBACK);
}

#[tokio::test]
async fn login_serves_the_hosted_page_configured_for_the_client() {
    let state = cognito_emulator::AppState::new("us-east-1");
    let www = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../www");
    state.set_login_page(cognito_emulator::oauth_model::LoginPage {
        page_dir: www,
        mounts: Vec::new(),
    });
    let emu = Emu::start_with(state).await;
    let (pool, client) = oauth_setup(&emu, json!({})).await;
    let (status, _, _, html) = get(
        &emu,
        &format!("/login?client_id={client}&response_type=code"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("data-user-pool-id=\"{pool}\"")),
        "{html}"
    );
    assert!(html.contains(&format!("data-client-id=\"{client}\"")));
    assert!(html.contains(&format!("data-endpoint=\"{}/\"", emu.base)));
    assert!(html.contains("data-managed-login=\"true\""));
    assert!(html.contains("<base href=\"/login-page/\">"));
    let script = emu
        .http
        .get(format!("{}/login-page/app.js", emu.base))
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), StatusCode::OK);
    assert!(
        script.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(
        script.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
    for path in [
        "/login-page/../Cargo.toml",
        "/login-page/%2e%2e/Cargo.toml",
        "/login-page/nope.js",
    ] {
        let (status, ..) = get(&emu, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, ..) = get(&emu, "/login?client_id=unknown").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// A pool whose client can sign in through the test OpenID provider, named `TestIdP`.
async fn federated_setup(emu: &Emu) -> (String, String) {
    let (pool, client) = oauth_setup(emu, json!({})).await;
    emu.ok(
        "CreateIdentityProvider",
        json!({ "UserPoolId": pool, "ProviderName": "TestIdP", "ProviderType": "OIDC",
                "ProviderDetails": { "client_id": "relying-party", "client_secret": "s",
                    "authorize_scopes": "openid email profile",
                    "oidc_issuer": format!("{}/_emulator/oidc", emu.base),
                    "attributes_request_method": "GET" },
                "AttributeMapping": { "email": "email", "email_verified": "email_verified", "name": "name" },
                "IdpIdentifiers": ["example.com"] }),
    )
    .await;
    emu.ok(
        "UpdateUserPoolClient",
        json!({ "UserPoolId": pool, "ClientId": client, "AllowedOAuthFlowsUserPoolClient": true,
                "AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid", "email", "profile"],
                "CallbackURLs": [CALLBACK], "SupportedIdentityProviders": ["COGNITO", "TestIdP"],
                "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }),
    )
    .await;
    (pool, client)
}

/// authorize with `extra` → the provider's page → the tester's answer `claims`: the Location the
/// provider sends the browser to, and the authorization cookie.
async fn through_the_provider(
    emu: &Emu,
    client: &str,
    extra: &str,
    claims: &str,
) -> (String, String) {
    let (status, location, cookie, _) = get(emu, &authorize_path(client, extra)).await;
    assert_eq!(status, StatusCode::FOUND);
    let location = location.unwrap();
    let provider_page = format!("{}/_emulator/oidc/authorize?", emu.base);
    assert!(location.starts_with(&provider_page), "{location}");
    let cookie = cookie.unwrap().split(';').next().unwrap().to_owned();
    let (status, _, _, page) = get(emu, location.strip_prefix(&emu.base).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Dev only"), "{page}");
    let request = query(&location);
    assert_eq!(request["client_id"], "relying-party");
    // (query() leaves the value encoded.)
    assert_eq!(
        request["redirect_uri"],
        query_encode(&format!("{}/oauth2/idpresponse", emu.base))
    );
    let form = format!(
        "client_id=relying-party&redirect_uri={}&state={}&nonce={}&{claims}",
        query_encode(&format!("{}/oauth2/idpresponse", emu.base)),
        request["state"],
        request["nonce"]
    );
    let answered = no_redirects()
        .post(format!("{}/_emulator/oidc/authorize", emu.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), StatusCode::FOUND);
    let back = answered.headers()["location"].to_str().unwrap().to_owned();
    (back, cookie)
}

/// Follows the provider's redirect to `/oauth2/idpresponse` with `cookie`: (status, Location).
async fn idp_response(back: &str, cookie: Option<&str>) -> (StatusCode, Option<String>) {
    let mut request = no_redirects().get(back);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (response.status(), location)
}

#[tokio::test]
async fn federated_sign_in_through_the_test_provider_creates_and_links_the_user() {
    let emu = Emu::start().await;
    let (pool, client) = federated_setup(&emu).await;
    let claims = "sub=ext-123&email=fed%40example.com&email_verified=true&name=Fed+Erated";
    let (back, cookie) =
        through_the_provider(&emu, &client, "&identity_provider=TestIdP", claims).await;
    assert!(
        back.starts_with(&format!("{}/oauth2/idpresponse?code=", emu.base)),
        "{back}"
    );
    let (status, location) = idp_response(&back, Some(&cookie)).await;
    assert_eq!(status, StatusCode::FOUND);
    let params = query(&location.unwrap());
    assert_eq!(params["state"], "st-1");
    let (status, tokens) = token_request(
        &emu,
        None,
        &exchange_form(&client, &params["code"], VERIFIER, CALLBACK),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let (_, id) =
        verify_with_jwks(tokens["id_token"].as_str().unwrap(), &emu.jwks(&pool).await).unwrap();
    assert_eq!(id["cognito:username"], "TestIdP_ext-123");
    assert_eq!(id["email"], "fed@example.com");
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["name"], "Fed Erated");
    assert_eq!(id["nonce"], "n-1");
    assert_eq!(id["identities"][0]["providerName"], "TestIdP");
    assert_eq!(id["identities"][0]["userId"], "ext-123");
    assert_eq!(id["identities"][0]["providerType"], "OIDC");

    // A second sign-in (by idp_identifier this time) links the same user and follows the provider's claims.
    let claims = "sub=ext-123&email=new%40example.com";
    let (back, cookie) =
        through_the_provider(&emu, &client, "&idp_identifier=example.com", claims).await;
    let (_, location) = idp_response(&back, Some(&cookie)).await;
    let code = query(&location.unwrap())["code"].clone();
    let (_, tokens) = token_request(
        &emu,
        None,
        &exchange_form(&client, &code, VERIFIER, CALLBACK),
    )
    .await;
    let id = claims_of(&tokens);
    assert_eq!(id["email"], "new@example.com");
    let user = emu
        .ok(
            "AdminGetUser",
            json!({ "UserPoolId": pool, "Username": "TestIdP_ext-123" }),
        )
        .await;
    assert_eq!(user["Username"], "TestIdP_ext-123");
    assert_eq!(id["sub"], user["UserAttributes"][0]["Value"]);
}

fn claims_of(tokens: &Value) -> serde_json::Map<String, Value> {
    claims(tokens["id_token"].as_str().unwrap())
}

#[tokio::test]
async fn the_provider_response_is_bound_to_the_browser_and_used_once() {
    let emu = Emu::start().await;
    let (_, client) = federated_setup(&emu).await;
    let (back, cookie) =
        through_the_provider(&emu, &client, "&identity_provider=TestIdP", "sub=ext-9").await;
    // Another browser (no cookie, or another request's cookie) cannot complete it.
    assert_eq!(
        idp_response(&back, None).await,
        (StatusCode::FORBIDDEN, None)
    );
    let other_cookie = start(&emu, &client).await;
    let (back, _) =
        through_the_provider(&emu, &client, "&identity_provider=TestIdP", "sub=ext-9").await;
    assert_eq!(
        idp_response(&back, Some(&other_cookie)).await.0,
        StatusCode::FORBIDDEN
    );
    // A state is used once: the refused attempts above used theirs up.
    assert_eq!(
        idp_response(&back, Some(&cookie)).await.0,
        StatusCode::BAD_REQUEST
    );
    // A provider code redeemed twice: the second round trip's code no longer works.
    let (back, cookie) =
        through_the_provider(&emu, &client, "&identity_provider=TestIdP", "sub=ext-9").await;
    let (status, _) = idp_response(&back, Some(&cookie)).await;
    assert_eq!(status, StatusCode::FOUND);
    let provider_code = query(&back)["code"].clone();
    let (again, cookie) =
        through_the_provider(&emu, &client, "&identity_provider=TestIdP", "sub=ext-9").await;
    let replayed = again.replace(&query(&again)["code"], &provider_code);
    let (status, location) = idp_response(&replayed, Some(&cookie)).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(query(&location.unwrap())["error"], "invalid_request");
    // The tester denies: the app gets access_denied.
    let (status, location, cookie, _) =
        get(&emu, &authorize_path(&client, "&identity_provider=TestIdP")).await;
    assert_eq!(status, StatusCode::FOUND);
    let request = query(&location.unwrap());
    let denied = no_redirects()
        .post(format!("{}/_emulator/oidc/authorize", emu.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "client_id=relying-party&redirect_uri={}&state={}&deny=1",
            query_encode(&format!("{}/oauth2/idpresponse", emu.base)),
            request["state"]
        ))
        .send()
        .await
        .unwrap();
    let back = denied.headers()["location"].to_str().unwrap().to_owned();
    let cookie = cookie.unwrap().split(';').next().unwrap().to_owned();
    let (_, location) = idp_response(&back, Some(&cookie)).await;
    assert_eq!(query(&location.unwrap())["error"], "access_denied");
    // A provider that is not the test provider cannot be signed in with.
    let message = get(&emu, &authorize_path(&client, "&identity_provider=Nobody"))
        .await
        .1
        .unwrap();
    assert_eq!(query(&message)["error"], "invalid_request");
}

#[tokio::test]
async fn the_test_provider_serves_discovery_token_userinfo_and_jwks() {
    let emu = Emu::start().await;
    let discovery: Value = emu
        .http
        .get(format!(
            "{}/_emulator/oidc/.well-known/openid-configuration",
            emu.base
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let issuer = format!("{}/_emulator/oidc", emu.base);
    assert_eq!(discovery["issuer"], issuer.as_str());
    let redirect = "http://localhost:3000/rp";
    let answered = no_redirects()
        .post(format!("{}/_emulator/oidc/authorize", emu.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "client_id=rp&redirect_uri={}&nonce=abc&sub=u-1&email=u%40example.com",
            query_encode(redirect)
        ))
        .send()
        .await
        .unwrap();
    let code = query(answered.headers()["location"].to_str().unwrap())["code"].clone();
    let token = |code: String| {
        emu.http
            .post(format!("{}/_emulator/oidc/token", emu.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "grant_type=authorization_code&client_id=rp&code={code}&redirect_uri={}",
                query_encode(redirect)
            ))
            .send()
    };
    let tokens: Value = token(code.clone()).await.unwrap().json().await.unwrap();
    let jwks: Value = emu
        .http
        .get(format!("{}/_emulator/oidc/jwks", emu.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (_, id) = verify_with_jwks(tokens["id_token"].as_str().unwrap(), &jwks).unwrap();
    assert_eq!(
        (id["iss"].as_str(), id["aud"].as_str()),
        (Some(issuer.as_str()), Some("rp"))
    );
    assert_eq!(
        (id["sub"].as_str(), id["nonce"].as_str()),
        (Some("u-1"), Some("abc"))
    );
    let userinfo: Value = emu
        .http
        .get(format!("{}/_emulator/oidc/userinfo", emu.base))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(userinfo, json!({ "sub": "u-1", "email": "u@example.com" }));
    let replay = token(code).await.unwrap();
    assert_eq!(replay.status(), StatusCode::BAD_REQUEST);
}

/// Follows an authorize URL, signs alice in and hands over: the callback URL.
async fn redirect_sign_in(emu: &Emu, client: &str, url: &str) -> String {
    let path = url.strip_prefix(&emu.base).unwrap();
    let (status, _, cookie, _) = get(emu, path).await;
    assert_eq!(status, StatusCode::FOUND);
    let cookie = cookie.unwrap().split(';').next().unwrap().to_owned();
    let tokens = password_tokens(emu, client).await;
    let form = format!("access_token={}", tokens["AccessToken"].as_str().unwrap());
    hand_over(emu, Some(&cookie), Some(&emu.base), &form)
        .await
        .1
        .unwrap()
}

/// POSTs a form to the token endpoint: (status, body).
async fn post_token(emu: &Emu, body: String) -> (u16, String) {
    let response = emu
        .http
        .post(format!("{}/oauth2/token", emu.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The package's sans-IO core for signInWithRedirect (cognito_wasm::flows::oauth) against the emulator:
/// the authorize URL it makes is accepted, the callback is checked, the code exchanged, the nonce checked.
#[tokio::test]
async fn the_packages_redirect_flow_signs_in_against_the_emulator() {
    use cognito_wasm::flows::oauth::{
        OAuthConfig, begin, finish, read_callback, sign_out_url, token_request_body,
    };
    let emu = Emu::start().await;
    let (_, client) = oauth_setup(&emu, json!({})).await;
    let config = OAuthConfig {
        domain: emu.base.clone(),
        client_id: client.clone(),
        redirect_sign_in: CALLBACK.to_owned(),
        scopes: vec!["openid".into(), "email".into()],
    };
    let (url, pending) = begin(&config, None, Some("to the cart")).unwrap();
    let callback = redirect_sign_in(&emu, &client, &url).await;
    let code = read_callback(&callback, &pending).unwrap();
    let body = token_request_body(&config, &code, &pending);
    let (status, reply) = post_token(&emu, body.clone()).await;
    let session = finish(&config, &pending, status, &reply, common::now_secs()).unwrap();
    assert_eq!(session.username(), "alice");
    assert!(session.refresh_token().is_some());
    assert_eq!(pending.custom_state.as_deref(), Some("to the cart"));
    // The same code again: InvalidGrantException.
    let (status, reply) = post_token(&emu, body).await;
    let replayed = finish(&config, &pending, status, &reply, common::now_secs()).unwrap_err();
    assert!(replayed.is("InvalidGrantException"), "{replayed:?}");
    // A callback answered for another sign-in (its state) is refused before its code is used.
    let (url, other) = begin(&config, None, None).unwrap();
    let callback = redirect_sign_in(&emu, &client, &url).await;
    assert!(
        read_callback(&callback, &pending)
            .unwrap_err()
            .is("OAuthStateMismatchException")
    );
    // An ID token without this sign-in's nonce is refused.
    let code = read_callback(&callback, &other).unwrap();
    let (status, reply) = post_token(&emu, token_request_body(&config, &code, &other)).await;
    let wrong_nonce = finish(&config, &pending, status, &reply, common::now_secs()).unwrap_err();
    assert!(wrong_nonce.is("NonceMismatchException"), "{wrong_nonce:?}");
    assert_eq!(
        sign_out_url(&config, "http://localhost:3000/signed-out"),
        format!(
            "{}/logout?client_id={client}&logout_uri=http%3A%2F%2Flocalhost%3A3000%2Fsigned-out",
            emu.base
        )
    );
}
