"""Third-party checks of the emulator: boto3 seeds it exactly as users seed real Cognito, pycognito
(2024.5.1, which nobody here wrote) signs in with SRP, and PyJWT verifies the tokens against the JWKS."""

import re

import boto3
import jwt
import pytest
from botocore.exceptions import ClientError
from pycognito import Cognito
from pycognito.aws_srp import AWSSRP

REGION = "us-east-1"


def issuer(pool_id: str) -> str:
    return f"https://cognito-idp.{REGION}.amazonaws.com/{pool_id}"


@pytest.fixture(scope="session")
def jwks_client(emulator_url, pool):
    return jwt.PyJWKClient(f"{emulator_url}/{pool['pool_id']}/.well-known/jwks.json", cache_keys=True)


@pytest.fixture(scope="session")
def jwks(emulator_url, pool):
    import json
    import urllib.request

    with urllib.request.urlopen(f"{emulator_url}/{pool['pool_id']}/.well-known/jwks.json", timeout=10) as r:
        assert r.status == 200
        return json.load(r)


def verify_id_token(jwks_client, token: str, pool: dict, client_id: str) -> dict:
    key = jwks_client.get_signing_key_from_jwt(token)
    claims = jwt.decode(
        token,
        key.key,
        algorithms=["RS256"],
        audience=client_id,
        issuer=issuer(pool["pool_id"]),
        options={"require": ["exp", "iat", "iss", "aud", "sub"]},
    )
    assert claims["token_use"] == "id"
    assert claims["cognito:username"] == pool["username"]
    assert claims["email"] == "alice@example.com"
    return claims


def verify_access_token(jwks_client, token: str, pool: dict, client_id: str) -> dict:
    key = jwks_client.get_signing_key_from_jwt(token)
    # Cognito access tokens carry client_id, not aud.
    claims = jwt.decode(
        token,
        key.key,
        algorithms=["RS256"],
        issuer=issuer(pool["pool_id"]),
        options={"require": ["exp", "iat", "iss", "sub"], "verify_aud": False},
    )
    assert claims["token_use"] == "access"
    assert claims["client_id"] == client_id
    assert claims["username"] == pool["username"]
    return claims


def error_code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


class _EmulatorSession:
    """Stands in for a boto3 Session so pycognito's Cognito class talks to the emulator.

    Passing endpoint_url in boto3_client_kwargs would also make pycognito expect the tokens' `iss` to be
    '{endpoint_url}/{pool_id}', while Cognito (and the emulator) issue 'https://cognito-idp.{region}.amazonaws.com/
    {pool_id}'; handing it a ready client keeps pycognito's own issuer check as it is against real Cognito."""

    def __init__(self, client):
        self._client = client

    def client(self, service_name, **_kwargs):
        assert service_name == "cognito-idp"
        return self._client


# --- seeding with boto3 -------------------------------------------------------------------------------


def test_boto3_admin_ops_describe_what_was_created(idp, pool):
    assert re.fullmatch(r"us-east-1_[0-9A-Za-z]{9}", pool["pool_id"]), pool["pool_id"]
    described = idp.describe_user_pool(UserPoolId=pool["pool_id"])["UserPool"]
    assert described["Id"] == pool["pool_id"]
    assert described["Name"] == "third-party-checks"

    listed = idp.list_user_pools(MaxResults=60)["UserPools"]
    assert pool["pool_id"] in [p["Id"] for p in listed]

    public = idp.describe_user_pool_client(UserPoolId=pool["pool_id"], ClientId=pool["client_id"])
    assert "ClientSecret" not in public["UserPoolClient"]
    confidential = idp.describe_user_pool_client(UserPoolId=pool["pool_id"], ClientId=pool["secret_client_id"])
    assert confidential["UserPoolClient"]["ClientSecret"] == pool["client_secret"]
    assert "ALLOW_USER_SRP_AUTH" in confidential["UserPoolClient"]["ExplicitAuthFlows"]

    user = idp.admin_get_user(UserPoolId=pool["pool_id"], Username=pool["username"])
    assert user["Username"] == pool["username"]
    assert user["UserStatus"] == "CONFIRMED"
    assert {"Name": "email", "Value": "alice@example.com"} in user["UserAttributes"]


def test_admin_get_user_unknown_user(idp, pool):
    with pytest.raises(ClientError) as e:
        idp.admin_get_user(UserPoolId=pool["pool_id"], Username="nobody")
    assert error_code(e) == "UserNotFoundException"


