#!/usr/bin/env python3
"""Writes hand-made seed inputs for the emulator_request fuzz target (fuzz/src/emulator_request.rs).

The harness reads its bytes with `arbitrary` 1.x: an enum variant is a little-endian u32 v with index
(v * variants) >> 32, a u8 is one byte, a Vec element is preceded by a byte with bit 0 set and the list
ends with a byte with bit 0 clear, an Option is such a byte then the value. Random bytes rarely spell a
whole SRP sign-in (InitiateAuth, then PASSWORD_VERIFIER with the right claim), so these seeds do, and the
fuzzer mutates from there. Keep the variant lists below in the harness's declaration order.

    python3 fuzz/seeds/emulator_request.py OUT_DIR
"""
import hashlib
import os
import struct
import sys

JSON = ["Null", "Bool", "Int", "Float", "Str", "PoolId", "ClientId", "ClientSecret", "Username", "Password",
        "AuthFlow", "Challenge", "SrpA", "Captured", "Claim", "Timestamp", "SecretHash", "SrpParameters",
        "VerifierAnswer", "RefreshParameters", "Array", "Object"]
STEP = ["Call", "Raw"]
TEXT = ["Known", "Any"]
VERB = ["Post", "Get", "Put", "Delete", "Options", "Head", "Patch", "Any"]
PATH = ["Root", "Health", "Inbox", "CustomChallenge", "Faults", "Calls", "Clock", "TokenValidity", "Jwks", "Any"]
BODY = ["Members", "Json", "Raw"]
KEYS = {"ClientId": 0, "AuthFlow": 4, "AuthParameters": 5, "ChallengeName": 6, "ChallengeResponses": 7,
        "Session": 8, "AccessToken": 9, "USERNAME": 59, "PASSWORD": 60, "SRP_A": 61, "SECRET_HASH": 62,
        "PASSWORD_CLAIM_SECRET_BLOCK": 67, "PASSWORD_CLAIM_SIGNATURE": 68, "TIMESTAMP": 69,
        "NEW_PASSWORD": 70}
OPS = {"InitiateAuth": 14, "RespondToAuthChallenge": 15, "GetUser": 17, "RevokeToken": 16,
       "GetTokensFromRefreshToken": 50}
CAPTURED = {"Session": 0, "SECRET_BLOCK": 1, "USER_ID_FOR_SRP": 4, "AccessToken": 6, "RefreshToken": 8}
AUTH_FLOWS = {"USER_SRP_AUTH": 0, "REFRESH_TOKEN_AUTH": 1, "USER_PASSWORD_AUTH": 4}
CHALLENGES = {"PASSWORD_VERIFIER": 0, "NEW_PASSWORD_REQUIRED": 1}


