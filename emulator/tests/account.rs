//! Self-service account operations and the dev inbox: sign-up and confirmation, forgotten and changed
//! passwords, attributes and their verification, deleting the account, global sign-out.

mod common;

use common::{Emu, PASSWORD, secret_hash, srp_sign_in, wrong_code};
use reqwest::StatusCode;
use serde_json::{Value, json};

const NEW_PASSWORD: &str = "Another-Passw0rd";

/// A pool that auto-verifies e-mail, with a public client.
async fn email_pool(emu: &Emu) -> (String, String) {
    let pool = emu
        .create_pool(json!({ "AutoVerifiedAttributes": ["email"] }))
        .await;
    let (client, _) = emu
        .create_client(
            &pool,
            json!({ "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }),
        )
        .await;
    (pool, client)
}

async fn sign_up(emu: &Emu, client: &str, username: &str, email: &str) -> Value {
    emu.ok(
        "SignUp",
        json!({
            "ClientId": client,
            "Username": username,
            "Password": PASSWORD,
            "UserAttributes": [{ "Name": "email", "Value": email }, { "Name": "name", "Value": "Bob" }],
            "ValidationData": [{ "Name": "promo", "Value": "x" }],
            "ClientMetadata": { "source": "test" },
        }),
    )
    .await
}

#[tokio::test]
async fn sign_up_confirm_and_sign_in() {
    let emu = Emu::start().await;
    let (pool, client) = email_pool(&emu).await;
    let reply = sign_up(&emu, &client, "bob", "bob@example.com").await;
    assert_eq!(reply["UserConfirmed"], false);
    assert!(uuid::Uuid::parse_str(reply["UserSub"].as_str().unwrap()).is_ok());
    assert_eq!(
        reply["CodeDeliveryDetails"],
        json!({ "Destination": "b***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email" })
    );
    let user = emu
        .ok(
            "AdminGetUser",
            json!({ "UserPoolId": pool, "Username": "bob" }),
        )
        .await;
    assert_eq!(user["UserStatus"], "UNCONFIRMED");

    // The inbox has the message; the code is six digits.
    let inbox = emu.inbox(&pool, "bob").await;
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    assert_eq!(inbox[0]["medium"], "EMAIL");
    assert_eq!(inbox[0]["destination"], "bob@example.com");
    assert_eq!(inbox[0]["purpose"], "SignUp");
    assert!(inbox[0]["sentAt"].as_str().unwrap().ends_with('Z'));
    let code = inbox[0]["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 6);

    // An unconfirmed user proves the password, then is refused.
    let reply = srp_sign_in(&emu, &pool, &client, "bob", PASSWORD).await;
    assert_eq!(reply.error_type(), "UserNotConfirmedException");

    // The same name can't sign up twice.
    let message = emu
        .err(
            "SignUp",
            json!({ "ClientId": client, "Username": "bob", "Password": PASSWORD }),
            "UsernameExistsException",
        )
        .await;
    assert_eq!(message, "User already exists");

    // A wrong code is refused, the right one confirms and verifies the e-mail address, and is single-use.
    let message = emu
        .err(
            "ConfirmSignUp",
            json!({ "ClientId": client, "Username": "bob", "ConfirmationCode": wrong_code(&code) }),
            "CodeMismatchException",
        )
        .await;
    assert_eq!(
        message,
        "Invalid verification code provided, please try again."
    );
    emu.ok(
        "ConfirmSignUp",
        json!({ "ClientId": client, "Username": "bob", "ConfirmationCode": code }),
    )
    .await;
    let user = emu
        .ok(
            "AdminGetUser",
            json!({ "UserPoolId": pool, "Username": "bob" }),
        )
        .await;
    assert_eq!(user["UserStatus"], "CONFIRMED");
    assert!(
        user["UserAttributes"]
            .as_array()
            .unwrap()
            .contains(&json!({ "Name": "email_verified", "Value": "true" })),
        "{user}"
    );
    let message = emu
        .err(
            "ConfirmSignUp",
            json!({ "ClientId": client, "Username": "bob", "ConfirmationCode": code }),
            "NotAuthorizedException",
        )
        .await;
    assert_eq!(
        message,
        "User cannot be confirmed. Current status is CONFIRMED"
    );

    let tokens = emu.tokens(&pool, &client, "bob", PASSWORD).await;
    let user = emu
        .ok("GetUser", json!({ "AccessToken": tokens["AccessToken"] }))
        .await;
    assert_eq!(user["Username"], "bob");
}

#[tokio::test]
async fn sign_up_checks_the_password_policy_and_secret_hash() {
    let emu = Emu::start().await;
    let (pool, _) = email_pool(&emu).await;
    let (client, secret) = emu
        .create_client(&pool, json!({ "GenerateSecret": true }))
        .await;
    let secret = secret.unwrap();
    let message = emu
        .err(
            "SignUp",
            json!({ "ClientId": client, "Username": "carol", "Password": "short",
                    "SecretHash": secret_hash(&secret, "carol", &client) }),
            "InvalidPasswordException",
        )
        .await;
    assert!(
        message.starts_with("Password did not conform with policy"),
        "{message}"
    );
    emu.err(
        "SignUp",
        json!({ "ClientId": client, "Username": "carol", "Password": PASSWORD }),
        "NotAuthorizedException",
    )
    .await;
    emu.err(
        "SignUp",
        json!({ "ClientId": client, "Username": "carol", "Password": PASSWORD,
                "SecretHash": secret_hash(&secret, "someone-else", &client) }),
        "NotAuthorizedException",
    )
    .await;
    let reply = emu
        .ok(
            "SignUp",
            json!({ "ClientId": client, "Username": "carol", "Password": PASSWORD,
                    "SecretHash": secret_hash(&secret, "carol", &client),
                    "UserAttributes": [{ "Name": "email", "Value": "carol@example.com" }] }),
        )
        .await;
    assert_eq!(reply["UserConfirmed"], false);
    // ConfirmSignUp needs the hash too.
    let code = emu.last_code(&pool, "carol", "SignUp").await;
    emu.err(
        "ConfirmSignUp",
        json!({ "ClientId": client, "Username": "carol", "ConfirmationCode": code }),
        "NotAuthorizedException",
    )
    .await;
    emu.ok(
        "ConfirmSignUp",
        json!({ "ClientId": client, "Username": "carol", "ConfirmationCode": code,
                "SecretHash": secret_hash(&secret, "carol", &client) }),
    )
    .await;
}

#[tokio::test]
async fn codes_expire_resend_replaces_them_and_attempts_are_limited() {
    let emu = Emu::start().await;
    let (pool, client) = email_pool(&emu).await;
    sign_up(&emu, &client, "dave", "dave@example.com").await;
    let first = emu.last_code(&pool, "dave", "SignUp").await;
    let reply = emu
        .ok(
            "ResendConfirmationCode",
            json!({ "ClientId": client, "Username": "dave" }),
        )
        .await;
    assert_eq!(reply["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    let second = emu.last_code(&pool, "dave", "ResendConfirmationCode").await;
    assert_eq!(emu.inbox(&pool, "dave").await.len(), 2);
    if first != second {
        emu.err(
            "ConfirmSignUp",
            json!({ "ClientId": client, "Username": "dave", "ConfirmationCode": first }),
            "CodeMismatchException",
        )
        .await;
    }
    // After 24 hours the code has expired.
    emu.state.advance_clock(24 * 3600 + 1);
    let message = emu
        .err(
            "ConfirmSignUp",
            json!({ "ClientId": client, "Username": "dave", "ConfirmationCode": second }),
            "ExpiredCodeException",
        )
        .await;
    assert_eq!(
        message,
        "Invalid code provided, please request a code again."
    );
    // A fresh code survives four wrong guesses, not five.
    emu.ok(
        "ResendConfirmationCode",
        json!({ "ClientId": client, "Username": "dave" }),
    )
    .await;
    let code = emu.last_code(&pool, "dave", "ResendConfirmationCode").await;
    let wrong = wrong_code(&code);
    for _ in 0..4 {
        emu.err(
            "ConfirmSignUp",
            json!({ "ClientId": client, "Username": "dave", "ConfirmationCode": wrong }),
            "CodeMismatchException",
        )
        .await;
    }
    emu.err(
        "ConfirmSignUp",
        json!({ "ClientId": client, "Username": "dave", "ConfirmationCode": wrong }),
        "TooManyFailedAttemptsException",
    )
    .await;
    emu.err(
        "ConfirmSignUp",
        json!({ "ClientId": client, "Username": "dave", "ConfirmationCode": code }),
        "ExpiredCodeException",
    )
    .await;
}

#[tokio::test]
async fn forgot_password_and_reset_required() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let reply = emu
        .ok(
            "ForgotPassword",
            json!({ "ClientId": client, "Username": "alice" }),
        )
        .await;
    assert_eq!(
        reply["CodeDeliveryDetails"],
        json!({ "Destination": "a***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email" })
    );
    let code = emu.last_code(&pool, "alice", "ForgotPassword").await;
    // The new password must satisfy the policy; a failed attempt doesn't use the code up.
    emu.err(
        "ConfirmForgotPassword",
        json!({ "ClientId": client, "Username": "alice", "ConfirmationCode": code, "Password": "weak" }),
        "InvalidPasswordException",
    )
    .await;
    emu.err(
        "ConfirmForgotPassword",
        json!({ "ClientId": client, "Username": "alice", "ConfirmationCode": wrong_code(&code), "Password": NEW_PASSWORD }),
        "CodeMismatchException",
    )
    .await;
    emu.ok(
        "ConfirmForgotPassword",
        json!({ "ClientId": client, "Username": "alice", "ConfirmationCode": code, "Password": NEW_PASSWORD }),
    )
    .await;
    let reply = srp_sign_in(&emu, &pool, &client, "alice", PASSWORD).await;
    assert_eq!(reply.error_type(), "NotAuthorizedException");
    emu.tokens(&pool, &client, "alice", NEW_PASSWORD).await;

    // Forgot-password codes last an hour.
    emu.ok(
        "ForgotPassword",
        json!({ "ClientId": client, "Username": "alice" }),
    )
    .await;
    let code = emu.last_code(&pool, "alice", "ForgotPassword").await;
    emu.state.advance_clock(3601);
    emu.err(
        "ConfirmForgotPassword",
        json!({ "ClientId": client, "Username": "alice", "ConfirmationCode": code, "Password": PASSWORD }),
        "ExpiredCodeException",
    )
    .await;

    // An administrator's reset: sign-in is refused after the password proof until the user resets.
    emu.ok(
        "AdminResetUserPassword",
        json!({ "UserPoolId": pool, "Username": "alice" }),
    )
    .await;
    let reply = srp_sign_in(&emu, &pool, &client, "alice", NEW_PASSWORD).await;
    assert_eq!(reply.error_type(), "PasswordResetRequiredException");
    let reply = srp_sign_in(&emu, &pool, &client, "alice", "Wrong-Passw0rd").await;
    assert_eq!(reply.error_type(), "NotAuthorizedException");
    let code = emu
        .last_code(&pool, "alice", "AdminResetUserPassword")
        .await;
    emu.ok(
        "ConfirmForgotPassword",
        json!({ "ClientId": client, "Username": "alice", "ConfirmationCode": code, "Password": PASSWORD }),
    )
    .await;
    emu.tokens(&pool, &client, "alice", PASSWORD).await;

    // Unknown users: a believable answer (existence errors prevented) …
    emu.ok(
        "ForgotPassword",
        json!({ "ClientId": client, "Username": "nobody" }),
    )
    .await;
    // … or UserNotFoundException for LEGACY clients.
    let (legacy, _) = emu
        .create_client(&pool, json!({ "PreventUserExistenceErrors": "LEGACY" }))
        .await;
    emu.err(
        "ForgotPassword",
        json!({ "ClientId": legacy, "Username": "nobody" }),
        "UserNotFoundException",
    )
    .await;
}

/// Guessing the previous password with a signed-in user's access token is throttled like sign-in
/// guesses, but answered as Cognito answers ChangePassword, and without locking the user's sign-in.
#[tokio::test]
async fn change_password_guesses_are_throttled() {
    let emu = Emu::start().await;
    let (pool, client) = email_pool(&emu).await;
    emu.create_user(&pool, "gwen").await;
    let tokens = emu.tokens(&pool, &client, "gwen", PASSWORD).await;
    let access = tokens["AccessToken"].clone();
    let change = |previous: &str| json!({ "AccessToken": access, "PreviousPassword": previous, "ProposedPassword": NEW_PASSWORD });
    for _ in 0..5 {
        let message = emu
            .err(
                "ChangePassword",
                change("Wrong-Passw0rd"),
                "NotAuthorizedException",
            )
            .await;
        assert_eq!(message, "Incorrect username or password.");
    }
    // Locked out now: even the right previous password is refused, and nothing changes. The lockout lasts
    // 1 s, which a loaded machine can spend between two requests; seen with the clock 10 s back, it lasts 11.
    emu.set_clock_offset(-10).await;
    let message = emu
        .err("ChangePassword", change(PASSWORD), "LimitExceededException")
        .await;
    assert_eq!(
        message,
        "Attempt limit exceeded, please try after some time."
    );
    // Signing in is a separate count.
    emu.tokens(&pool, &client, "gwen", PASSWORD).await;
    // The first lockout lasts a second.
    emu.set_clock_offset(2).await;
    emu.ok("ChangePassword", change(PASSWORD)).await;
    emu.tokens(&pool, &client, "gwen", NEW_PASSWORD).await;
}

#[tokio::test]
async fn change_password_and_attributes() {
    let emu = Emu::start().await;
    let (pool, client) = email_pool(&emu).await;
    emu.create_user(&pool, "erin").await;
    let tokens = emu.tokens(&pool, &client, "erin", PASSWORD).await;
    let access = tokens["AccessToken"].clone();

    // ChangePassword checks the old one and the policy.
    emu.err(
        "ChangePassword",
        json!({ "AccessToken": access, "PreviousPassword": "Wrong-Passw0rd", "ProposedPassword": NEW_PASSWORD }),
        "NotAuthorizedException",
    )
    .await;
    emu.err(
        "ChangePassword",
        json!({ "AccessToken": access, "PreviousPassword": PASSWORD, "ProposedPassword": "weak" }),
        "InvalidPasswordException",
    )
    .await;
    emu.ok(
        "ChangePassword",
        json!({ "AccessToken": access, "PreviousPassword": PASSWORD, "ProposedPassword": NEW_PASSWORD }),
    )
    .await;
    emu.tokens(&pool, &client, "erin", NEW_PASSWORD).await;

    // A new e-mail address is unverified, and a code goes to it.
    let reply = emu
        .ok(
            "UpdateUserAttributes",
            json!({ "AccessToken": access, "UserAttributes": [
                { "Name": "email", "Value": "erin@example.org" },
                { "Name": "given_name", "Value": "Erin" },
            ] }),
        )
        .await;
    assert_eq!(
        reply["CodeDeliveryDetailsList"],
        json!([{ "Destination": "e***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email" }])
    );
    let user = emu.ok("GetUser", json!({ "AccessToken": access })).await;
    let attributes = user["UserAttributes"].as_array().unwrap();
    assert!(attributes.contains(&json!({ "Name": "email", "Value": "erin@example.org" })));
    assert!(attributes.contains(&json!({ "Name": "email_verified", "Value": "false" })));
    assert!(attributes.contains(&json!({ "Name": "given_name", "Value": "Erin" })));
    let inbox = emu.inbox(&pool, "erin").await;
    let last = inbox.last().unwrap();
    assert_eq!(last["purpose"], "UpdateUserAttributes");
    assert_eq!(last["destination"], "erin@example.org");
    let code = last["code"].as_str().unwrap().to_owned();

    // Users can't mark themselves verified.
    emu.err(
        "UpdateUserAttributes",
        json!({ "AccessToken": access, "UserAttributes": [{ "Name": "email_verified", "Value": "true" }] }),
        "NotAuthorizedException",
    )
    .await;
    emu.err(
        "VerifyUserAttribute",
        json!({ "AccessToken": access, "AttributeName": "email", "Code": wrong_code(&code) }),
        "CodeMismatchException",
    )
    .await;
    emu.ok(
        "VerifyUserAttribute",
        json!({ "AccessToken": access, "AttributeName": "email", "Code": code }),
    )
    .await;
    let user = emu.ok("GetUser", json!({ "AccessToken": access })).await;
    assert!(
        user["UserAttributes"]
            .as_array()
            .unwrap()
            .contains(&json!({ "Name": "email_verified", "Value": "true" }))
    );

    // GetUserAttributeVerificationCode sends another code.
    let reply = emu
        .ok(
            "GetUserAttributeVerificationCode",
            json!({ "AccessToken": access, "AttributeName": "email" }),
        )
        .await;
    assert_eq!(reply["CodeDeliveryDetails"]["AttributeName"], "email");
    let code = emu
        .last_code(&pool, "erin", "GetUserAttributeVerificationCode")
        .await;
    emu.ok(
        "VerifyUserAttribute",
        json!({ "AccessToken": access, "AttributeName": "email", "Code": code }),
    )
    .await;
    emu.err(
        "VerifyUserAttribute",
        json!({ "AccessToken": access, "AttributeName": "email", "Code": code }),
        "ExpiredCodeException",
    )
    .await;

    // DeleteUserAttributes.
    emu.ok(
        "DeleteUserAttributes",
        json!({ "AccessToken": access, "UserAttributeNames": ["given_name", "custom:team"] }),
    )
    .await;
    let user = emu.ok("GetUser", json!({ "AccessToken": access })).await;
    let names: Vec<&str> = user["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["Name"].as_str().unwrap())
        .collect();
    assert!(
        !names.contains(&"given_name") && !names.contains(&"custom:team"),
        "{names:?}"
    );
    emu.err(
        "DeleteUserAttributes",
        json!({ "AccessToken": access, "UserAttributeNames": ["sub"] }),
        "InvalidParameterException",
    )
    .await;
}

#[tokio::test]
async fn global_sign_out_and_delete_user() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let first = emu.tokens(&pool, &client, "alice", PASSWORD).await;
    let second = emu.tokens(&pool, &client, "alice", PASSWORD).await;
    emu.ok(
        "GlobalSignOut",
        json!({ "AccessToken": second["AccessToken"] }),
    )
    .await;
    for tokens in [&first, &second] {
        let message = emu
            .err(
                "GetUser",
                json!({ "AccessToken": tokens["AccessToken"] }),
                "NotAuthorizedException",
            )
            .await;
        assert_eq!(message, "Access Token has been revoked");
        let reply = emu
            .call(
                "InitiateAuth",
                json!({ "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client,
                        "AuthParameters": { "REFRESH_TOKEN": tokens["RefreshToken"] } }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert_eq!(reply.error_type(), "NotAuthorizedException");
    }
    // A new sign-in works again.
    let third = emu.tokens(&pool, &client, "alice", PASSWORD).await;
    emu.ok("GetUser", json!({ "AccessToken": third["AccessToken"] }))
        .await;

    emu.ok("DeleteUser", json!({ "AccessToken": third["AccessToken"] }))
        .await;
    emu.err(
        "AdminGetUser",
        json!({ "UserPoolId": pool, "Username": "alice" }),
        "UserNotFoundException",
    )
    .await;
    emu.err(
        "GetUser",
        json!({ "AccessToken": third["AccessToken"] }),
        "NotAuthorizedException",
    )
    .await;
}

#[tokio::test]
async fn sms_confirmation_when_the_pool_verifies_phone_numbers() {
    let emu = Emu::start().await;
    let pool = emu
        .create_pool(json!({ "UsernameAttributes": ["email"], "AutoVerifiedAttributes": ["email", "phone_number"] }))
        .await;
    let (client, _) = emu.create_client(&pool, json!({})).await;
    let reply = emu
        .ok(
            "SignUp",
            json!({ "ClientId": client, "Username": "fay@example.com", "Password": PASSWORD,
                    "UserAttributes": [{ "Name": "phone_number", "Value": "+15555551234" }] }),
        )
        .await;
    assert_eq!(
        reply["CodeDeliveryDetails"],
        json!({ "Destination": "+*******1234", "DeliveryMedium": "SMS", "AttributeName": "phone_number" })
    );
    // The inbox finds the user by the e-mail address it signs in with, and by the internal username (sub).
    let inbox = emu.inbox(&pool, "fay@example.com").await;
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0]["medium"], "SMS");
    assert_eq!(inbox[0]["destination"], "+15555551234");
    let sub = reply["UserSub"].as_str().unwrap();
    assert_eq!(emu.inbox(&pool, sub).await, inbox);
    assert!(emu.inbox(&pool, "someone@else.com").await.is_empty());
    let message = emu
        .err(
            "SignUp",
            json!({ "ClientId": client, "Username": "fay@example.com", "Password": PASSWORD }),
            "UsernameExistsException",
        )
        .await;
    assert_eq!(message, "An account with the given email already exists.");
}
