"""Passkeys against the emulator, checked by WebAuthn code no one here wrote.

A software authenticator is assembled from python-fido2's WebAuthn data classes (AttestedCredentialData,
AuthenticatorData, AttestationObject, CollectedClientData, COSE keys from `cryptography` keys). boto3 drives
the Cognito operations. Every object the emulator accepts or refuses is also given to two independent
relying-party implementations, python-fido2's Fido2Server and py_webauthn's verify_* functions, and they
must come to the same verdict; the emulator's options must parse as python-fido2's option types.
"""

import json
import secrets

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from fido2 import cose
from fido2.server import Fido2Server
from fido2.utils import sha256, websafe_decode, websafe_encode
from fido2.webauthn import (
    AttestationObject,
    AttestedCredentialData,
    AuthenticatorData,
    CollectedClientData,
    PublicKeyCredentialCreationOptions,
    PublicKeyCredentialRequestOptions,
    PublicKeyCredentialRpEntity,
)
from webauthn import verify_authentication_response, verify_registration_response

from conftest import REGION  # noqa: F401  (the emulator fixtures live there)

RP_ID = "localhost"
ORIGIN = "http://localhost:8080"
PASSWORD = "Passkey-Passw0rd!"


class SoftAuthenticator:
    """One credential; `origin`, `rp_id`, `user_verified` and `counter` are what a test may get wrong."""

    def __init__(self, alg="ES256", packed=False):
        self.alg = alg
        self.packed = packed
        if alg == "ES256":
            self.key = ec.generate_private_key(ec.SECP256R1())
            self.cose = cose.ES256.from_cryptography_key(self.key.public_key())
        else:
            self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self.cose = cose.RS256.from_cryptography_key(self.key.public_key())
        self.credential_id = secrets.token_bytes(32)
        self.counter = 0
        self.user_verified = True
        self.origin = ORIGIN
        self.rp_id = RP_ID

    def sign(self, message):
        if self.alg == "ES256":
            return self.key.sign(message, ec.ECDSA(hashes.SHA256()))
        return self.key.sign(message, padding.PKCS1v15(), hashes.SHA256())

    def flags(self, attested):
        flags = AuthenticatorData.FLAG.UP
        if self.user_verified:
            flags |= AuthenticatorData.FLAG.UV
        if attested:
            flags |= AuthenticatorData.FLAG.AT
        return flags

    def client_data(self, kind, challenge_b64):
        return CollectedClientData.create(kind, websafe_decode(challenge_b64), self.origin)

    def create(self, options):
        client_data = self.client_data(CollectedClientData.TYPE.CREATE, options["challenge"])
        credential_data = AttestedCredentialData.create(b"\0" * 16, self.credential_id, self.cose)
        auth_data = AuthenticatorData.create(
            sha256(self.rp_id.encode()), self.flags(True), self.counter, credential_data
        )
        if self.packed:
            statement = {"alg": self.cose.ALGORITHM, "sig": self.sign(auth_data + client_data.hash)}
            attestation = AttestationObject.create("packed", auth_data, statement)
        else:
            attestation = AttestationObject.create("none", auth_data, {})
        return self.public_key_credential({
            "clientDataJSON": websafe_encode(bytes(client_data)),
            "attestationObject": websafe_encode(bytes(attestation)),
            "transports": ["internal"],
        })

    def public_key_credential(self, response):
        """A PublicKeyCredential's JSON around its `response`."""
        return {
            "id": websafe_encode(self.credential_id),
            "rawId": websafe_encode(self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": response,
        }

    def get(self, options, user_handle):
        if self.counter:
            self.counter += 1
        client_data = self.client_data(CollectedClientData.TYPE.GET, options["challenge"])
        auth_data = AuthenticatorData.create(
            sha256(self.rp_id.encode()), self.flags(False), self.counter
        )
        return self.public_key_credential({
            "clientDataJSON": websafe_encode(bytes(client_data)),
            "authenticatorData": websafe_encode(bytes(auth_data)),
            "signature": websafe_encode(self.sign(bytes(auth_data) + client_data.hash)),
            "userHandle": user_handle,
        })


def fido2_server(user_verification):
    return Fido2Server(
        PublicKeyCredentialRpEntity(name="oracle", id=RP_ID),
        verify_origin=lambda origin: origin == ORIGIN,
    ), {"user_verification": user_verification}


def oracles_accept_registration(options, credential, user_verification):
    """Whether python-fido2 and py_webauthn (both) accept a registration for these options."""
    challenge = websafe_decode(options["challenge"])
    server, state = fido2_server(user_verification)
    state["challenge"] = options["challenge"]
    verdicts = []
    try:
        server.register_complete(state, credential)
        verdicts.append(True)
    except Exception:  # noqa: BLE001 — any refusal is a "no"
        verdicts.append(False)
    try:
        verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=RP_ID,
            expected_origin=ORIGIN,
            require_user_verification=user_verification == "required",
        )
        verdicts.append(True)
    except Exception:  # noqa: BLE001
        verdicts.append(False)
    assert verdicts[0] == verdicts[1], f"the two oracles disagree: fido2 {verdicts[0]}, py_webauthn {verdicts[1]}"
    return verdicts[0]


