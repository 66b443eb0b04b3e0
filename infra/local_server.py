"""A local stand-in for API Gateway: the SAM API's routes served through the real handlers.

Each HTTP request becomes an API Gateway REST (v1) proxy event, as ``sam local start-api`` builds
it (binary bodies base64-encoded), and goes to the same ``lambda_handler`` that Lambda runs. No AWS,
no Docker. ``GET /`` lists the routes; ``GET /openapi.json`` serves the API description.
"""

from __future__ import annotations

import base64
import json
import logging
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from image_audit.local import ROUTES, LocalContext, available_functions, load_handler, repository_root

logger = logging.getLogger("local_server")

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's own payload limit
TEXT_TYPES = ("application/json", "text/")


def build_rest_event(method: str, target: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    url = urlsplit(target)
    content_type = headers.get("content-type", "")
    is_text = not body or content_type.startswith(TEXT_TYPES) or not content_type
    return {
        "resource": url.path,
        "path": url.path,
        "httpMethod": method,
        "headers": headers,
        "queryStringParameters": dict(parse_qsl(url.query)) or None,
        "requestContext": {"httpMethod": method, "path": url.path, "stage": "local"},
        "body": body.decode("utf-8", "replace") if is_text else base64.b64encode(body).decode(),
        "isBase64Encoded": not is_text,
    }


class LocalApiHandler(BaseHTTPRequestHandler):
    server_version = "image-audit-local/1"

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/":
            self._send_json(200, {"routes": {route: f"POST {route}" for route in self._routes()}})
        elif path == "/openapi.json":
            spec = json.loads((repository_root() / "openapi.json").read_text(encoding="utf-8"))
            self._send_json(200, spec)
        else:
            self._send_json(404, {"error": {"code": "NOT_FOUND", "message": f"No route {path}."}})

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        api = self._routes().get(path)
        if api is None:
            self._send_json(404, {"error": {"code": "NOT_FOUND", "message": f"No route {path}; see GET /."}})
            return
        length = int(self.headers.get("content-length") or 0)
        if length > MAX_BODY_BYTES:
            # API Gateway answers this itself, before Lambda is invoked.
            self._send_json(413, {"message": "Request Too Long"})
            return
        body = self.rfile.read(length)
        headers = {name.lower(): value for name, value in self.headers.items()}
        event = build_rest_event("POST", self.path, headers, body)
        response = load_handler(api)(event, LocalContext())
        self._send(response["statusCode"], response["body"].encode("utf-8"), response["headers"])

    def _routes(self) -> dict[str, str]:
        present = set(available_functions())
        return {route: api for route, api in ROUTES.items() if api in present}

    def _send_json(self, status: int, body: Any) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self._send(status, payload, {"Content-Type": "application/json; charset=utf-8"})

    def _send(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        logger.info("%s %s", self.address_string(), format % args)


def make_server(host: str = "127.0.0.1", port: int = 3000) -> ThreadingHTTPServer:
    return ThreadingHTTPServer((host, port), LocalApiHandler)


def serve(host: str, port: int) -> None:
    server = make_server(host, port)
    routes = ", ".join(
        f"POST http://{host}:{server.server_port}{route}"
        for route in ROUTES
        if ROUTES[route] in available_functions()
    )
    print(f"local API listening: {routes}  (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":  # pragma: no cover - exercised through infra/cli.py serve
    serve("127.0.0.1", 3000)
