#!/usr/bin/env python3
"""Static server for the hosted sign-in page (Python stdlib only).

Serves www/ at /, the built package pkg/ at /pkg/, the QR-code encoder at /vendor/uqr/ and the page's
/config.json. Every response carries a strict Content-Security-Policy derived from that config: no inline
script or style, 'wasm-unsafe-eval' so the package can compile its .wasm, connect-src limited to this origin
and the Cognito endpoint, frame-ancestors limited to the config's allowedParentOrigins ('none' without any).

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


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def cognito_origin(config: dict) -> str:
    if config.get("endpoint"):
        return origin_of(config["endpoint"])
    region = str(config.get("userPoolId", "")).split("_")[0] or "us-east-1"
    return f"https://cognito-idp.{region}.amazonaws.com"


def parent_origins(config: dict) -> list:
    # Only well-formed origins reach the header: anything else would widen or break the policy.
    origins = []
    for value in config.get("allowedParentOrigins") or []:
        parts = urlsplit(str(value))
        if parts.scheme in ("http", "https") and parts.netloc and origin_of(value) == str(value).rstrip("/"):
            origins.append(origin_of(value))
    return origins


def content_security_policy(config: dict) -> str:
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

    def common_headers(self, content_type: str, length: int, config: dict):
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        self.send_header("Content-Security-Policy", content_security_policy(config))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if not parent_origins(config):
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
    # Relative entries are resolved against the page, so the allow-list holds whatever port is used.
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
