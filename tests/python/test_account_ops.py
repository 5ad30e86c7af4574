"""Third-party checks of the account operations (issue 3): pycognito and boto3 sign up, confirm with the code
from the emulator's dev inbox, reset and change passwords, change and verify attributes, sign out everywhere
and delete the account."""

import pytest
from botocore.exceptions import ClientError
from pycognito import Cognito


class _Session:
    def __init__(self, client):
        self._client = client

    def client(self, service_name, **_kwargs):
        assert service_name == "cognito-idp"
        return self._client


def pool_jwks(emulator_url, pool_id):
    import json
    import urllib.request

    with urllib.request.urlopen(f"{emulator_url}/{pool_id}/.well-known/jwks.json", timeout=10) as r:
        return json.load(r)


def error_code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


def attributes(user_response) -> dict:
    return {a["Name"]: a["Value"] for a in user_response["UserAttributes"]}


def secret_user(idp, account_pool, username, emulator_url):
    user = Cognito(
        account_pool["pool_id"],
        account_pool["secret_client_id"],
        client_secret=account_pool["client_secret"],
        username=username,
        session=_Session(idp),
    )
    user.pool_jwk = pool_jwks(emulator_url, account_pool["pool_id"])  # pycognito verifies the tokens with it
    return user


def test_pycognito_register_confirm_forgot_change(idp, account_pool, last_code, read_inbox, emulator_url):
    pool_id = account_pool["pool_id"]
    user = secret_user(idp, account_pool, "pat", emulator_url)
    user.set_base_attributes(email="pat@example.com", name="Pat")
    reply = user.register("pat", "Pat-Passw0rd!")  # SignUp with SecretHash
    assert reply["UserConfirmed"] is False
    assert reply["CodeDeliveryDetails"] == {
        "Destination": "p***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    assert idp.admin_get_user(UserPoolId=pool_id, Username="pat")["UserStatus"] == "UNCONFIRMED"
    with pytest.raises(ClientError) as e:
        user.authenticate(password="Pat-Passw0rd!")
    assert error_code(e) == "UserNotConfirmedException"

    with pytest.raises(ClientError) as e:
        user.confirm_sign_up("000000" if last_code(pool_id, "pat", "SignUp") != "000000" else "111111")
    assert error_code(e) == "CodeMismatchException"
    user.resend_confirmation_code("pat")
    user.confirm_sign_up(last_code(pool_id, "pat", "ResendConfirmationCode"))
    assert idp.admin_get_user(UserPoolId=pool_id, Username="pat")["UserStatus"] == "CONFIRMED"
    assert [m["purpose"] for m in read_inbox(pool_id, "pat")] == ["SignUp", "ResendConfirmationCode"]

    user.authenticate(password="Pat-Passw0rd!")
    assert user.id_claims["email_verified"] is True

    user.initiate_forgot_password()
    code = last_code(pool_id, "pat", "ForgotPassword")
    with pytest.raises(ClientError) as e:
        user.confirm_forgot_password(code, "weak")
    assert error_code(e) == "InvalidPasswordException"
    user.confirm_forgot_password(code, "Reset-Passw0rd!")
    with pytest.raises(ClientError) as e:
        user.confirm_forgot_password(code, "Again-Passw0rd!")
    assert error_code(e) == "ExpiredCodeException"
    user.authenticate(password="Reset-Passw0rd!")

    with pytest.raises(ClientError) as e:
        user.change_password("Wrong-Passw0rd!", "Changed-Passw0rd!")
    assert error_code(e) == "NotAuthorizedException"
    user.change_password("Reset-Passw0rd!", "Changed-Passw0rd!")
    user.authenticate(password="Changed-Passw0rd!")


def test_pycognito_attributes_verification_sign_out_delete(idp, account_pool, last_code, emulator_url):
    pool_id = account_pool["pool_id"]
    public = account_pool["client_id"]
    idp.sign_up(
        ClientId=public,
        Username="quinn",
        Password="Quinn-Passw0rd!",
        UserAttributes=[{"Name": "email", "Value": "quinn@example.com"}],
        ValidationData=[{"Name": "promo", "Value": "x"}],
        ClientMetadata={"source": "pytest"},
    )
    idp.confirm_sign_up(ClientId=public, Username="quinn", ConfirmationCode=last_code(pool_id, "quinn", "SignUp"))
    user = Cognito(pool_id, public, username="quinn", session=_Session(idp))
    user.pool_jwk = pool_jwks(emulator_url, pool_id)
    user.authenticate(password="Quinn-Passw0rd!")

    reply = idp.update_user_attributes(
        AccessToken=user.access_token,
        UserAttributes=[{"Name": "email", "Value": "quinn@example.org"}, {"Name": "nickname", "Value": "Q"}],
    )
    assert reply["CodeDeliveryDetailsList"][0]["AttributeName"] == "email"
    current = attributes(idp.get_user(AccessToken=user.access_token))
    assert current["email"] == "quinn@example.org"
    assert current["email_verified"] == "false"
    with pytest.raises(ClientError) as e:
        user.validate_verification("000000" if last_code(pool_id, "quinn", "UpdateUserAttributes") != "000000" else "1")
    assert error_code(e) == "CodeMismatchException"
    user.send_verification("email")  # GetUserAttributeVerificationCode
    user.validate_verification(last_code(pool_id, "quinn", "GetUserAttributeVerificationCode"))
    assert attributes(idp.get_user(AccessToken=user.access_token))["email_verified"] == "true"

    idp.delete_user_attributes(AccessToken=user.access_token, UserAttributeNames=["nickname"])
    assert "nickname" not in attributes(idp.get_user(AccessToken=user.access_token))

    other = Cognito(pool_id, public, username="quinn", session=_Session(idp))
    other.pool_jwk = user.pool_jwk
    other.authenticate(password="Quinn-Passw0rd!")
    user.logout()  # GlobalSignOut
    with pytest.raises(ClientError) as e:
        idp.get_user(AccessToken=other.access_token)
    assert error_code(e) == "NotAuthorizedException"
    with pytest.raises(ClientError) as e:
        idp.initiate_auth(
            ClientId=public, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": other.refresh_token}
        )
    assert error_code(e) == "NotAuthorizedException"

    other.authenticate(password="Quinn-Passw0rd!")
    other.delete_user()
    with pytest.raises(ClientError) as e:
        idp.admin_get_user(UserPoolId=pool_id, Username="quinn")
    assert error_code(e) == "UserNotFoundException"


def test_boto3_admin_reset_user_password(idp, account_pool, last_code):
    pool_id = account_pool["pool_id"]
    public = account_pool["client_id"]
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="rory",
        UserAttributes=[{"Name": "email", "Value": "rory@example.com"}, {"Name": "email_verified", "Value": "true"}],
        MessageAction="SUPPRESS",
    )
    idp.admin_set_user_password(UserPoolId=pool_id, Username="rory", Password="Rory-Passw0rd!", Permanent=True)
    idp.admin_reset_user_password(UserPoolId=pool_id, Username="rory")
    assert idp.admin_get_user(UserPoolId=pool_id, Username="rory")["UserStatus"] == "RESET_REQUIRED"
    with pytest.raises(ClientError) as e:
        idp.initiate_auth(
            ClientId=public,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "rory", "PASSWORD": "Rory-Passw0rd!"},
        )
    assert error_code(e) == "PasswordResetRequiredException"
    idp.confirm_forgot_password(
        ClientId=public,
        Username="rory",
        ConfirmationCode=last_code(pool_id, "rory", "AdminResetUserPassword"),
        Password="Rory-New-Passw0rd!",
    )
    tokens = idp.initiate_auth(
        ClientId=public,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "rory", "PASSWORD": "Rory-New-Passw0rd!"},
    )["AuthenticationResult"]
    assert tokens["AccessToken"]
