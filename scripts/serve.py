#!/usr/bin/env python3
"""Static server for the hosted sign-in page (Python stdlib only).

Serves www/ at /, the built package pkg/ at /pkg/, the QR-code encoder at /vendor/uqr/ and the page's
/config.json. Every response carries a strict Content-Security-Policy derived from that config: no inline
script or style, 'wasm-unsafe-eval' so the package can compile its .wasm, connect-src limited to this origin
and the Cognito endpoint, frame-ancestors limited to the config's allowedParentOrigins ('none' without any). A config whose
userPoolId, endpoint or allowedParentOrigins could not go into that policy as they are (not a pool id, not an
origin, a wildcard) is refused: every request then gets a 500 and a policy that allows nothing.

    scripts/serve.py --config FILE [--seed SEED --emulator URL] [--port 8080]
    scripts/serve.py --emulator URL --seed SEED            # config generated from the seed, in memory
    scripts/serve.py --emulator URL --pool-id ID --client-id ID
    scripts/serve.py --root DIR --config FILE              # any static folder (e.g. a built app) under the CSP

--config FILE is read on every request, so editing it needs no restart; with --seed as well, the file is
(re)written from the seed first. Prints 'serving on http://127.0.0.1:PORT' once it accepts connections
(--port 0 picks a free port).
"""

import argparse
import json
import re
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from seed_info import demo_config  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

MIME_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".wasm": "application/wasm",
    ".map": "application/json",
    ".ts": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}


# The same pattern as the core's pool-id check (src/srp/mod.rs, pool_name): region, '_', pool name.
POOL_ID = re.compile(r"[A-Za-z0-9-]+_[A-Za-z0-9]+")
# An origin as a CSP source: scheme://host[:port], nothing else. Host: a DNS name, an IPv4 address or a
# bracketed IPv6 address; no wildcard, user info, path, quote, semicolon or space can get into the policy.
ORIGIN = re.compile(r"https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


class ConfigError(ValueError):
    """A config.json value that cannot go into the Content-Security-Policy."""


def checked_origin(value, what: str, path_allowed: bool = False) -> str:
    """`value`'s origin, when `value` is an origin (or, with `path_allowed`, an origin and a path)."""
    text = str(value)
    try:
        parts = urlsplit(text)
    except ValueError:
        raise ConfigError(f"{what} {json.dumps(text)} is not a URL") from None
    origin = f"{parts.scheme}://{parts.netloc}"
    rest = text[len(origin):]
    if not ORIGIN.fullmatch(origin) or not (rest in ("", "/") or (path_allowed and rest.startswith("/"))):
        raise ConfigError(f"{what} {json.dumps(text)} is not an origin (scheme://host[:port])")
    if path_allowed and any(c.isspace() or c in ";,'\"" for c in rest):
        raise ConfigError(f"{what} {json.dumps(text)} has characters a URL path does not")
    return origin


def cognito_origin(config: dict) -> str:
    if config.get("endpoint"):
        return checked_origin(config["endpoint"], "endpoint", path_allowed=True)
    return f"https://cognito-idp.{str(config['userPoolId']).split('_')[0]}.amazonaws.com"


def parent_origins(config: dict) -> list:
    return [checked_origin(value, "allowedParentOrigins entry") for value in config.get("allowedParentOrigins") or []]


def check_config(config: dict):
    """Raises ConfigError unless every value the CSP is built from is well-formed."""
    pool_id = config.get("userPoolId")
    if not isinstance(pool_id, str) or len(pool_id) > 55 or not POOL_ID.fullmatch(pool_id):
        raise ConfigError(f"userPoolId {json.dumps(pool_id)} is not a user pool id (region_name)")
    if not isinstance(config.get("allowedParentOrigins") or [], list):
        raise ConfigError("allowedParentOrigins must be a list of origins")
    cognito_origin(config)
    parent_origins(config)


def content_security_policy(config: dict) -> str:
    """The page's policy; `config` must have passed check_config."""
    ancestors = " ".join(parent_origins(config)) or "'none'"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval'",
            f"connect-src 'self' {cognito_origin(config)}",
            "style-src 'self'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
        ]
    )


# What a refused config gets: nothing loads, nothing frames it.
REFUSED_POLICY = "default-src 'none'; frame-ancestors 'none'"


