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
