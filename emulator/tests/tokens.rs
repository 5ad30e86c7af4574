//! Refresh, revocation and access-token checks.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{Emu, PASSWORD, claims, secret_hash, srp_sign_in};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn sign_in(emu: &Emu, pool: &str, client: &str) -> Value {
    let reply = srp_sign_in(emu, pool, client, "alice", PASSWORD).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body["AuthenticationResult"].clone()
}

fn refresh_request(client: &str, refresh_token: &Value, flow: &str) -> Value {
    json!({ "AuthFlow": flow, "ClientId": client, "AuthParameters": { "REFRESH_TOKEN": refresh_token } })
}

#[tokio::test]
async fn refresh_keeps_the_sign_in_and_issues_no_new_refresh_token() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let first = sign_in(&emu, &pool, &client).await;
    // Let the clock move so that new tokens differ in iat.
    emu.state.advance_clock(120);
    for flow in ["REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"] {
        let reply = emu
            .ok(
                "InitiateAuth",
                refresh_request(&client, &first["RefreshToken"], flow),
            )
            .await;
        let result = &reply["AuthenticationResult"];
        assert!(result.get("RefreshToken").is_none(), "{flow}: {result}");
        assert_eq!(result["TokenType"], "Bearer");
        let jwks = emu.jwks(&pool).await;
        for kind in ["IdToken", "AccessToken"] {
            let (_, new) = common::verify_with_jwks(result[kind].as_str().unwrap(), &jwks).unwrap();
            let old = claims(first[kind].as_str().unwrap());
            assert_eq!(new["auth_time"], old["auth_time"], "{flow} {kind}");
            assert_eq!(new["origin_jti"], old["origin_jti"], "{flow} {kind}");
            assert_ne!(new["jti"], old["jti"], "{flow} {kind}");
            assert!(
                new["iat"].as_i64().unwrap() >= old["iat"].as_i64().unwrap() + 120,
                "{flow} {kind}"
            );
        }
        emu.ok("GetUser", json!({ "AccessToken": result["AccessToken"] }))
            .await;
    }
    let message = emu
        .err(
            "InitiateAuth",
            refresh_request(
                &client,
                &json!("eyJub3QiOiJyZWFsIn0.a.b.c.d"),
                "REFRESH_TOKEN_AUTH",
            ),
            "NotAuthorizedException",
        )
        .await;
    assert_eq!(message, "Invalid Refresh Token");
    // Another client of the same pool cannot use it.
    let (other, _) = emu.create_client(&pool, json!({})).await;
    emu.err(
        "InitiateAuth",
        refresh_request(&other, &first["RefreshToken"], "REFRESH_TOKEN_AUTH"),
        "NotAuthorizedException",
    )
    .await;
}

#[tokio::test]
async fn revoke_token_ends_refresh_and_the_access_tokens_of_that_sign_in() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let tokens = sign_in(&emu, &pool, &client).await;
    let other_sign_in = sign_in(&emu, &pool, &client).await;
    let refreshed = emu
        .ok(
            "InitiateAuth",
            refresh_request(&client, &tokens["RefreshToken"], "REFRESH_TOKEN_AUTH"),
        )
        .await;
    emu.ok("GetUser", json!({ "AccessToken": tokens["AccessToken"] }))
        .await;

    // A token of another client may not be revoked by this one.
    let (other_client, _) = emu.create_client(&pool, json!({})).await;
    emu.err(
        "RevokeToken",
        json!({ "Token": tokens["RefreshToken"], "ClientId": other_client }),
        "UnauthorizedException",
    )
    .await;

    let reply = emu
        .ok(
            "RevokeToken",
            json!({ "Token": tokens["RefreshToken"], "ClientId": client }),
        )
        .await;
    assert_eq!(reply, json!({}));
    emu.err(
        "InitiateAuth",
        refresh_request(&client, &tokens["RefreshToken"], "REFRESH_TOKEN_AUTH"),
        "NotAuthorizedException",
    )
    .await;
    for access in [
        &tokens["AccessToken"],
        &refreshed["AuthenticationResult"]["AccessToken"],
    ] {
        let message = emu
            .err(
                "GetUser",
                json!({ "AccessToken": access }),
                "NotAuthorizedException",
            )
            .await;
        assert_eq!(message, "Access Token has been revoked");
    }
    // Another sign-in of the same user is untouched.
    emu.ok(
        "GetUser",
        json!({ "AccessToken": other_sign_in["AccessToken"] }),
    )
    .await;
    emu.ok(
        "InitiateAuth",
        refresh_request(
            &client,
            &other_sign_in["RefreshToken"],
            "REFRESH_TOKEN_AUTH",
        ),
    )
    .await;
    // Access tokens are not refresh tokens.
    emu.err(
        "RevokeToken",
        json!({ "Token": other_sign_in["AccessToken"], "ClientId": client }),
        "UnsupportedTokenTypeException",
    )
    .await;
}