class Handler(BaseHTTPRequestHandler):
    server_version = "cognito-wasm-demo"
    sys_version = ""
    config_file: Path | None = None
    fixed_config: dict = {}
    root: Path = ROOT / "www"
    quiet = False

    def log_message(self, fmt, *args):
        if not self.quiet:
            sys.stderr.write("serve.py: %s %s\n" % (self.address_string(), fmt % args))

    def config(self) -> dict:
        if self.config_file is None:
            return self.fixed_config
        try:
            return json.loads(self.config_file.read_text())
        except (OSError, ValueError):
            return {}

    def common_headers(self, content_type: str, length: int, config: dict | None):
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        self.send_header("Content-Security-Policy", content_security_policy(config) if config else REFUSED_POLICY)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if not config or not parent_origins(config):
            # Not embeddable: say so to old browsers too, and cut any cross-origin opener off.
            self.send_header("X-Frame-Options", "DENY")
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("Cache-Control", "no-store")

    def resolve(self, url_path: str):
        path = unquote(urlsplit(url_path).path)
        if path.endswith("/"):
            path += "index.html"
        mounts = [("/pkg/", ROOT / "pkg"), ("/vendor/uqr/", ROOT / "node_modules" / "uqr" / "dist")]
        base, rel = self.root, path.lstrip("/")
        for prefix, folder in mounts:
            if path.startswith(prefix):
                base, rel = folder, path[len(prefix):]
                break
        target = (base / rel).resolve()
        if base.resolve() not in target.parents or not target.is_file():
            return None
        return target

    def send_body(self, status, content_type, body: bytes, head_only: bool, config: dict):
        self.send_response(status)
        self.common_headers(content_type, len(body), config)
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def serve(self, head_only: bool):
        config = self.config()
        try:
            check_config(config)
        except ConfigError as error:
            # Served as it is, such a config would loosen the policy (or inject into it): refuse everything.
            sys.stderr.write(f"serve.py: config.json refused: {error}\n")
            body = f"config.json refused: {error}\n".encode()
            return self.send_body(HTTPStatus.INTERNAL_SERVER_ERROR, MIME_TYPES[".txt"], body, head_only, None)
        if urlsplit(self.path).path == "/config.json":
            body = json.dumps(config, indent=2).encode() + b"\n"
            return self.send_body(HTTPStatus.OK, MIME_TYPES[".json"], body, head_only, config)
        target = self.resolve(self.path)
        if target is None:
            return self.send_body(HTTPStatus.NOT_FOUND, MIME_TYPES[".txt"], b"not found\n", head_only, config)
        mime = MIME_TYPES.get(target.suffix, "application/octet-stream")
        self.send_body(HTTPStatus.OK, mime, target.read_bytes(), head_only, config)

    def do_GET(self):
        self.serve(head_only=False)

    def do_HEAD(self):
        self.serve(head_only=True)


def seeded_config(args) -> dict:
    """The page's config for the seed's first pool and public client, talking to the emulator."""
    config = demo_config(args.seed) if args.seed else {}
    if args.pool_id:
        config["userPoolId"] = args.pool_id
    if args.client_id:
        config["clientId"] = args.client_id
    if args.emulator:
        config["endpoint"] = args.emulator if args.emulator.endswith("/") else args.emulator + "/"
    # Relative entries are resolved against the origin root, so the allow-list holds whatever port is used.
    config["allowedRedirectUris"] = ["/app-demo.html"]
    config["allowedParentOrigins"] = []
    config["branding"] = {"name": "cognito-wasm demo"}
    return config


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--config", type=Path, help="the page's config.json, read on every request")
    ap.add_argument("--root", type=Path, default=ROOT / "www", help="folder served at / (default www/)")
    ap.add_argument("--emulator", help="Cognito endpoint the page talks to, e.g. http://127.0.0.1:9229/")
    ap.add_argument("--seed", type=Path, help="emulator seed file to take the pool id and client id from")
    ap.add_argument("--pool-id")
    ap.add_argument("--client-id")
    ap.add_argument("--quiet", action="store_true", help="no request log")
    args = ap.parse_args()

    generate = bool(args.seed or args.pool_id or args.client_id)
    if generate:
        config = seeded_config(args)
        if not config.get("userPoolId") or not config.get("clientId"):
            ap.error("need --seed, or --pool-id and --client-id")
        try:
            check_config(config)
        except ConfigError as error:
            ap.error(str(error))
        if args.config:
            args.config.parent.mkdir(parents=True, exist_ok=True)
            args.config.write_text(json.dumps(config, indent=2) + "\n")
        Handler.fixed_config = config
    elif not args.config:
        ap.error("need --config FILE, or --seed / --pool-id and --client-id to generate one")
    Handler.config_file = args.config
    Handler.root = args.root.resolve()
    Handler.quiet = args.quiet
    ThreadingHTTPServer.daemon_threads = True
    httpd = ThreadingHTTPServer((args.host, args.port), Handler)
    host, port = httpd.server_address[:2]
    print(f"serving on http://{host}:{port}/", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()


if __name__ == "__main__":
    main()
