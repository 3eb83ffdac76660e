"""The action server: rasa_sdk's app with our actions, reachable by the Rasa server only.

rasa_sdk binds 0.0.0.0, allows every CORS origin and asks for nothing, so anyone who reaches its
port could run any action for any conversation ("delete my data" included). Here it listens on
loopback (`BOT_ACTION_SERVER_HOST`, for an operator whose action server runs on another node of
a private network) and refuses every call but `/health` without the shared secret
`BOT_ACTION_SERVER_TOKEN`, which the Rasa server sends as a bearer token (endpoints.yml). The
secret comes from the environment, never from the command line (`ps` shows that).

    python -m bot.action_server --port 5055
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

TOKEN_ENV = "BOT_ACTION_SERVER_TOKEN"
HOST_ENV = "BOT_ACTION_SERVER_HOST"
DEFAULT_HOST = "127.0.0.1"
# Rasa's health checks and ours: says only that the server runs.
OPEN_PATHS = frozenset({"/health"})
# How long a connection may stay open before its request arrives. Sanic closes a new connection
# after its keep-alive timeout (5 s) when nothing came, and the Rasa server connects first and
# writes later: a Rasa server whose event loop was busy for longer in between (a burst of turns
# on two cores) met a closed connection ("Can not write request body") and the action failed.
# Only the Rasa server reaches this port, with the secret; an idle connection costs little.
IDLE_CONNECTION_SECONDS = 120


def authorized(header: str | None, token: str) -> bool:
    """Whether an Authorization header carries the shared secret (compared in constant time)."""
    scheme, _, given = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), token.encode())


def create_app(token: str, actions: str = "actions") -> Sanic:
    from rasa_sdk.endpoint import create_app as create_sdk_app

    if not token:
        raise ValueError(f"{TOKEN_ENV} must be set: the action server answers only the Rasa server")
    # No CORS origin: only the Rasa server calls it, never a browser.
    app = create_sdk_app(actions, cors_origins=None)
    app.config.KEEP_ALIVE_TIMEOUT = IDLE_CONNECTION_SECONDS

    @app.on_request
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or authorized(request.headers.get("Authorization"), token):
            return None
        logger.warning("refused a call to %s without the shared secret", request.path)
        return response.json({"error": "unauthorized"}, status=401)

    return app


def main(argv: list[str] | None = None) -> int:
    from rasa_sdk import utils

    parser = argparse.ArgumentParser(description="the assistant's action server")
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    utils.configure_colored_logging(logging.INFO)
    utils.update_sanic_log_level()
    token = os.environ.get(TOKEN_ENV, "").strip()
    try:
        app = create_app(token, args.actions)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    host = os.environ.get(HOST_ENV, "").strip() or DEFAULT_HOST
    logger.info("Action server on http://%s:%s", host, args.port)
    app.run(host, args.port, workers=utils.number_of_sanic_workers(), access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
