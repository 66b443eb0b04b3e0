"""The local server serves the SAM routes through the real handlers, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest
from conftest import golden
from local_server import make_server


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    httpd = make_server("127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def call(server: ThreadingHTTPServer, path: str, body: bytes | None, content_type: str) -> tuple[int, dict]:
    url = f"http://127.0.0.1:{server.server_port}{path}"
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_raw_image_post_goes_through_the_handler(server: ThreadingHTTPServer) -> None:
    status, body = call(
        server, "/v1/white-background?preset=amazon", golden("wb_white_clean.png"), "image/png"
    )
    assert status == 200
    assert body["result"]["is_white"] is True and body["result"]["checks"]


def test_bad_request_keeps_its_status(server: ThreadingHTTPServer) -> None:
    status, body = call(server, "/v1/white-background", b"{oops", "application/json")
    assert status == 400 and body["error"]["code"] == "INVALID_JSON"


def test_unknown_route_is_404_and_index_lists_routes(server: ThreadingHTTPServer) -> None:
    status, _ = call(server, "/v1/nothing", b"{}", "application/json")
    assert status == 404
    status, index = call(server, "/", None, "application/json")
    assert status == 200 and "/v1/white-background" in index["routes"]
