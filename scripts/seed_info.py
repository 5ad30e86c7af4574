#!/usr/bin/env python3
"""Read what the demo needs from an emulator seed file (format: emulator/README.md).

    scripts/seed_info.py SEED config        # {"userPoolId": ..., "clientId": ...} as JSON
    scripts/seed_info.py SEED credentials   # "USERNAME PASSWORD" of the first confirmed user with a password

The demo uses the first pool, its first app client without a secret (a browser cannot keep one) and the
pool's first enabled, confirmed user that has a password."""

import json
import sys
from pathlib import Path


def _load(path):
    seed = json.loads(Path(path).read_text())
    pools = seed.get("pools") or []
    if not pools:
        raise SystemExit(f"{path}: no pools")
    pool = pools[0]
    if not pool.get("id"):
        raise SystemExit(f"{path}: the first pool has no fixed id")
    return pool


def demo_config(path) -> dict:
    pool = _load(path)
    clients = [c for c in pool.get("clients") or [] if c.get("id") and not c.get("secret") and not c.get("generateSecret")]
    if not clients:
        raise SystemExit(f"{path}: the first pool has no app client with a fixed id and no secret")
    return {"userPoolId": pool["id"], "clientId": clients[0]["id"]}


def demo_credentials(path) -> tuple:
    pool = _load(path)
    for user in pool.get("users") or []:
        if user.get("password") and user.get("status", "CONFIRMED") == "CONFIRMED" and user.get("enabled", True):
            return user["username"], user["password"]
    raise SystemExit(f"{path}: the first pool has no confirmed user with a password")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[2] not in ("config", "credentials"):
        raise SystemExit(__doc__)
    if sys.argv[2] == "config":
        print(json.dumps(demo_config(sys.argv[1])))
    else:
        print(*demo_credentials(sys.argv[1]))