def variant(names, name):
    index, count = names.index(name), len(names)
    return struct.pack("<I", ((2 * index + 1) << 32) // (2 * count))


def vec(items):
    return b"".join(b"\x01" + item for item in items) + b"\x00"


def value(name, *fields):
    return variant(JSON, name) + bytes(fields)


def obj(members):
    return variant(JSON, "Object") + vec(known(k) + v for k, v in members)


def known(key):
    return variant(TEXT, "Known") + bytes([KEYS[key]])


def call(operation, members):
    return variant(STEP, "Call") + bytes([OPS[operation]]) + vec(known(k) + v for k, v in members)


def raw(verb, path, target=None, body=b"", path_fields=b""):
    out = variant(STEP, "Raw") + variant(VERB, verb) + variant(PATH, path) + path_fields
    out += b"\x01" + variant(TEXT, "Known") + bytes([target]) if target is not None else b"\x00"
    out += b"\x01" + variant(TEXT, "Known") + b"\x00"  # Content-Type application/x-amz-json-1.1
    out += b"\x00"  # no other headers
    return out + variant(BODY, "Raw") + vec(bytes([b]) for b in body)


def srp_start(client=0, user=0):
    return call("InitiateAuth", [("ClientId", value("ClientId", client)),
                                 ("AuthFlow", value("AuthFlow", AUTH_FLOWS["USER_SRP_AUTH"])),
                                 ("AuthParameters", value("SrpParameters", user))])


def srp_answer(client=0, pool=0, password=0):
    return call("RespondToAuthChallenge", [("ClientId", value("ClientId", client)),
                                           ("ChallengeName", value("Challenge", CHALLENGES["PASSWORD_VERIFIER"])),
                                           ("ChallengeResponses", value("VerifierAnswer", pool, password)),
                                           ("Session", value("Captured", CAPTURED["Session"]))])


SEEDS = {
    # alice: SRP sign-in, GetUser with the access token, refresh.
    "srp_sign_in_then_refresh": [
        srp_start(), srp_answer(),
        call("GetUser", [("AccessToken", value("Captured", CAPTURED["AccessToken"]))]),
        call("InitiateAuth", [("ClientId", value("ClientId", 0)),
                              ("AuthFlow", value("AuthFlow", AUTH_FLOWS["REFRESH_TOKEN_AUTH"])),
                              ("AuthParameters", value("RefreshParameters"))]),
    ],
    # bob: FORCE_CHANGE_PASSWORD, so the proof leads to NEW_PASSWORD_REQUIRED.
    "srp_new_password_required": [
        srp_start(user=1), srp_answer(),
        call("RespondToAuthChallenge", [("ClientId", value("ClientId", 0)),
                                        ("ChallengeName", value("Challenge", CHALLENGES["NEW_PASSWORD_REQUIRED"])),
                                        ("Session", value("Captured", CAPTURED["Session"])),
                                        ("ChallengeResponses", obj([("USERNAME", value("Username", 1)),
                                                                    ("NEW_PASSWORD", value("Password", 1))]))]),
    ],
    # carol: TOTP MFA after the password.
    "srp_then_mfa": [srp_start(user=2), srp_answer()],
    # dave signs in by e-mail in the second pool (USER_ID_FOR_SRP is his sub).
    "srp_email_pool": [srp_start(client=2, user=3), srp_answer(client=2, pool=1)],
    # A wrong password, and an unknown user (a decoy challenge).
    "srp_wrong_password": [srp_start(), srp_answer(password=1)],
    "srp_unknown_user": [srp_start(user=4), srp_answer()],
    # The client with a secret: SECRET_HASH in both calls, rotation on refresh.
    "srp_secret_client": [
        call("InitiateAuth", [("ClientId", value("ClientId", 1)),
                              ("AuthFlow", value("AuthFlow", AUTH_FLOWS["USER_SRP_AUTH"])),
                              ("AuthParameters", obj([("USERNAME", value("Username", 0)),
                                                      ("SRP_A", value("SrpA")),
                                                      ("SECRET_HASH", value("SecretHash", 0))]))]),
        call("RespondToAuthChallenge", [("ClientId", value("ClientId", 1)),
                                        ("ChallengeName", value("Challenge", CHALLENGES["PASSWORD_VERIFIER"])),
                                        ("ChallengeResponses", obj([
                                            ("USERNAME", value("Captured", CAPTURED["USER_ID_FOR_SRP"])),
                                            ("PASSWORD_CLAIM_SECRET_BLOCK", value("Captured", CAPTURED["SECRET_BLOCK"])),
                                            ("PASSWORD_CLAIM_SIGNATURE", value("Claim", 0, 0)),
                                            ("TIMESTAMP", value("Timestamp")),
                                            ("SECRET_HASH", value("SecretHash", 0))]))]),
    ],
    "user_password_auth": [
        call("InitiateAuth", [("ClientId", value("ClientId", 0)),
                              ("AuthFlow", value("AuthFlow", AUTH_FLOWS["USER_PASSWORD_AUTH"])),
                              ("AuthParameters", obj([("USERNAME", value("Username", 0)),
                                                      ("PASSWORD", value("Password", 0))]))]),
    ],
    # Not a Cognito call at all.
    "raw_get_root": [raw("Get", "Root")],
    "raw_options": [raw("Options", "Root")],
    "raw_jwks": [raw("Get", "Jwks", path_fields=b"\x00")],
    "raw_not_json": [raw("Post", "Root", target=14, body=b"{nope")],
    "raw_fault_then_call": [raw("Post", "Faults", body=b'{"operation":"*","status":500,"type":"X"}'),
                            srp_start()],
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, steps in SEEDS.items():
        data = vec(steps)
        path = os.path.join(out, hashlib.sha1(data).hexdigest())
        with open(path, "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
