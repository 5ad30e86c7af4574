"""Fixtures: a fresh cognito-emulator process per test session, a boto3 client pointed at it, and a pool
(two app clients, one with a secret, and one confirmed user) created through the ordinary admin API."""

import os
import queue
import secrets
import subprocess
import threading
import time
from pathlib import Path

import boto3
import pytest

ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"


def emulator_bin() -> str:
    path = os.environ.get("COGNITO_EMULATOR_BIN") or str(ROOT / "target" / "debug" / "cognito-emulator")
    if not os.access(path, os.X_OK):
        pytest.exit(f"{path} is not built (run `make emulator`)", returncode=2)
    return path


@pytest.fixture(scope="session")
def emulator_url():
    """Start the emulator on 127.0.0.1 with a free port; yield 'http://127.0.0.1:PORT'; kill it at the end."""
    proc = subprocess.Popen(
        [emulator_bin(), "--host", "127.0.0.1", "--port", "0", "--region", REGION],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: "queue.Queue[str | None]" = queue.Queue()
    log: list[str] = []

    def pump():
        for line in proc.stdout:
            log.append(line)
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    url = None
    deadline = time.monotonic() + 30
    try:
        while url is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RuntimeError("emulator printed no 'listening' line within 30 s:\n" + "".join(log))
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise RuntimeError(f"emulator exited ({proc.wait()}):\n" + "".join(log))
            prefix = "cognito-emulator listening on "
            if line.startswith(prefix):
                url = line[len(prefix):].split()[0].rstrip("/")
        yield url
    finally:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def idp(emulator_url):
    """A plain boto3 cognito-idp client (SigV4 with dummy credentials, which the emulator accepts)."""
    return boto3.client(
        "cognito-idp",
        endpoint_url=emulator_url,
        region_name=REGION,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    )


AUTH_FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


@pytest.fixture(scope="session")
def pool(idp):
    """Pool + public client + secret client + confirmed user, created the way users seed real Cognito."""
    pool_id = idp.create_user_pool(PoolName="third-party-checks")["UserPool"]["Id"]
    public = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="public", GenerateSecret=False, ExplicitAuthFlows=AUTH_FLOWS
    )["UserPoolClient"]
    confidential = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="confidential", GenerateSecret=True, ExplicitAuthFlows=AUTH_FLOWS
    )["UserPoolClient"]
    username = "alice"
    password = "Corr3ct-Horse-" + secrets.token_hex(4)
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        UserAttributes=[
            {"Name": "email", "Value": "alice@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
        MessageAction="SUPPRESS",
    )
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=password, Permanent=True)
    return {
        "pool_id": pool_id,
        "client_id": public["ClientId"],
        "secret_client_id": confidential["ClientId"],
        "client_secret": confidential["ClientSecret"],
        "username": username,
        "password": password,
    }


# --- dev inbox and account-operation pools (issue 3) --------------------------------------------------------


@pytest.fixture(scope="session")
def read_inbox(emulator_url):
    """read_inbox(pool_id, username) -> the emulator's dev inbox for that user, oldest first."""
    import json
    import urllib.parse
    import urllib.request

    def read(pool_id: str, username: str) -> list:
        query = urllib.parse.urlencode({"userPoolId": pool_id, "username": username})
        with urllib.request.urlopen(f"{emulator_url}/_emulator/inbox?{query}", timeout=10) as r:
            assert r.status == 200
            return json.load(r)

    return read


@pytest.fixture(scope="session")
def last_code(read_inbox):
    """last_code(pool_id, username, purpose) -> the code of the newest message with that purpose."""

    def code(pool_id: str, username: str, purpose: str) -> str:
        messages = [m for m in read_inbox(pool_id, username) if m["purpose"] == purpose]
        assert messages, f"no {purpose} message for {username}"
        return messages[-1]["code"]

    return code


@pytest.fixture(scope="session")
def account_pool(idp):
    """A pool that auto-verifies e-mail, with a public and a secret app client; no users."""
    pool_id = idp.create_user_pool(PoolName="account-ops", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    public = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="public", GenerateSecret=False, ExplicitAuthFlows=AUTH_FLOWS
    )["UserPoolClient"]
    confidential = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="confidential", GenerateSecret=True, ExplicitAuthFlows=AUTH_FLOWS
    )["UserPoolClient"]
    return {
        "pool_id": pool_id,
        "client_id": public["ClientId"],
        "secret_client_id": confidential["ClientId"],
        "client_secret": confidential["ClientSecret"],
    }