def test_admin_confirm_sign_up(idp, pool):
    idp.admin_create_user(UserPoolId=pool["pool_id"], Username="bob", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool["pool_id"], Username="bob", Password="Bob-Pa55word!", Permanent=True)
    # Already confirmed by the permanent password: confirming again is refused like Cognito does, or accepted
    # as a no-op; either way the user stays CONFIRMED.
    try:
        idp.admin_confirm_sign_up(UserPoolId=pool["pool_id"], Username="bob")
    except ClientError as err:
        assert err.response["Error"]["Code"] == "NotAuthorizedException"
    assert idp.admin_get_user(UserPoolId=pool["pool_id"], Username="bob")["UserStatus"] == "CONFIRMED"


def test_jwks_shape(jwks):
    assert jwks["keys"], jwks
    for key in jwks["keys"]:
        assert key["kty"] == "RSA"
        assert key["alg"] == "RS256"
        assert key["use"] == "sig"
        assert key["kid"] and key["n"] and key["e"]


# --- pycognito SRP --------------------------------------------------------------------------------------


def test_pycognito_awssrp_sign_in(idp, pool, jwks_client):
    srp = AWSSRP(
        username=pool["username"],
        password=pool["password"],
        pool_id=pool["pool_id"],
        client_id=pool["client_id"],
        client=idp,
    )
    result = srp.authenticate_user()["AuthenticationResult"]
    assert result["TokenType"] == "Bearer"
    assert result["ExpiresIn"] == 3600
    assert result["RefreshToken"]
    id_claims = verify_id_token(jwks_client, result["IdToken"], pool, pool["client_id"])
    access_claims = verify_access_token(jwks_client, result["AccessToken"], pool, pool["client_id"])
    assert id_claims["sub"] == access_claims["sub"]


def test_pycognito_awssrp_wrong_password(idp, pool):
    srp = AWSSRP(
        username=pool["username"],
        password=pool["password"] + "x",
        pool_id=pool["pool_id"],
        client_id=pool["client_id"],
        client=idp,
    )
    with pytest.raises(ClientError) as e:
        srp.authenticate_user()
    assert error_code(e) == "NotAuthorizedException"
    assert e.value.response["Error"]["Message"] == "Incorrect username or password."


def test_pycognito_awssrp_unknown_user(idp, pool):
    srp = AWSSRP(
        username="mallory",
        password="Whatever-123",
        pool_id=pool["pool_id"],
        client_id=pool["client_id"],
        client=idp,
    )
    with pytest.raises(ClientError) as e:
        srp.authenticate_user()
    # Cognito answers UserNotFoundException, or NotAuthorizedException when user-existence errors are hidden.
    assert error_code(e) in ("UserNotFoundException", "NotAuthorizedException")


def test_pycognito_awssrp_with_client_secret(idp, pool, jwks_client):
    srp = AWSSRP(
        username=pool["username"],
        password=pool["password"],
        pool_id=pool["pool_id"],
        client_id=pool["secret_client_id"],
        client=idp,
        client_secret=pool["client_secret"],
    )
    result = srp.authenticate_user()["AuthenticationResult"]
    verify_id_token(jwks_client, result["IdToken"], pool, pool["secret_client_id"])
    verify_access_token(jwks_client, result["AccessToken"], pool, pool["secret_client_id"])


@pytest.mark.parametrize("secret", [None, "not-the-secret"])
def test_secret_client_requires_correct_secret_hash(idp, pool, secret):
    srp = AWSSRP(
        username=pool["username"],
        password=pool["password"],
        pool_id=pool["pool_id"],
        client_id=pool["secret_client_id"],
        client=idp,
        client_secret=secret,
    )
    with pytest.raises(ClientError) as e:
        srp.authenticate_user()
    assert error_code(e) == "NotAuthorizedException"


def test_password_verifier_response_is_single_use(idp, pool):
    srp = AWSSRP(
        username=pool["username"],
        password=pool["password"],
        pool_id=pool["pool_id"],
        client_id=pool["client_id"],
        client=idp,
    )
    auth_params = srp.get_auth_params()
    challenge = idp.initiate_auth(AuthFlow="USER_SRP_AUTH", AuthParameters=auth_params, ClientId=pool["client_id"])
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    params = challenge["ChallengeParameters"]
    assert {"SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP", "USERNAME"} <= set(params)
    responses = srp.process_challenge(params, auth_params)
    first = idp.respond_to_auth_challenge(
        ClientId=pool["client_id"], ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses
    )
    assert first["AuthenticationResult"]["AccessToken"]
    with pytest.raises(ClientError) as e:
        idp.respond_to_auth_challenge(
            ClientId=pool["client_id"], ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses
        )
    assert error_code(e) == "NotAuthorizedException"


