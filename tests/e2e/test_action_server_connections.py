"""The Rasa server connects to the action server first and writes its request afterwards; when its
event loop is busy in between (a burst of turns), the connection must still be open."""

from __future__ import annotations

import socket
import time

from bot.action_server import IDLE_CONNECTION_SECONDS
from tests.e2e.conftest import Assistant

# Sanic's own keep-alive timeout, after which it closed a connection that had sent nothing.
SANICS_DEFAULT_SECONDS = 5


def test_a_connection_whose_request_comes_late_is_still_served(assistant: Assistant) -> None:
    assert IDLE_CONNECTION_SECONDS > SANICS_DEFAULT_SECONDS + 1
    with socket.create_connection(("127.0.0.1", assistant.action_port), timeout=30) as connection:
        time.sleep(SANICS_DEFAULT_SECONDS + 1)  # the client's loop is busy elsewhere
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := connection.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
