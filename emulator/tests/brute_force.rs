//! Password guessing is throttled as Cognito documents it: five free failures, then lockouts of 2^(n-5)
//! seconds during which every attempt gets "Password attempts exceeded". Time is moved with
//! `PUT /_emulator/clock`. Lockouts of a second or two are checked with the clock moved back a little
//! right after the failure, so that a slow machine cannot let them run out between two calls.

mod common;

use common::{Emu, PASSWORD, srp_sign_in};
use reqwest::StatusCode;
use serde_json::json;

const WRONG: &str = "Wrong-Horse1";

fn assert_incorrect(reply: &common::Reply) {
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert_eq!(reply.error_type(), "NotAuthorizedException");
    assert_eq!(reply.message(), "Incorrect username or password.");
}

fn assert_locked(reply: &common::Reply) {
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert_eq!(reply.error_type(), "NotAuthorizedException");
    assert_eq!(reply.message(), "Password attempts exceeded");
}

fn assert_signed_in(reply: &common::Reply) {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body["AuthenticationResult"]["AccessToken"].is_string());
}

#[tokio::test]
async fn five_wrong_passwords_then_a_doubling_lockout_even_for_the_right_password() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    for _ in 0..5 {
        assert_incorrect(&srp_sign_in(&emu, &pool, &client, "alice", WRONG).await);
    }
    // Locked for 1 s from the fifth failure: seen with the clock 10 s back, it lasts 11 s.
    emu.set_clock_offset(-10).await;
    assert_locked(&srp_sign_in(&emu, &pool, &client, "alice", PASSWORD).await);
    assert_locked(&srp_sign_in(&emu, &pool, &client, "alice", WRONG).await);

    // Each failure after a lockout doubles the next one: 2, 4, 8, then 16 s.
    let mut offset = 2;
    for lockout in [2, 4, 8] {
        emu.set_clock_offset(offset).await;
        assert_incorrect(&srp_sign_in(&emu, &pool, &client, "alice", WRONG).await);
        offset += lockout + 1;
    }
    emu.set_clock_offset(offset).await;
    assert_incorrect(&srp_sign_in(&emu, &pool, &client, "alice", WRONG).await);
    // 16 s now; attempts during it do not make it longer.
    assert_locked(&srp_sign_in(&emu, &pool, &client, "alice", PASSWORD).await);
    emu.set_clock_offset(offset + 10).await;
    assert_locked(&srp_sign_in(&emu, &pool, &client, "alice", PASSWORD).await);
    emu.set_clock_offset(offset + 17).await;
    assert_signed_in(&srp_sign_in(&emu, &pool, &client, "alice", PASSWORD).await);

    // The success cleared the count: four failures are free again and the right password still works.
    for _ in 0..4 {
        assert_incorrect(&srp_sign_in(&emu, &pool, &client, "alice", WRONG).await);
    }
    assert_signed_in(&srp_sign_in(&emu, &pool, &client, "alice", PASSWORD).await);
}

#[tokio::test]
async fn srp_and_user_password_auth_share_one_count_per_user() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    emu.create_user(&pool, "bob").await;
    let password_auth = |password: &str| {
        json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": client,
            "AuthParameters": { "USERNAME": "alice", "PASSWORD": password },
        })
    };
    for _ in 0..3 {
        assert_incorrect(&srp_sign_in(&emu, &pool, &client, "alice", WRONG).await);
    }
    for _ in 0..2 {
        assert_incorrect(&emu.call("InitiateAuth", password_auth(WRONG)).await);
    }
    emu.set_clock_offset(-10).await;
    assert_locked(&emu.call("InitiateAuth", password_auth(PASSWORD)).await);
    // Usernames are case-insensitive in this pool: ALICE is alice.
    let mut upper = password_auth(PASSWORD);
    upper["AuthParameters"]["USERNAME"] = json!("ALICE");
    assert_locked(&emu.call("InitiateAuth", upper).await);
    assert_locked(&srp_sign_in(&emu, &pool, &client, "alice", PASSWORD).await);
    // Another user of the pool is not affected.
    assert_signed_in(&srp_sign_in(&emu, &pool, &client, "bob", PASSWORD).await);

    emu.set_clock_offset(2).await;
    assert_signed_in(&emu.call("InitiateAuth", password_auth(PASSWORD)).await);
}

#[tokio::test]
async fn fifteen_quiet_minutes_forget_the_failures() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    for _ in 0..9 {
        // Spread out so that the lockouts (up to 16 s) have run out before each attempt.
        let reply = srp_sign_in(&emu, &pool, &client, "alice", WRONG).await;
        assert_incorrect(&reply);
        emu.state.advance_clock(20);
    }
    // Had the count been kept, this tenth failure would lock alice out for 32 s.
    emu.state.advance_clock(15 * 60);
    assert_incorrect(&srp_sign_in(&emu, &pool, &client, "alice", WRONG).await);
    assert_signed_in(&srp_sign_in(&emu, &pool, &client, "alice", PASSWORD).await);
}

#[tokio::test]
async fn unknown_users_are_locked_out_like_real_ones_unless_legacy() {
    let emu = Emu::start().await;
    let pool = emu.create_pool(json!({})).await;
    let (enabled, _) = emu
        .create_client(
            &pool,
            json!({
                "PreventUserExistenceErrors": "ENABLED",
                "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH"],
            }),
        )
        .await;
    let (legacy, _) = emu
        .create_client(&pool, json!({ "PreventUserExistenceErrors": "LEGACY" }))
        .await;
    for _ in 0..5 {
        assert_incorrect(&srp_sign_in(&emu, &pool, &enabled, "nobody", WRONG).await);
    }
    emu.set_clock_offset(-10).await;
    assert_locked(&srp_sign_in(&emu, &pool, &enabled, "nobody", WRONG).await);
    let password_auth = json!({
        "AuthFlow": "USER_PASSWORD_AUTH",
        "ClientId": enabled,
        "AuthParameters": { "USERNAME": "Nobody", "PASSWORD": WRONG },
    });
    // The same name in another case, through the other password flow, shares the count.
    assert_locked(&emu.call("InitiateAuth", password_auth).await);
    // A made-up name nobody has guessed yet is not locked.
    assert_incorrect(&srp_sign_in(&emu, &pool, &enabled, "nobody-else", WRONG).await);

    // LEGACY says the user does not exist, every time.
    for _ in 0..6 {
        let (_, reply) = common::start_srp(&emu, &legacy, "nobody", None).await;
        assert_eq!(
            reply.error_type(),
            "UserNotFoundException",
            "{}",
            reply.body
        );
    }
}
