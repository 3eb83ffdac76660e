"""The HAProxy configuration that bot/cluster.py generates, run by Debian's HAProxy in front of an
echo server that stands in for a Rasa server: what reaches the server, and what is refused."""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.cluster import HAPROXY, all_up, haproxy_config
from bot.cluster import Node as ClusterNode
from bot.serve import MAX_REQUEST_BYTES
from tests.e2e.conftest import free_port


class Echo(BaseHTTPRequestHandler):
    """Answers what it got: the X-Forwarded-For headers and the body's length."""

    def do_GET(self) -> None:  # HAProxy's health check
        self._answer({"ok": True})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self._answer({"xff": self.headers.get_all("X-Forwarded-For") or [], "length": len(body)})

    def _answer(self, payload: dict) -> None:
        raw = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture(scope="module")
def proxy(tmp_path_factory) -> Iterator[int]:
    haproxy = shutil.which("haproxy") or HAPROXY
    if not Path(haproxy).exists():
        pytest.skip("Debian's HAProxy is not installed (`make haproxy`)")
    echo = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=echo.serve_forever, daemon=True).start()
    port, stats_port = free_port(), free_port()
    config = tmp_path_factory.mktemp("haproxy") / "haproxy.cfg"
    config.write_text(haproxy_config([echo.server_address[1]], port, stats_port, maxconn=256))
    process = subprocess.Popen([haproxy, "-db", "-f", str(config)])
    try:
        deadline = time.monotonic() + 30
        while not all_up(stats_port, [ClusterNode(1, echo.server_address[1], 0)]):
            assert process.poll() is None, "HAProxy exited"
            assert time.monotonic() < deadline, "the echo server never came UP in HAProxy"
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
        echo.shutdown()


def post(port: int, body: bytes, headers: dict[str, str]) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", "/webhooks/rest/webhook", body=body, headers=headers)
    return connection.getresponse()


def test_the_server_sees_the_clients_address_not_the_one_it_claims(proxy: int) -> None:
    body = json.dumps({"sender": "someone", "message": "Hallo"}).encode()
    response = post(proxy, body, {"Content-Type": "application/json",
                                  "X-Forwarded-For": "203.0.113.9, 10.0.0.1"})  # fmt: skip
    assert response.status == 200
    assert response.getheader("X-Served-By") == "rasa1"
    # Replaced, not appended to: the forged addresses never reach the server.
    assert json.loads(response.read())["xff"] == ["127.0.0.1"]


def test_a_body_over_the_servers_limit_is_refused_by_haproxy(proxy: int) -> None:
    response = post(proxy, b"x" * (MAX_REQUEST_BYTES + 1), {"Content-Type": "application/json"})
    assert response.status == 413
    assert response.getheader("X-Served-By") is None  # no server was asked


def test_a_body_at_the_limit_reaches_the_server(proxy: int) -> None:
    response = post(proxy, b"x" * MAX_REQUEST_BYTES, {"Content-Type": "application/json"})
    assert response.status == 200
    assert json.loads(response.read())["length"] == MAX_REQUEST_BYTES
