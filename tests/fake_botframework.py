"""A fake Microsoft Bot Framework at the network boundary: a real HTTP server on a local port.

It speaks the three protocols the Teams channel talks to: the OpenID metadata with its JWKS (RSA
keys generated per test run), the client-credentials token endpoint, and the Bot Connector that
records every activity the bot sends. It also signs the channel-to-bot tokens Microsoft would,
for Teams and, with keys endorsed for them, for the other Bot Framework channels (Web Chat and
Direct Line, whose clients choose the sender's ids), and its tenant has a support-staff user.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "https://api.botframework.com"
APP_ID = str(uuid.UUID(int=0x5EC7E7))
APP_PASSWORD = "secret-" + uuid.uuid4().hex
TENANT_ID = str(uuid.UUID(int=0x7E1A17))
# Another organisation's tenant, whose Teams can reach a bot too.
OTHER_TENANT_ID = str(uuid.UUID(int=0x0E7E1A17))
# The Entra object id of a support-staff user in our tenant (BOT_STAFF_IDS, see env()).
STAFF_AAD_ID = str(uuid.UUID(int=0x57AFF))


@dataclass
class SigningKey:
    kid: str
    private: Any
    endorsements: list[str] | None

    def jwk(self) -> dict[str, Any]:
        entry = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        entry.update(kid=self.kid, use="sig", alg="RS256")
        if self.endorsements is not None:
            entry["endorsements"] = self.endorsements
        return entry


def new_key(kid: str, endorsements: list[str] | None = ("msteams",)) -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return SigningKey(kid, private, list(endorsements) if endorsements is not None else None)


@dataclass
class Reply:
    conversation_id: str
    reply_to_id: str | None
    activity: dict[str, Any]
    token: str


@dataclass
class FakeBotFramework:
    # Microsoft's key for Teams, published keys that may sign only for other channels, and one
    # shared by Teams and Web Chat/Direct Line (as Microsoft's own keys are). All from the start:
    # a key added later is an unknown key id to a server that has fetched the set, and uses up
    # the rare refresh that allows (bot/channels/teams/auth.py).
    keys: list[SigningKey] = field(
        default_factory=lambda: [
            new_key("key-1"),
            new_key("key-skype", endorsements=["skype"]),
            new_key("key-directline", endorsements=["webchat", "directline"]),
            new_key("key-shared", endorsements=["msteams", "webchat", "directline", "skype"]),
            new_key("key-unendorsed", endorsements=None),
        ]
    )
    jwks_fetches: int = 0
    token_requests: list[dict[str, str]] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    # Scripted answers of the connector, consumed one per POST: (status, headers).
    connector_failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    connector_attempts: int = 0
    issued_tokens: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet test output
                pass

            def do_GET(self) -> None:
                fake._get(self)

            def do_POST(self) -> None:
                fake._post(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/v1/.well-known/openidconfiguration"

    @property
    def token_url(self) -> str:
        return f"{self.url}/{TENANT_ID}/oauth2/v2.0/token"

    @property
    def service_url(self) -> str:
        return f"{self.url}/teams/"

    def env(self) -> dict[str, str]:
        return {
            "TEAMS_APP_ID": APP_ID,
            "TEAMS_APP_PASSWORD": APP_PASSWORD,
            "TEAMS_TENANT_ID": TENANT_ID,
            "TEAMS_OPENID_METADATA_URL": self.metadata_url,
            "TEAMS_TOKEN_URL": self.token_url,
            # The operator lists the tenant's staff user (BOT_STAFF_IDS is read by the actions).
            "BOT_STAFF_IDS": STAFF_AAD_ID,
        }

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- what Microsoft would sign ----------------------------------------------------------

    def token(
        self, service_url: str | None = None, key: SigningKey | None = None, **claims: Any
    ) -> str:
        now = int(time.time())
        payload = {
            "iss": ISSUER,
            "aud": APP_ID,
            "nbf": now - 10,
            "exp": now + 3600,
            "serviceurl": service_url or self.service_url,
            **claims,
        }
        payload = {k: v for k, v in payload.items() if v is not None}
        key = key or self.keys[0]
        return jwt.encode(payload, key.private, algorithm="RS256", headers={"kid": key.kid})

    def key(self, kid: str) -> SigningKey:
        return next(key for key in self.keys if key.kid == kid)

    def replies_since(self, count: int) -> list[Reply]:
        with self._lock:
            return list(self.replies[count:])

    # --- the endpoints ----------------------------------------------------------------------

    def _send(self, handler: BaseHTTPRequestHandler, status: int, body: Any, headers=None) -> None:
        raw = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(raw)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(raw)

    def _get(self, handler: BaseHTTPRequestHandler) -> None:
        if handler.path == "/v1/.well-known/openidconfiguration":
            return self._send(
                handler,
                200,
                {
                    "issuer": ISSUER,
                    "jwks_uri": f"{self.url}/v1/.well-known/keys",
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                },
            )
        if handler.path == "/v1/.well-known/keys":
            with self._lock:
                self.jwks_fetches += 1
                keys = [key.jwk() for key in self.keys]
            return self._send(handler, 200, {"keys": keys})
        self._send(handler, 404, {})

    def _body(self, handler: BaseHTTPRequestHandler) -> bytes:
        return handler.rfile.read(int(handler.headers.get("Content-Length") or 0))

    def _post(self, handler: BaseHTTPRequestHandler) -> None:
        path = urllib.parse.urlsplit(handler.path).path
        body = self._body(handler)
        if path == f"/{TENANT_ID}/oauth2/v2.0/token":
            form = dict(urllib.parse.parse_qsl(body.decode()))
            with self._lock:
                self.token_requests.append(form)
            if (
                form.get("grant_type") != "client_credentials"
                or form.get("client_id") != APP_ID
                or form.get("client_secret") != APP_PASSWORD
                or form.get("scope") != "https://api.botframework.com/.default"
            ):
                return self._send(handler, 401, {"error": "invalid_client"})
            token = "access-" + uuid.uuid4().hex
            with self._lock:
                self.issued_tokens.add(token)
            return self._send(
                handler, 200, {"token_type": "Bearer", "expires_in": 3599, "access_token": token}
            )
        parts = path.split("/")
        # /teams/v3/conversations/{id}/activities[/{replyToId}]
        if len(parts) in (6, 7) and parts[1:3] == ["teams", "v3"] and parts[3] == "conversations":
            token = (handler.headers.get("Authorization") or "").removeprefix("Bearer ")
            activity = json.loads(body)
            with self._lock:
                self.connector_attempts += 1
                # Scripted failures hit messages only: typing indicators are sent just once.
                scripted = self.connector_failures and activity.get("type") == "message"
                failure = self.connector_failures.pop(0) if scripted else None
                known = token in self.issued_tokens
            if not known:
                return self._send(handler, 401, {"error": "unknown token"})
            if failure:
                return self._send(handler, failure[0], {"error": "scripted"}, failure[1])
            reply = Reply(
                conversation_id=urllib.parse.unquote(parts[4]),
                reply_to_id=urllib.parse.unquote(parts[6]) if len(parts) == 7 else None,
                activity=activity,
                token=token,
            )
            with self._lock:
                self.replies.append(reply)
            return self._send(handler, 201, {"id": uuid.uuid4().hex})
        self._send(handler, 404, {})
