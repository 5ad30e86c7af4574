"""Third-party check (issue 3): boto3's GetTokensFromRefreshToken with the raw ClientSecret, and refresh-token
rotation configured through CreateUserPoolClient's RefreshTokenRotation."""

import time

import pytest
from botocore.exceptions import ClientError


def error_code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


def test_boto3_get_tokens_from_refresh_token_with_rotation(idp, account_pool):
    pool_id = account_pool["pool_id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="rotating",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 1},
    )["UserPoolClient"]
    assert client["RefreshTokenRotation"] == {"Feature": "ENABLED", "RetryGracePeriodSeconds": 1}
    client_id, secret = client["ClientId"], client["ClientSecret"]
    idp.admin_create_user(UserPoolId=pool_id, Username="rota", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="rota", Password="Rota-Passw0rd!", Permanent=True)

    from pycognito.aws_srp import AWSSRP

    first = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": "rota",
            "PASSWORD": "Rota-Passw0rd!",
            "SECRET_HASH": AWSSRP.get_secret_hash("rota", client_id, secret),
        },
    )["AuthenticationResult"]
    with pytest.raises(ClientError) as e:
        idp.get_tokens_from_refresh_token(RefreshToken=first["RefreshToken"], ClientId=client_id)
    assert error_code(e) == "NotAuthorizedException"

    second = idp.get_tokens_from_refresh_token(
        RefreshToken=first["RefreshToken"], ClientId=client_id, ClientSecret=secret
    )["AuthenticationResult"]
    assert second["AccessToken"] and second["IdToken"]
    assert second["RefreshToken"] != first["RefreshToken"]

    time.sleep(2.1)  # past RetryGracePeriodSeconds
    with pytest.raises(ClientError) as e:
        idp.get_tokens_from_refresh_token(RefreshToken=first["RefreshToken"], ClientId=client_id, ClientSecret=secret)
    assert error_code(e) == "RefreshTokenReuseException"
    third = idp.get_tokens_from_refresh_token(
        RefreshToken=second["RefreshToken"], ClientId=client_id, ClientSecret=secret
    )["AuthenticationResult"]
    assert third["RefreshToken"] not in (first["RefreshToken"], second["RefreshToken"])


def test_boto3_get_tokens_from_refresh_token_public_client(idp, pool):
    first = idp.initiate_auth(
        ClientId=pool["client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": pool["username"], "PASSWORD": pool["password"]},
    )["AuthenticationResult"]
    again = idp.get_tokens_from_refresh_token(RefreshToken=first["RefreshToken"], ClientId=pool["client_id"])
    assert again["AuthenticationResult"]["AccessToken"]
    assert "RefreshToken" not in again["AuthenticationResult"]
