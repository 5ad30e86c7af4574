"""boto3 sets up the OAuth 2.0 side of a pool as users set up real Cognito — resource server, domain, OIDC
identity provider, app clients with OAuth settings — and sees Cognito's modelled errors; then a plain HTTP
client gets a machine-to-machine token with client_credentials, which PyJWT verifies against the JWKS."""

import base64
import json
import urllib.error
import urllib.parse
import urllib.request

import jwt
import pytest
from botocore.exceptions import ClientError

REGION = "us-east-1"


def token_request(emulator_url: str, form: dict, basic: tuple | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if basic:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
    request = urllib.request.Request(
        f"{emulator_url}/oauth2/token", data=urllib.parse.urlencode(form).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


@pytest.fixture(scope="module")
def oauth_pool(idp):
    pool_id = idp.create_user_pool(PoolName="oauth-setup")["UserPool"]["Id"]
    return pool_id


def test_boto3_creates_resource_server_domain_provider_and_clients(idp, oauth_pool):
    server = idp.create_resource_server(
        UserPoolId=oauth_pool,
        Identifier="https://api.example",
        Name="api",
        Scopes=[{"ScopeName": "read", "ScopeDescription": "Read things"}],
    )["ResourceServer"]
    assert server["Scopes"] == [{"ScopeName": "read", "ScopeDescription": "Read things"}]

    idp.create_user_pool_domain(UserPoolId=oauth_pool, Domain="boto3-oauth")
    domain = idp.describe_user_pool_domain(Domain="boto3-oauth")["DomainDescription"]
    assert (domain["UserPoolId"], domain["Status"]) == (oauth_pool, "ACTIVE")

    provider = idp.create_identity_provider(
        UserPoolId=oauth_pool,
        ProviderName="TestIdP",
        ProviderType="OIDC",
        ProviderDetails={
            "client_id": "relying-party",
            "client_secret": "shh",
            "authorize_scopes": "openid email",
            "oidc_issuer": "https://idp.example",
            "attributes_request_method": "GET",
        },
        AttributeMapping={"email": "email", "name": "name"},
    )["IdentityProvider"]
    assert provider["AttributeMapping"] == {"email": "email", "name": "name"}
    assert idp.describe_identity_provider(UserPoolId=oauth_pool, ProviderName="TestIdP")["IdentityProvider"][
        "ProviderDetails"
    ]["oidc_issuer"] == "https://idp.example"
    listed = idp.list_identity_providers(UserPoolId=oauth_pool)["Providers"]
    assert [(p["ProviderName"], p["ProviderType"]) for p in listed] == [("TestIdP", "OIDC")]
    with pytest.raises(ClientError) as error:
        idp.create_identity_provider(
            UserPoolId=oauth_pool, ProviderName="TestIdP", ProviderType="OIDC", ProviderDetails=provider["ProviderDetails"]
        )
    assert error.value.response["Error"]["Code"] == "DuplicateProviderException"

    client = idp.create_user_pool_client(
        UserPoolId=oauth_pool,
        ClientName="web",
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email", "https://api.example/read"],
        CallbackURLs=["https://app.example/callback", "http://localhost:3000/callback"],
        LogoutURLs=["https://app.example/"],
        DefaultRedirectURI="https://app.example/callback",
        SupportedIdentityProviders=["COGNITO", "TestIdP"],
    )["UserPoolClient"]
    described = idp.describe_user_pool_client(UserPoolId=oauth_pool, ClientId=client["ClientId"])["UserPoolClient"]
    for member in ["AllowedOAuthFlows", "AllowedOAuthScopes", "CallbackURLs", "LogoutURLs", "SupportedIdentityProviders"]:
        assert described[member] == client[member]
    assert described["AllowedOAuthFlowsUserPoolClient"] is True

    for kwargs, code in [
        ({"AllowedOAuthFlows": ["client_credentials"], "AllowedOAuthScopes": ["https://api.example/read"]}, "InvalidOAuthFlowException"),
        ({"AllowedOAuthScopes": ["https://api.example/write"]}, "ScopeDoesNotExistException"),
        ({"CallbackURLs": ["http://app.example/callback"]}, "InvalidParameterException"),
    ]:
        with pytest.raises(ClientError) as error:
            idp.create_user_pool_client(UserPoolId=oauth_pool, ClientName="refused", **kwargs)
        assert error.value.response["Error"]["Code"] == code, kwargs


def test_client_credentials_by_plain_http(idp, oauth_pool, emulator_url):
    idp.create_resource_server(
        UserPoolId=oauth_pool,
        Identifier="orders",
        Name="orders",
        Scopes=[{"ScopeName": "read", "ScopeDescription": "r"}, {"ScopeName": "write", "ScopeDescription": "w"}],
    )
    client = idp.create_user_pool_client(
        UserPoolId=oauth_pool,
        ClientName="machine",
        GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["orders/read", "orders/write"],
    )["UserPoolClient"]
    client_id, secret = client["ClientId"], client["ClientSecret"]

    status, body = token_request(emulator_url, {"grant_type": "client_credentials", "scope": "orders/read"}, (client_id, secret))
    assert status == 200, body
    assert body["token_type"] == "Bearer" and "id_token" not in body and "refresh_token" not in body
    key = jwt.PyJWKClient(f"{emulator_url}/{oauth_pool}/.well-known/jwks.json").get_signing_key_from_jwt(body["access_token"])
    claims = jwt.decode(
        body["access_token"], key.key, algorithms=["RS256"], issuer=f"https://cognito-idp.{REGION}.amazonaws.com/{oauth_pool}"
    )
    assert (claims["scope"], claims["client_id"], claims["token_use"]) == ("orders/read", client_id, "access")

    status, body = token_request(emulator_url, {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})
    assert status == 200
    assert jwt.decode(body["access_token"], options={"verify_signature": False})["scope"] == "orders/read orders/write"

    assert token_request(emulator_url, {"grant_type": "client_credentials"}, (client_id, "wrong")) == (400, {"error": "invalid_client"})
    assert token_request(emulator_url, {"grant_type": "client_credentials", "scope": "orders/delete"}, (client_id, secret)) == (
        400,
        {"error": "invalid_scope"},
    )