@pytest.fixture()
def world(idp):
    """A pool allowing passkeys for relying party localhost, a USER_AUTH client, a signed-in user."""

    def make(user_verification="preferred"):
        pool = idp.create_user_pool(
            PoolName="passkeys",
            Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}},
        )["UserPool"]["Id"]
        idp.set_user_pool_mfa_config(
            UserPoolId=pool,
            MfaConfiguration="OFF",
            WebAuthnConfiguration={"RelyingPartyId": RP_ID, "UserVerification": user_verification},
        )
        client = idp.create_user_pool_client(
            UserPoolId=pool,
            ClientName="web",
            ExplicitAuthFlows=["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        idp.admin_create_user(UserPoolId=pool, Username="pat", MessageAction="SUPPRESS")
        idp.admin_set_user_password(UserPoolId=pool, Username="pat", Password=PASSWORD, Permanent=True)
        tokens = idp.initiate_auth(
            AuthFlow="USER_PASSWORD_AUTH",
            ClientId=client,
            AuthParameters={"USERNAME": "pat", "PASSWORD": PASSWORD},
        )["AuthenticationResult"]
        sub = next(a["Value"] for a in idp.get_user(AccessToken=tokens["AccessToken"])["UserAttributes"]
                   if a["Name"] == "sub")
        return {"pool": pool, "client": client, "token": tokens["AccessToken"],
                "user_handle": websafe_encode(sub.encode()), "uv": user_verification}

    return make


def start(idp, w):
    options = idp.start_web_authn_registration(AccessToken=w["token"])["CredentialCreationOptions"]
    # The emulator's options are what python-fido2's client would take from Cognito.
    parsed = PublicKeyCredentialCreationOptions.from_dict(options)
    assert parsed.rp.id == RP_ID
    assert [p.alg for p in parsed.pub_key_cred_params] == [-7, -257]
    return options


def passkey_sign_in(idp, w, authenticator):
    challenge = idp.initiate_auth(
        AuthFlow="USER_AUTH",
        ClientId=w["client"],
        AuthParameters={"USERNAME": "pat", "PREFERRED_CHALLENGE": "WEB_AUTHN"},
    )
    assert challenge["ChallengeName"] == "WEB_AUTHN"
    options = json.loads(challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    parsed = PublicKeyCredentialRequestOptions.from_dict(options)
    assert parsed.rp_id == RP_ID
    assert websafe_encode(authenticator.credential_id) in [websafe_encode(c.id) for c in parsed.allow_credentials]
    credential = authenticator.get(options, w["user_handle"])
    return options, credential, lambda: idp.respond_to_auth_challenge(
        ClientId=w["client"],
        ChallengeName="WEB_AUTHN",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "pat", "CREDENTIAL": json.dumps(credential)},
    )


@pytest.mark.parametrize(("alg", "packed"), [("ES256", False), ("ES256", True), ("RS256", False), ("RS256", True)])
def test_registration_and_sign_in_agree_with_fido2_and_py_webauthn(idp, world, alg, packed):
    w = world()
    authenticator = SoftAuthenticator(alg, packed)
    options = start(idp, w)
    credential = authenticator.create(options)
    assert oracles_accept_registration(options, credential, w["uv"])
    idp.complete_web_authn_registration(AccessToken=w["token"], Credential=credential)
    listed = idp.list_web_authn_credentials(AccessToken=w["token"])["Credentials"]
    assert [c["CredentialId"] for c in listed] == [websafe_encode(authenticator.credential_id)]
    assert listed[0]["RelyingPartyId"] == RP_ID

    # The oracle's own record of the credential verifies the very assertion the emulator accepts.
    public_key = verify_registration_response(
        credential=credential, expected_challenge=websafe_decode(options["challenge"]),
        expected_rp_id=RP_ID, expected_origin=ORIGIN,
    ).credential_public_key
    request_options, assertion, answer = passkey_sign_in(idp, w, authenticator)
    verify_authentication_response(
        credential=assertion, expected_challenge=websafe_decode(request_options["challenge"]),
        expected_rp_id=RP_ID, expected_origin=ORIGIN, credential_public_key=public_key,
        credential_current_sign_count=0,
    )
    server, _ = fido2_server(w["uv"])
    registered = AttestationObject(websafe_decode(credential["response"]["attestationObject"])).auth_data.credential_data
    server.authenticate_complete(
        {"challenge": request_options["challenge"], "user_verification": w["uv"]}, [registered], assertion
    )
    result = answer()["AuthenticationResult"]
    assert result["IdToken"] and result["AccessToken"]

    idp.delete_web_authn_credential(AccessToken=w["token"], CredentialId=listed[0]["CredentialId"])
    assert idp.list_web_authn_credentials(AccessToken=w["token"])["Credentials"] == []


@pytest.mark.parametrize(
    ("spoil", "error"),
    [
        (lambda a: setattr(a, "origin", "https://evil.example"), "WebAuthnOriginNotAllowedException"),
        (lambda a: setattr(a, "rp_id", "example.com"), "WebAuthnRelyingPartyMismatchException"),
        (lambda a: setattr(a, "user_verified", False), "WebAuthnCredentialNotSupportedException"),
    ],
    ids=["wrong-origin", "wrong-rp-id", "no-user-verification"],
)
def test_refused_registrations_are_refused_by_the_oracles_too(idp, world, spoil, error):
    w = world("required")
    authenticator = SoftAuthenticator()
    spoil(authenticator)
    options = start(idp, w)
    credential = authenticator.create(options)
    assert not oracles_accept_registration(options, credential, "required")
    with pytest.raises(ClientError) as refused:
        idp.complete_web_authn_registration(AccessToken=w["token"], Credential=credential)
    assert refused.value.response["Error"]["Code"] == error


def test_refused_sign_ins_are_refused_by_the_oracles_too(idp, world):
    w = world("required")
    authenticator = SoftAuthenticator("ES256", packed=True)
    authenticator.counter = 7
    options = start(idp, w)
    credential = authenticator.create(options)
    idp.complete_web_authn_registration(AccessToken=w["token"], Credential=credential)
    public_key = verify_registration_response(
        credential=credential, expected_challenge=websafe_decode(options["challenge"]),
        expected_rp_id=RP_ID, expected_origin=ORIGIN,
    ).credential_public_key
    _, _, answer = passkey_sign_in(idp, w, authenticator)  # counter 8
    answer()

    def refused_everywhere(spoil, stored_count):
        spoil(authenticator)
        request_options, assertion, answer = passkey_sign_in(idp, w, authenticator)
        with pytest.raises(Exception):
            verify_authentication_response(
                credential=assertion, expected_challenge=websafe_decode(request_options["challenge"]),
                expected_rp_id=RP_ID, expected_origin=ORIGIN, credential_public_key=public_key,
                credential_current_sign_count=stored_count, require_user_verification=True,
            )
        with pytest.raises(ClientError) as refused:
            answer()
        assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"

    def clone(a):
        a.counter = 7  # the next assertion says 8 again

    def other_origin(a):
        a.counter, a.origin = 20, "https://evil.example"

    def other_rp(a):
        a.origin, a.rp_id = ORIGIN, "example.com"

    def no_uv(a):
        a.rp_id, a.user_verified = RP_ID, False

    refused_everywhere(clone, 8)
    refused_everywhere(other_origin, 8)
    refused_everywhere(other_rp, 8)
    refused_everywhere(no_uv, 8)
