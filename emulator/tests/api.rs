//! Protocol behaviour (targets, bodies, errors, headers, CORS) and the admin operations.

mod common;

use common::{Emu, PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn malformed_json_is_a_serialization_exception() {
    let emu = Emu::start().await;
    let reply = emu
        .raw(
            Some("AWSCognitoIdentityProviderService.InitiateAuth"),
            "{not json",
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error_type(), "SerializationException");
    assert_eq!(reply.headers["content-type"], "application/x-amz-json-1.1");
    let reply = emu
        .raw(
            Some("AWSCognitoIdentityProviderService.InitiateAuth"),
            "[1,2]",
        )
        .await;
    assert_eq!(reply.error_type(), "SerializationException");
}

#[tokio::test]
async fn unknown_or_missing_target_is_an_unknown_operation() {
    let emu = Emu::start().await;
    for target in [
        Some("AWSCognitoIdentityProviderService.Frobnicate"),
        Some("SomethingElse.InitiateAuth"),
        None,
    ] {
        let reply = emu.raw(target, "{}").await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{target:?}");
        assert_eq!(
            reply.error_type(),
            "UnknownOperationException",
            "{target:?}"
        );
    }
}

#[tokio::test]
async fn missing_required_member_is_an_invalid_parameter() {
    let emu = Emu::start().await;
    let message = emu
        .err(
            "InitiateAuth",
            json!({ "AuthFlow": "USER_SRP_AUTH" }),
            "InvalidParameterException",
        )
        .await;
    assert!(
        message.contains("'clientId'") && message.contains("Member must not be null"),
        "{message}"
    );
    let message = emu
        .err("CreateUserPool", json!({}), "InvalidParameterException")
        .await;
    assert!(message.contains("'poolName'"), "{message}");
    // A member of the wrong JSON type is a serialization problem.
    emu.err(
        "CreateUserPool",
        json!({ "PoolName": 5 }),
        "SerializationException",
    )
    .await;
}

#[tokio::test]
async fn every_reply_has_request_id_date_and_cors_headers() {
    let emu = Emu::start().await;
    let response = emu
        .http
        .post(format!("{}/", emu.base))
        .header("origin", "http://localhost:8080")
        .header("content-type", "application/x-amz-json-1.1")
        .header(
            "x-amz-target",
            "AWSCognitoIdentityProviderService.InitiateAuth",
        )
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let headers = response.headers();
    assert_eq!(
        headers["access-control-allow-origin"],
        "http://localhost:8080"
    );
    let exposed = headers["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    for name in [
        "x-amzn-requestid",
        "x-amzn-errortype",
        "x-amzn-errormessage",
        "date",
    ] {
        assert!(exposed.contains(name), "{exposed}");
    }
    let request_id = headers["x-amzn-requestid"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(request_id).is_ok(), "{request_id}");
    assert!(headers.contains_key("date"));
    // Without an Origin header the reply still allows any origin.
    let reply = emu.call("ListUserPools", json!({ "MaxResults": 10 })).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers["access-control-allow-origin"], "*");
    assert_eq!(reply.headers["content-type"], "application/x-amz-json-1.1");
    assert_ne!(reply.headers["x-amzn-requestid"], request_id);
}

#[tokio::test]
async fn cors_preflight_is_answered_on_any_path() {
    let emu = Emu::start().await;
    for path in ["/", "/anything/else"] {
        let response = emu
            .http
            .request(reqwest::Method::OPTIONS, format!("{}{path}", emu.base))
            .header("origin", "http://localhost:3000")
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,x-amz-target,x-amz-user-agent,x-custom-thing",
            )
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        let headers = response.headers();
        assert_eq!(
            headers["access-control-allow-origin"],
            "http://localhost:3000"
        );
        assert!(
            headers["access-control-allow-methods"]
                .to_str()
                .unwrap()
                .contains("POST")
        );
        let allowed = headers["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .to_ascii_lowercase();
        for name in [
            "content-type",
            "x-amz-target",
            "x-amz-user-agent",
            "cache-control",
            "authorization",
            "x-custom-thing",
        ] {
            assert!(allowed.contains(name), "{name} not in {allowed}");
        }
        assert!(headers.contains_key("access-control-max-age"));
    }
}

