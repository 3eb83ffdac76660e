"""Who may continue which widget conversation: unguessable ids and signed tokens.

A new conversation gets a random id of 128 bits and a token signed with the server's secret
(HS256 JWT via PyJWT, which Rasa already installs). A client resumes a conversation only by
presenting its token; an unknown, forged or expired token starts a new conversation, so holding
someone's conversation id alone gives nothing.

The secret is `BOT_WIDGET_SECRET`, else a generated one kept in the git-ignored `var/` (several
servers behind one address must share it: set the variable).
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jwt

from bot.channels.owners import WIDGET_PREFIX

SECRET_ENV = "BOT_WIDGET_SECRET"
SECRET_FILE = Path(__file__).resolve().parents[3] / "var" / "widget_secret"
ALGORITHM = "HS256"
ISSUER = "csp-direct-bill-assistant/widget"
# A conversation can be resumed for this long after it was started.
TOKEN_LIFETIME_SECONDS = 30 * 24 * 3600
CONVERSATION_ID_BYTES = 16  # 128 bits
SENDER_PREFIX = WIDGET_PREFIX


def widget_secret(environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    given = (environ.get(SECRET_ENV) or "").strip()
    if given:
        return given
    if SECRET_FILE.exists():
        return SECRET_FILE.read_text("utf-8").strip()
    SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
    SECRET_FILE.touch(mode=0o600)
    secret = secrets.token_urlsafe(32)
    SECRET_FILE.write_text(secret + "\n", "utf-8")
    return secret


@dataclass(frozen=True)
class Session:
    conversation_id: str
    token: str
    resumed: bool

    @property
    def sender_id(self) -> str:
        return SENDER_PREFIX + self.conversation_id


class Sessions:
    def __init__(self, secret: str, lifetime: float = TOKEN_LIFETIME_SECONDS) -> None:
        self._secret = secret
        self._lifetime = lifetime

    def new(self) -> Session:
        conversation_id = secrets.token_urlsafe(CONVERSATION_ID_BYTES)
        return Session(conversation_id, self._sign(conversation_id), False)

    def _sign(self, conversation_id: str) -> str:
        now = int(time.time())
        claims = {"sub": conversation_id, "iss": ISSUER, "iat": now, "exp": now + self._lifetime}
        return jwt.encode(claims, self._secret, ALGORITHM)

    def resume(self, token: object) -> Session | None:
        """The conversation `token` was issued for, or None for anything we did not sign."""
        if not isinstance(token, str) or not token or len(token) > 1024:
            return None
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["sub", "exp", "iss"]},
            )
        except jwt.PyJWTError:
            return None
        conversation_id = claims["sub"]
        if not isinstance(conversation_id, str) or not conversation_id:
            return None
        # A fresh token: a conversation in use stays resumable for the whole lifetime again.
        return Session(conversation_id, self._sign(conversation_id), True)

    def start(self, token: object) -> Session:
        return self.resume(token) or self.new()
