#!/usr/bin/env python3
"""Static server for the demo page (Python stdlib only).

Serves www/ at /, the built package pkg/ at /pkg/, and a generated /config.json telling the page which
user pool, app client and endpoint to use. Every response carries a strict Content-Security-Policy (no
inline script or style; 'wasm-unsafe-eval' so the package can compile its .wasm; connect-src limited to
this origin and the emulator).

    scripts/serve.py --emulator http://127.0.0.1:9229/ --seed emulator/seed/demo.json [--port 8080]
    scripts/serve.py --emulator URL --pool-id ID --client-id ID

Prints 'serving on http://127.0.0.1:PORT' once it accepts connections (--port 0 picks a free port).
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


def content_security_policy(emulator: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval'",
            f"connect-src 'self' {origin_of(emulator)}",
            "style-src 'self'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class Handler(BaseHTTPRequestHandler):
    server_version = "cognito-wasm-demo"
    sys_version = ""
    config: bytes = b"{}"
    csp: str = ""
    quiet = False

    def log_message(self, fmt, *args):
        if not self.quiet:
            sys.stderr.write("serve.py: %s %s\n" % (self.address_string(), fmt % args))

    def common_headers(self, content_type: str, length: int):
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        self.send_header("Content-Security-Policy", self.csp)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("Cache-Control", "no-store")

    def resolve(self, url_path: str):
        path = unquote(urlsplit(url_path).path)
        if path == "/":
            path = "/index.html"
        if path.startswith("/pkg/"):
            base, rel = ROOT / "pkg", path[len("/pkg/"):]
        else:
            base, rel = ROOT / "www", path.lstrip("/")
        target = (base / rel).resolve()
        if base.resolve() not in target.parents or not target.is_file():
            return None
        return target

    def send_body(self, status, content_type, body: bytes, head_only: bool):
        self.send_response(status)
        self.common_headers(content_type, len(body))
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def serve(self, head_only: bool):
        if urlsplit(self.path).path == "/config.json":
            return self.send_body(HTTPStatus.OK, MIME_TYPES[".json"], self.config, head_only)
        target = self.resolve(self.path)
        if target is None:
            return self.send_body(HTTPStatus.NOT_FOUND, MIME_TYPES[".txt"], b"not found\n", head_only)
        mime = MIME_TYPES.get(target.suffix, "application/octet-stream")
        self.send_body(HTTPStatus.OK, mime, target.read_bytes(), head_only)

    def do_GET(self):
        self.serve(head_only=False)

    def do_HEAD(self):
        self.serve(head_only=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--emulator", required=True, help="Cognito endpoint the page talks to, e.g. http://127.0.0.1:9229/")
    ap.add_argument("--seed", type=Path, help="emulator seed file to take the pool id and client id from")
    ap.add_argument("--pool-id")
    ap.add_argument("--client-id")
    ap.add_argument("--quiet", action="store_true", help="no request log")
    args = ap.parse_args()

    config = demo_config(args.seed) if args.seed else {}
    if args.pool_id:
        config["userPoolId"] = args.pool_id
    if args.client_id:
        config["clientId"] = args.client_id
    if not config.get("userPoolId") or not config.get("clientId"):
        ap.error("need --seed, or --pool-id and --client-id")
    endpoint = args.emulator if args.emulator.endswith("/") else args.emulator + "/"
    config["endpoint"] = endpoint

    Handler.config = json.dumps(config, indent=2).encode() + b"\n"
    Handler.csp = content_security_policy(endpoint)
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
