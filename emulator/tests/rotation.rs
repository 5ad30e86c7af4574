//! GetTokensFromRefreshToken (raw ClientSecret) and refresh-token rotation per app client.

mod common;

use common::{Emu, PASSWORD, claims};
use serde_json::json;

#[tokio::test]
async fn get_tokens_from_refresh_token_without_rotation() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let tokens = emu.tokens(&pool, &client, "alice", PASSWORD).await;
    let reply = emu
        .ok(
            "GetTokensFromRefreshToken",
            json!({ "ClientId": client, "RefreshToken": tokens["RefreshToken"] }),
        )
        .await;
    let result = &reply["AuthenticationResult"];
    assert!(result["AccessToken"].is_string());
    assert!(result["IdToken"].is_string());
    assert!(
        result.get("RefreshToken").is_none(),
        "no rotation, no new refresh token"
    );
    assert!(reply.get("ChallengeParameters").is_none());
    let (old, new) = (
        claims(tokens["AccessToken"].as_str().unwrap()),
        claims(result["AccessToken"].as_str().unwrap()),
    );
    assert_eq!(old["origin_jti"], new["origin_jti"]);
    assert_ne!(old["jti"], new["jti"]);
    // The same token keeps working.
    emu.ok(
        "GetTokensFromRefreshToken",
        json!({ "ClientId": client, "RefreshToken": tokens["RefreshToken"] }),
    )
    .await;
    emu.err(
        "GetTokensFromRefreshToken",
        json!({ "ClientId": client, "RefreshToken": "eyJub3QiOiJhIHRva2VuIn0.x.y.z.w" }),
        "NotAuthorizedException",
    )
    .await;
}

#[tokio::test]
async fn rotation_with_a_client_secret_and_a_grace_period() {
    let emu = Emu::start().await;
    let pool = emu.create_pool(json!({})).await;
    let (client, secret) = emu
        .create_client(
            &pool,
            json!({ "GenerateSecret": true,
                    "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                    "RefreshTokenRotation": { "Feature": "ENABLED", "RetryGracePeriodSeconds": 10 } }),
        )
        .await;
    let secret = secret.unwrap();
    let described = emu
        .ok(
            "DescribeUserPoolClient",
            json!({ "UserPoolId": pool, "ClientId": client }),
        )
        .await;
    assert_eq!(
        described["UserPoolClient"]["RefreshTokenRotation"],
        json!({ "Feature": "ENABLED", "RetryGracePeriodSeconds": 10 })
    );
    emu.create_user(&pool, "alice").await;
    let first = emu
        .ok(
            "InitiateAuth",
            json!({ "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client, "AuthParameters": {
                "USERNAME": "alice", "PASSWORD": PASSWORD,
                "SECRET_HASH": common::secret_hash(&secret, "alice", &client) } }),
        )
        .await;
    let refresh = first["AuthenticationResult"]["RefreshToken"].clone();

    // The raw client secret, not a SECRET_HASH.
    emu.err(
        "GetTokensFromRefreshToken",
        json!({ "ClientId": client, "RefreshToken": refresh }),
        "NotAuthorizedException",
    )
    .await;
    emu.err(
        "GetTokensFromRefreshToken",
        json!({ "ClientId": client, "RefreshToken": refresh, "ClientSecret": format!("{secret}x") }),
        "NotAuthorizedException",
    )
    .await;
    // REFRESH_TOKEN_AUTH is not the way with rotation.
    emu.err(
        "InitiateAuth",
        json!({ "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client, "AuthParameters": {
            "REFRESH_TOKEN": refresh, "SECRET_HASH": common::secret_hash(&secret, "alice", &client) } }),
        "InvalidParameterException",
    )
    .await;

    let second = emu
        .ok(
            "GetTokensFromRefreshToken",
            json!({ "ClientId": client, "RefreshToken": refresh, "ClientSecret": secret }),
        )
        .await;
    let rotated = second["AuthenticationResult"]["RefreshToken"].clone();
    assert!(rotated.is_string());
    assert_ne!(rotated, refresh);
    // Within the grace period the old token still works (a retry after a lost reply).
    emu.state.advance_clock(5);
    emu.ok(
        "GetTokensFromRefreshToken",
        json!({ "ClientId": client, "RefreshToken": refresh, "ClientSecret": secret }),
    )
    .await;
    // After it, the old one is refused and the new one works.
    emu.state.advance_clock(6);
    emu.err(
        "GetTokensFromRefreshToken",
        json!({ "ClientId": client, "RefreshToken": refresh, "ClientSecret": secret }),
        "RefreshTokenReuseException",
    )
    .await;
    let third = emu
        .ok(
            "GetTokensFromRefreshToken",
            json!({ "ClientId": client, "RefreshToken": rotated, "ClientSecret": secret }),
        )
        .await;
    let newest = third["AuthenticationResult"]["RefreshToken"].clone();
    assert!(newest.is_string());

    // Revoking the newest revokes the sign-in, whichever token of it is presented.
    emu.ok(
        "RevokeToken",
        json!({ "ClientId": client, "Token": newest, "ClientSecret": secret }),
    )
    .await;
    emu.err(
        "GetTokensFromRefreshToken",
        json!({ "ClientId": client, "RefreshToken": newest, "ClientSecret": secret }),
        "NotAuthorizedException",
    )
    .await;
}

#[tokio::test]
async fn update_user_pool_client_turns_rotation_on_and_resets_what_is_left_out() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let before = emu
        .ok(
            "DescribeUserPoolClient",
            json!({ "UserPoolId": pool, "ClientId": client }),
        )
        .await;
    let updated = emu
        .ok(
            "UpdateUserPoolClient",
            json!({ "UserPoolId": pool, "ClientId": client,
                    "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                    "RefreshTokenRotation": { "Feature": "ENABLED", "RetryGracePeriodSeconds": 0 } }),
        )
        .await;
    let updated = &updated["UserPoolClient"];
    assert_eq!(updated["ClientId"], client.as_str());
    assert_eq!(
        updated["ClientName"],
        before["UserPoolClient"]["ClientName"]
    );
    assert_eq!(
        updated["CreationDate"],
        before["UserPoolClient"]["CreationDate"]
    );
    assert_eq!(updated["RefreshTokenRotation"]["Feature"], "ENABLED");
    assert_eq!(
        updated["ExplicitAuthFlows"],
        json!(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    );
    // USER_PASSWORD_AUTH was left out, so it is off now.
    emu.err(
        "InitiateAuth",
        json!({ "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
                "AuthParameters": { "USERNAME": "alice", "PASSWORD": PASSWORD } }),
        "InvalidParameterException",
    )
    .await;
    let tokens = emu.tokens(&pool, &client, "alice", PASSWORD).await;
    let rotated = emu
        .ok(
            "GetTokensFromRefreshToken",
            json!({ "ClientId": client, "RefreshToken": tokens["RefreshToken"] }),
        )
        .await;
    assert!(rotated["AuthenticationResult"]["RefreshToken"].is_string());
    // With no grace period the old token is refused at once.
    emu.err(
        "GetTokensFromRefreshToken",
        json!({ "ClientId": client, "RefreshToken": tokens["RefreshToken"] }),
        "RefreshTokenReuseException",
    )
    .await;
    // A bad update leaves the client as it was.
    emu.err(
        "UpdateUserPoolClient",
        json!({ "UserPoolId": pool, "ClientId": client, "AuthSessionValidity": 99 }),
        "InvalidParameterException",
    )
    .await;
    emu.ok(
        "DescribeUserPoolClient",
        json!({ "UserPoolId": pool, "ClientId": client }),
    )
    .await;
}