#[tokio::test]
async fn health_and_unknown_paths() {
    let emu = Emu::start().await;
    let response = emu
        .http
        .get(format!("{}/_emulator/health", emu.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "ok");
    let response = emu
        .http
        .get(format!(
            "{}/us-east-1_Nope12345/.well-known/jwks.json",
            emu.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(
        response
            .headers()
            .contains_key("access-control-allow-origin")
    );
}

#[tokio::test]
async fn create_describe_list_and_delete_pools() {
    let emu = Emu::start().await;
    let created = emu
        .ok(
            "CreateUserPool",
            json!({
                "PoolName": "my pool",
                "Policies": { "PasswordPolicy": { "MinimumLength": 10, "RequireNumbers": true } },
                "UsernameConfiguration": { "CaseSensitive": false },
            }),
        )
        .await;
    let pool = &created["UserPool"];
    let id = pool["Id"].as_str().unwrap().to_owned();
    let (region, name) = id.split_once('_').unwrap();
    assert_eq!(region, "us-east-1");
    assert_eq!(name.len(), 9);
    assert!(name.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(pool["Name"], "my pool");
    assert_eq!(
        pool["Arn"],
        format!("arn:aws:cognito-idp:us-east-1:000000000000:userpool/{id}")
    );
    assert!(pool["CreationDate"].as_f64().unwrap() > 1.6e9);
    assert_eq!(pool["Policies"]["PasswordPolicy"]["MinimumLength"], 10);
    assert_eq!(pool["Policies"]["PasswordPolicy"]["RequireSymbols"], false);

    let described = emu
        .ok("DescribeUserPool", json!({ "UserPoolId": id }))
        .await;
    assert_eq!(described["UserPool"]["Id"], id.as_str());

    // Two pools in pages of one.
    let second = emu.create_pool(json!({})).await;
    let page1 = emu.ok("ListUserPools", json!({ "MaxResults": 1 })).await;
    assert_eq!(page1["UserPools"].as_array().unwrap().len(), 1);
    let token = page1["NextToken"].as_str().unwrap();
    let page2 = emu
        .ok(
            "ListUserPools",
            json!({ "MaxResults": 1, "NextToken": token }),
        )
        .await;
    assert_eq!(page2["UserPools"].as_array().unwrap().len(), 1);
    assert!(page2.get("NextToken").is_none());
    let mut ids = vec![
        page1["UserPools"][0]["Id"].clone(),
        page2["UserPools"][0]["Id"].clone(),
    ];
    ids.sort_by_key(|v| v.to_string());
    let mut expected = vec![json!(id), json!(second)];
    expected.sort_by_key(|v| v.to_string());
    assert_eq!(ids, expected);

    emu.ok("DeleteUserPool", json!({ "UserPoolId": id })).await;
    let message = emu
        .err(
            "DescribeUserPool",
            json!({ "UserPoolId": id }),
            "ResourceNotFoundException",
        )
        .await;
    assert_eq!(message, format!("User pool {id} does not exist."));
    emu.err(
        "ListUserPools",
        json!({ "MaxResults": 0 }),
        "InvalidParameterException",
    )
    .await;
}

#[tokio::test]
async fn pool_region_follows_the_sigv4_credential_scope() {
    let emu = Emu::start().await;
    let response = emu
        .http
        .post(format!("{}/", emu.base))
        .header("x-amz-target", "AWSCognitoIdentityProviderService.CreateUserPool")
        .header("content-type", "application/x-amz-json-1.1")
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/eu-west-2/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
        )
        .body(r#"{"PoolName":"signed"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(
        body["UserPool"]["Id"]
            .as_str()
            .unwrap()
            .starts_with("eu-west-2_"),
        "{body}"
    );
}

#[tokio::test]
async fn app_clients_have_cognito_shaped_ids_secrets_and_defaults() {
    let emu = Emu::start().await;
    let pool = emu.create_pool(json!({})).await;
    let reply = emu
        .ok(
            "CreateUserPoolClient",
            json!({ "UserPoolId": pool, "ClientName": "web" }),
        )
        .await;
    let client = &reply["UserPoolClient"];
    let id = client["ClientId"].as_str().unwrap();
    assert_eq!(id.len(), 26);
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    );
    assert!(client.get("ClientSecret").is_none());
    assert_eq!(
        client["ExplicitAuthFlows"],
        json!([
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
            "ALLOW_CUSTOM_AUTH"
        ])
    );
    assert_eq!(client["PreventUserExistenceErrors"], "ENABLED");
    assert_eq!(client["EnableTokenRevocation"], true);

    let (secret_id, secret) = emu
        .create_client(&pool, json!({ "GenerateSecret": true }))
        .await;
    let secret = secret.unwrap();
    assert_eq!(secret.len(), 51);
    assert!(
        secret
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    );
    let described = emu
        .ok(
            "DescribeUserPoolClient",
            json!({ "UserPoolId": pool, "ClientId": secret_id }),
        )
        .await;
    assert_eq!(described["UserPoolClient"]["ClientSecret"], secret.as_str());

    let message = emu
        .err(
            "DescribeUserPoolClient",
            json!({ "UserPoolId": pool, "ClientId": "nope" }),
            "ResourceNotFoundException",
        )
        .await;
    assert_eq!(message, "User pool client nope does not exist.");
    emu.err(
        "CreateUserPoolClient",
        json!({ "UserPoolId": pool, "ClientName": "x", "ExplicitAuthFlows": ["ALLOW_NOTHING"] }),
        "InvalidParameterException",
    )
    .await;
    emu.err(
        "CreateUserPoolClient",
        json!({ "UserPoolId": pool, "ClientName": "x", "AccessTokenValidity": 2, "TokenValidityUnits": { "AccessToken": "days" } }),
        "InvalidParameterException",
    )
    .await;
    emu.err(
        "CreateUserPoolClient",
        json!({ "UserPoolId": "us-east-1_Missing00", "ClientName": "x" }),
        "ResourceNotFoundException",
    )
    .await;
}

#[tokio::test]
async fn admin_user_lifecycle() {
    let emu = Emu::start().await;
    let pool = emu.create_pool(json!({})).await;
    let created = emu
        .ok(
            "AdminCreateUser",
            json!({
                "UserPoolId": pool,
                "Username": "Bob",
                "TemporaryPassword": "Temp-Passw0rd!",
                "UserAttributes": [{"Name": "email", "Value": "bob@example.com"}],
            }),
        )
        .await;
    let user = &created["User"];
    assert_eq!(user["Username"], "Bob");
    assert_eq!(user["UserStatus"], "FORCE_CHANGE_PASSWORD");
    assert_eq!(user["Enabled"], true);
    let sub = user["Attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Name"] == "sub")
        .unwrap()["Value"]
        .as_str()
        .unwrap();
    assert_eq!(uuid::Uuid::parse_str(sub).unwrap().get_version_num(), 4);

    // Usernames are case-insensitive by default.
    let fetched = emu
        .ok(
            "AdminGetUser",
            json!({ "UserPoolId": pool, "Username": "bob" }),
        )
        .await;
    assert_eq!(fetched["Username"], "Bob");
    assert_eq!(fetched["UserStatus"], "FORCE_CHANGE_PASSWORD");
    assert!(fetched["UserCreateDate"].as_f64().is_some());
    assert!(
        fetched["UserAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["Name"] == "email" && a["Value"] == "bob@example.com")
    );
    emu.err(
        "AdminCreateUser",
        json!({ "UserPoolId": pool, "Username": "BOB" }),
        "UsernameExistsException",
    )
    .await;

    // Password policy, with Cognito's wording.
    let message = emu
        .err(
            "AdminSetUserPassword",
            json!({ "UserPoolId": pool, "Username": "bob", "Password": "Sh0rt!", "Permanent": true }),
            "InvalidPasswordException",
        )
        .await;
    assert_eq!(
        message,
        "Password did not conform with policy: Password not long enough"
    );
    let message = emu
        .err(
            "AdminSetUserPassword",
            json!({ "UserPoolId": pool, "Username": "bob", "Password": "nouppercase1!" }),
            "InvalidPasswordException",
        )
        .await;
    assert_eq!(
        message,
        "Password did not conform with policy: Password must have uppercase characters"
    );

    emu.ok(
        "AdminSetUserPassword",
        json!({ "UserPoolId": pool, "Username": "bob", "Password": PASSWORD, "Permanent": true }),
    )
    .await;
    let fetched = emu
        .ok(
            "AdminGetUser",
            json!({ "UserPoolId": pool, "Username": "bob" }),
        )
        .await;
    assert_eq!(fetched["UserStatus"], "CONFIRMED");
    emu.ok(
        "AdminSetUserPassword",
        json!({ "UserPoolId": pool, "Username": "bob", "Password": PASSWORD, "Permanent": false }),
    )
    .await;
    let fetched = emu
        .ok(
            "AdminGetUser",
            json!({ "UserPoolId": pool, "Username": "bob" }),
        )
        .await;
    assert_eq!(fetched["UserStatus"], "FORCE_CHANGE_PASSWORD");

    let message = emu
        .err(
            "AdminConfirmSignUp",
            json!({ "UserPoolId": pool, "Username": "bob" }),
            "NotAuthorizedException",
        )
        .await;
    assert!(message.contains("FORCE_CHANGE_PASSWORD"), "{message}");

    emu.err(
        "AdminCreateUser",
        json!({ "UserPoolId": pool, "Username": "carol", "UserAttributes": [{"Name": "shoe_size", "Value": "9"}] }),
        "InvalidParameterException",
    )
    .await;

    emu.ok(
        "AdminDeleteUser",
        json!({ "UserPoolId": pool, "Username": "BOB" }),
    )
    .await;
    let message = emu
        .err(
            "AdminGetUser",
            json!({ "UserPoolId": pool, "Username": "bob" }),
            "UserNotFoundException",
        )
        .await;
    assert_eq!(message, "User does not exist.");
}

#[tokio::test]
async fn case_sensitive_pools_keep_usernames_apart() {
    let emu = Emu::start().await;
    let pool = emu
        .create_pool(json!({ "UsernameConfiguration": { "CaseSensitive": true } }))
        .await;
    emu.ok(
        "AdminCreateUser",
        json!({ "UserPoolId": pool, "Username": "Dave" }),
    )
    .await;
    emu.ok(
        "AdminCreateUser",
        json!({ "UserPoolId": pool, "Username": "dave" }),
    )
    .await;
    emu.err(
        "AdminGetUser",
        json!({ "UserPoolId": pool, "Username": "DAVE" }),
        "UserNotFoundException",
    )
    .await;
}

#[tokio::test]
async fn email_username_pools_use_the_sub_as_internal_username() {
    let emu = Emu::start().await;
    let pool = emu
        .create_pool(json!({ "UsernameAttributes": ["email"] }))
        .await;
    let message = emu
        .err(
            "AdminCreateUser",
            json!({ "UserPoolId": pool, "Username": "erin" }),
            "InvalidParameterException",
        )
        .await;
    assert_eq!(message, "Username should be an email.");
    let created = emu
        .ok(
            "AdminCreateUser",
            json!({ "UserPoolId": pool, "Username": "Erin@Example.com" }),
        )
        .await;
    let username = created["User"]["Username"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(username).is_ok(), "{username}");
    let by_email = emu
        .ok(
            "AdminGetUser",
            json!({ "UserPoolId": pool, "Username": "erin@example.com" }),
        )
        .await;
    assert_eq!(by_email["Username"], username);
    emu.err(
        "AdminCreateUser",
        json!({ "UserPoolId": pool, "Username": "erin@example.com" }),
        "UsernameExistsException",
    )
    .await;
    emu.err(
        "CreateUserPool",
        json!({ "PoolName": "both", "UsernameAttributes": ["email"], "AliasAttributes": ["email"] }),
        "InvalidParameterException",
    )
    .await;
}

#[tokio::test]
async fn jwks_has_two_rsa_signing_keys() {
    let emu = Emu::start().await;
    let pool = emu.create_pool(json!({})).await;
    let jwks = emu.jwks(&pool).await;
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert_ne!(keys[0]["kid"], keys[1]["kid"]);
    for key in keys {
        assert_eq!(key["kty"], "RSA");
        assert_eq!(key["alg"], "RS256");
        assert_eq!(key["use"], "sig");
        assert_eq!(key["e"], "AQAB");
        // 2048-bit modulus: 256 bytes, 342 base64url characters.
        assert_eq!(key["n"].as_str().unwrap().len(), 342);
    }
    // Another pool has other keys.
    let other = emu.jwks(&emu.create_pool(json!({})).await).await;
    assert_ne!(other["keys"][0]["kid"], keys[0]["kid"]);
}
