"""Third-party check (issue 3): pycognito registers a TOTP authenticator (AssociateSoftwareToken /
VerifySoftwareToken), sets the MFA preference, and answers SOFTWARE_TOKEN_MFA and SMS_MFA challenges after
its SRP sign-in; boto3 configures the pool with SetUserPoolMfaConfig and reads GetUser's MFA fields."""

import base64
import hashlib
import hmac
import struct
import time

import pytest
from botocore.exceptions import ClientError
from pycognito import Cognito
from pycognito.exceptions import SMSMFAChallengeException, SoftwareTokenMFAChallengeException


class _Session:
    def __init__(self, client):
        self._client = client

    def client(self, service_name, **_kwargs):
        return self._client


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 (HMAC-SHA1, 30 s, 6 digits)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int((time.time() if at is None else at) // 30))
    mac = hmac.new(key, counter, hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return f"{(struct.unpack('>I', mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def test_totp_helper_matches_rfc6238():
    assert totp(base64.b32encode(b"12345678901234567890").decode(), 59) == "287082"


def error_code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


@pytest.fixture(scope="module")
def mfa_pool(idp):
    pool_id = idp.create_user_pool(PoolName="mfa-ops", MfaConfiguration="OPTIONAL")["UserPool"]["Id"]
    config = idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SmsMfaConfiguration={"SmsAuthenticationMessage": "code {####}"},
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="OPTIONAL",
    )
    assert config["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="mfa",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def new_user(idp, pool_id, username, phone=None):
    attributes = [{"Name": "email", "Value": f"{username}@example.com"}]
    if phone:
        attributes.append({"Name": "phone_number", "Value": phone})
    idp.admin_create_user(UserPoolId=pool_id, Username=username, UserAttributes=attributes, MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password="Mfa-Passw0rd!", Permanent=True)


def cognito(idp, emulator_url, pool_id, client_id, username):
    import json
    import urllib.request

    user = Cognito(pool_id, client_id, username=username, session=_Session(idp))
    with urllib.request.urlopen(f"{emulator_url}/{pool_id}/.well-known/jwks.json", timeout=10) as r:
        user.pool_jwk = json.load(r)
    return user


def test_pycognito_totp_setup_and_software_token_mfa(idp, mfa_pool, emulator_url):
    pool_id, client_id = mfa_pool
    new_user(idp, pool_id, "tina")
    user = cognito(idp, emulator_url, pool_id, client_id, "tina")
    user.authenticate(password="Mfa-Passw0rd!")  # no MFA yet
    secret = user.associate_software_token()
    assert len(secret) == 32
    with pytest.raises(ClientError) as e:
        user.verify_software_token(f"{(int(totp(secret)) + 1) % 1_000_000:06d}", "pytest")
    assert error_code(e) == "EnableSoftwareTokenMFAException"
    assert user.verify_software_token(totp(secret), "pytest")
    user.set_user_mfa_preference(False, True, "SOFTWARE_TOKEN")
    profile = idp.get_user(AccessToken=user.access_token)
    assert profile["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert profile["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"

    again = cognito(idp, emulator_url, pool_id, client_id, "tina")
    with pytest.raises(SoftwareTokenMFAChallengeException) as challenge:
        again.authenticate(password="Mfa-Passw0rd!")
    again.respond_to_software_token_mfa_challenge(totp(secret), challenge.value.get_tokens())
    assert again.access_claims["username"] == "tina"


def test_pycognito_sms_mfa(idp, mfa_pool, emulator_url, last_code):
    pool_id, client_id = mfa_pool
    new_user(idp, pool_id, "sam", phone="+15555550444")
    idp.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username="sam", SMSMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    assert idp.admin_get_user(UserPoolId=pool_id, Username="sam")["UserMFASettingList"] == ["SMS_MFA"]
    user = cognito(idp, emulator_url, pool_id, client_id, "sam")
    with pytest.raises(SMSMFAChallengeException) as challenge:
        user.authenticate(password="Mfa-Passw0rd!")
    tokens = challenge.value.get_tokens()
    assert tokens["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "+*******0444"
    user.respond_to_sms_mfa_challenge(last_code(pool_id, "sam", "SMS_MFA"), tokens)
    assert user.access_claims["username"] == "sam"