def test_pycognito_cognito_class_sign_in_verify_refresh(idp, pool, jwks):
    """pycognito's high-level class: SRP sign-in, its own token verification, GetUser, token renewal."""
    user = Cognito(
        pool["pool_id"],
        pool["client_id"],
        username=pool["username"],
        session=_EmulatorSession(idp),
    )
    user.pool_jwk = jwks  # what pycognito would fetch from the real AWS JWKS URL (or read from COGNITO_JWKS)
    user.authenticate(password=pool["password"])  # verifies both tokens itself (signature, iss, aud, token_use)
    assert user.id_claims["cognito:username"] == pool["username"]
    assert user.access_claims["client_id"] == pool["client_id"]
    first_access, first_refresh = user.access_token, user.refresh_token

    profile = user.get_user()
    assert profile.username == pool["username"]
    assert profile.email == "alice@example.com"

    user.renew_access_token()  # REFRESH_TOKEN_AUTH; verifies the new tokens too
    assert user.access_token != first_access
    assert user.refresh_token == first_refresh  # Cognito does not rotate the refresh token by default
    user.verify_tokens()


def test_pycognito_cognito_class_with_secret_refresh(idp, pool, jwks):
    user = Cognito(
        pool["pool_id"],
        pool["secret_client_id"],
        client_secret=pool["client_secret"],
        username=pool["username"],
        session=_EmulatorSession(idp),
    )
    user.pool_jwk = jwks
    user.authenticate(password=pool["password"])
    first_access = user.access_token
    user.renew_access_token()  # sends SECRET_HASH computed from the username
    assert user.access_token != first_access


def test_pycognito_cognito_class_wrong_password(idp, pool, jwks):
    user = Cognito(pool["pool_id"], pool["client_id"], username=pool["username"], session=_EmulatorSession(idp))
    user.pool_jwk = jwks
    with pytest.raises(ClientError) as e:
        user.authenticate(password="wrong-" + pool["password"])
    assert error_code(e) == "NotAuthorizedException"


# --- boto3 flows ----------------------------------------------------------------------------------------


def test_boto3_user_password_auth_and_refresh(idp, pool, jwks_client):
    result = idp.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": pool["username"], "PASSWORD": pool["password"]},
        ClientId=pool["client_id"],
    )["AuthenticationResult"]
    verify_id_token(jwks_client, result["IdToken"], pool, pool["client_id"])

    refreshed = idp.initiate_auth(
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]},
        ClientId=pool["client_id"],
    )["AuthenticationResult"]
    assert "RefreshToken" not in refreshed
    assert refreshed["AccessToken"] != result["AccessToken"]
    verify_id_token(jwks_client, refreshed["IdToken"], pool, pool["client_id"])
    verify_access_token(jwks_client, refreshed["AccessToken"], pool, pool["client_id"])

    me = idp.get_user(AccessToken=refreshed["AccessToken"])
    assert me["Username"] == pool["username"]


def test_boto3_user_password_auth_wrong_password(idp, pool):
    with pytest.raises(ClientError) as e:
        idp.initiate_auth(
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": pool["username"], "PASSWORD": "nope-" + pool["password"]},
            ClientId=pool["client_id"],
        )
    assert error_code(e) == "NotAuthorizedException"


def test_forged_access_token_is_rejected(idp, pool):
    result = idp.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": pool["username"], "PASSWORD": pool["password"]},
        ClientId=pool["client_id"],
    )["AuthenticationResult"]
    header, payload, signature = result["AccessToken"].split(".")
    # Flip one character of the signature.
    forged_sig = ("A" if signature[0] != "A" else "B") + signature[1:]
    with pytest.raises(ClientError) as e:
        idp.get_user(AccessToken=f"{header}.{payload}.{forged_sig}")
    assert error_code(e) == "NotAuthorizedException"


def test_revoked_refresh_token_is_rejected(idp, pool):
    result = idp.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": pool["username"], "PASSWORD": pool["password"]},
        ClientId=pool["client_id"],
    )["AuthenticationResult"]
    idp.revoke_token(Token=result["RefreshToken"], ClientId=pool["client_id"])
    with pytest.raises(ClientError) as e:
        idp.initiate_auth(
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]},
            ClientId=pool["client_id"],
        )
    assert error_code(e) == "NotAuthorizedException"


def test_unknown_client_id(idp, pool):
    with pytest.raises(ClientError) as e:
        idp.initiate_auth(
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": pool["username"], "PASSWORD": pool["password"]},
            ClientId="0123456789abcdefghijklmnop",
        )
    assert error_code(e) == "ResourceNotFoundException"


def test_boto3_unsigned_client_also_works(emulator_url, pool):
    """Browser-like callers send no SigV4 at all; the user-facing ops must not need it."""
    from botocore import UNSIGNED
    from botocore.config import Config

    anon = boto3.client("cognito-idp", endpoint_url=emulator_url, region_name=REGION, config=Config(signature_version=UNSIGNED))
    result = anon.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": pool["username"], "PASSWORD": pool["password"]},
        ClientId=pool["client_id"],
    )
    assert result["AuthenticationResult"]["IdToken"]