#[tokio::test]
async fn secret_clients_need_secret_hash_to_refresh_and_secret_to_revoke() {
    let emu = Emu::start().await;
    let pool = emu.create_pool(json!({})).await;
    let (client, secret) = emu.create_client(&pool, json!({ "GenerateSecret": true, "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] })).await;
    let secret = secret.unwrap();
    emu.create_user(&pool, "alice").await;
    let reply = emu
        .ok(
            "InitiateAuth",
            json!({ "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client, "AuthParameters": {
                "USERNAME": "alice", "PASSWORD": PASSWORD, "SECRET_HASH": secret_hash(&secret, "alice", &client) } }),
        )
        .await;
    let result = &reply["AuthenticationResult"];
    let sub = claims(result["IdToken"].as_str().unwrap())["sub"]
        .as_str()
        .unwrap()
        .to_owned();
    let refresh = |hash: Option<String>| {
        let mut params = json!({ "REFRESH_TOKEN": result["RefreshToken"] });
        if let Some(hash) = hash {
            params["SECRET_HASH"] = json!(hash);
        }
        json!({ "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client, "AuthParameters": params })
    };
    emu.err("InitiateAuth", refresh(None), "NotAuthorizedException")
        .await;
    emu.err(
        "InitiateAuth",
        refresh(Some(secret_hash(&secret, "mallory", &client))),
        "NotAuthorizedException",
    )
    .await;
    emu.ok(
        "InitiateAuth",
        refresh(Some(secret_hash(&secret, "alice", &client))),
    )
    .await;
    emu.ok(
        "InitiateAuth",
        refresh(Some(secret_hash(&secret, &sub, &client))),
    )
    .await;

    emu.err(
        "RevokeToken",
        json!({ "Token": result["RefreshToken"], "ClientId": client }),
        "NotAuthorizedException",
    )
    .await;
    emu.err(
        "RevokeToken",
        json!({ "Token": result["RefreshToken"], "ClientId": client, "ClientSecret": "x".repeat(51) }),
        "NotAuthorizedException",
    )
    .await;
    emu.ok(
        "RevokeToken",
        json!({ "Token": result["RefreshToken"], "ClientId": client, "ClientSecret": secret }),
    )
    .await;
    emu.err(
        "InitiateAuth",
        refresh(Some(secret_hash(&secret, "alice", &client))),
        "NotAuthorizedException",
    )
    .await;
}

#[tokio::test]
async fn forged_expired_and_wrong_kind_tokens_are_refused_by_get_user() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let tokens = sign_in(&emu, &pool, &client).await;
    let access = tokens["AccessToken"].as_str().unwrap();

    // Same header and signature, claims changed to another user.
    let parts: Vec<&str> = access.split('.').collect();
    let mut forged_claims = claims(access);
    forged_claims.insert("username".into(), json!("mallory"));
    let forged_payload = URL_SAFE_NO_PAD.encode(Value::Object(forged_claims).to_string());
    let forged = format!("{}.{forged_payload}.{}", parts[0], parts[2]);
    let message = emu
        .err(
            "GetUser",
            json!({ "AccessToken": forged }),
            "NotAuthorizedException",
        )
        .await;
    assert_eq!(message, "Invalid Access Token");
    // Unsigned ("alg":"none") and garbage.
    let none_header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#);
    emu.err(
        "GetUser",
        json!({ "AccessToken": format!("{none_header}.{}.", parts[1]) }),
        "NotAuthorizedException",
    )
    .await;
    emu.err(
        "GetUser",
        json!({ "AccessToken": "garbage" }),
        "NotAuthorizedException",
    )
    .await;
    // An ID token is not an access token.
    emu.err(
        "GetUser",
        json!({ "AccessToken": tokens["IdToken"] }),
        "NotAuthorizedException",
    )
    .await;
    // A token from another emulator's pool (other keys) is refused.
    let other = Emu::start().await;
    let (other_pool, other_client) = other.setup().await;
    let foreign = sign_in(&other, &other_pool, &other_client).await;
    emu.err(
        "GetUser",
        json!({ "AccessToken": foreign["AccessToken"] }),
        "NotAuthorizedException",
    )
    .await;

    emu.ok("GetUser", json!({ "AccessToken": access })).await;
    emu.state.advance_clock(3601);
    let message = emu
        .err(
            "GetUser",
            json!({ "AccessToken": access }),
            "NotAuthorizedException",
        )
        .await;
    assert_eq!(message, "Access Token has expired");
}

#[tokio::test]
async fn deleted_users_lose_their_tokens() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let tokens = sign_in(&emu, &pool, &client).await;
    emu.ok(
        "AdminDeleteUser",
        json!({ "UserPoolId": pool, "Username": "alice" }),
    )
    .await;
    emu.err(
        "GetUser",
        json!({ "AccessToken": tokens["AccessToken"] }),
        "UserNotFoundException",
    )
    .await;
    emu.err(
        "InitiateAuth",
        refresh_request(&client, &tokens["RefreshToken"], "REFRESH_TOKEN_AUTH"),
        "NotAuthorizedException",
    )
    .await;
}

#[tokio::test]
async fn token_lifetimes_follow_the_client_settings() {
    let emu = Emu::start().await;
    let (pool, _) = emu.setup().await;
    let (client, _) = emu
        .create_client(
            &pool,
            json!({
                "AccessTokenValidity": 10,
                "IdTokenValidity": 2,
                "RefreshTokenValidity": 60,
                "TokenValidityUnits": { "AccessToken": "minutes", "IdToken": "hours", "RefreshToken": "minutes" },
            }),
        )
        .await;
    let tokens = sign_in(&emu, &pool, &client).await;
    assert_eq!(tokens["ExpiresIn"], 600);
    let access = claims(tokens["AccessToken"].as_str().unwrap());
    let id = claims(tokens["IdToken"].as_str().unwrap());
    assert_eq!(
        access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(),
        600
    );
    assert_eq!(
        id["exp"].as_i64().unwrap() - id["iat"].as_i64().unwrap(),
        7200
    );
    emu.state.advance_clock(3601);
    emu.err(
        "InitiateAuth",
        refresh_request(&client, &tokens["RefreshToken"], "REFRESH_TOKEN_AUTH"),
        "NotAuthorizedException",
    )
    .await;
}
