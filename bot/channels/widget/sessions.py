"""Who may continue which widget conversation: unguessable ids and signed tokens.

A new conversation gets a random id of 128 bits and a token signed with the server's secret
(HS256 JWT via PyJWT, which Rasa already installs). A client resumes a conversation only by
presenting its token; an unknown, forged or expired token starts a new conversation, so holding
someone's conversation id alone gives nothing.

A token carries the conversation's start (`started`), and a renewed token keeps it: a
conversation can be resumed for `BOT_WIDGET_TOKEN_DAYS` (default 30) after it began, however
often it was resumed meanwhile. The check uses the current setting, so lowering it also ends
older tokens early. Revocation ("delete my data") is the database's, checked by the channel.

The secret is `BOT_WIDGET_SECRET`, else a generated one kept in the git-ignored `var/` (several
servers behind one address must share it: set the variable).
"""

from __future__ import annotations

import math
import os
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import jwt

from bot.channels.owners import WIDGET_PREFIX

SECRET_ENV = "BOT_WIDGET_SECRET"
SECRET_FILE = Path(__file__).resolve().parents[3] / "var" / "widget_secret"
ALGORITHM = "HS256"
ISSUER = "csp-direct-bill-assistant/widget"
LIFETIME_ENV = "BOT_WIDGET_TOKEN_DAYS"
# A conversation can be resumed for this long after it was started: long enough to come back
# with the figures the form asks for, short enough that a token copied from a shared computer
# does not open the conversation for ever.
DEFAULT_LIFETIME_DAYS = 30
MAX_LIFETIME_DAYS = 365
DAY_SECONDS = 24 * 3600
TOKEN_LIFETIME_SECONDS = DEFAULT_LIFETIME_DAYS * DAY_SECONDS
# The `custom` message ("json_message") with which the forget action tells the widget channel that
# the conversation was deleted and revoked: the channel passes it on as the socket.io event of
# the same name, and the widget clears what the browser kept of the conversation.
FORGOTTEN = "conversation_forgotten"
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


def token_lifetime(environ: Mapping[str, str] | None = None) -> float:
    """Seconds a conversation stays resumable from its start: `BOT_WIDGET_TOKEN_DAYS` (days,
    fractions allowed, more than 0 and at most 365), else 30 days. Anything else stops the
    server at start-up rather than silently choosing a lifetime."""
    environ = os.environ if environ is None else environ
    raw = (environ.get(LIFETIME_ENV) or "").strip()
    if not raw:
        return TOKEN_LIFETIME_SECONDS
    try:
        days = float(raw)
    except ValueError:
        days = math.nan
    if not (math.isfinite(days) and 0 < days <= MAX_LIFETIME_DAYS):
        raise ValueError(
            f"{LIFETIME_ENV} must be a number of days above 0 and at most {MAX_LIFETIME_DAYS}, "
            f"not {raw!r}"
        )
    return days * DAY_SECONDS


@dataclass(frozen=True)
class Session:
    conversation_id: str
    token: str
    resumed: bool

    @property
    def sender_id(self) -> str:
        return SENDER_PREFIX + self.conversation_id


class Sessions:
    def __init__(
        self,
        secret: str,
        lifetime: float = TOKEN_LIFETIME_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._secret = secret
        self._lifetime = lifetime
        self._clock = clock

    def new(self) -> Session:
        conversation_id = secrets.token_urlsafe(CONVERSATION_ID_BYTES)
        return Session(conversation_id, self._sign(conversation_id, int(self._clock())), False)

    def _sign(self, conversation_id: str, started: int) -> str:
        claims = {
            "sub": conversation_id,
            "iss": ISSUER,
            "iat": int(self._clock()),
            "started": started,
            # Never beyond the conversation's absolute end, however often it is renewed.
            "exp": math.ceil(started + self._lifetime),
        }
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
                # Tokens from before the absolute lifetime carry no start: they resume nothing.
                # The times are checked below, by this server's clock.
                options={
                    "require": ["sub", "exp", "iss", "started"],
                    "verify_exp": False,
                    "verify_iat": False,
                },
            )
        except jwt.PyJWTError:
            return None
        conversation_id, started, expires = claims["sub"], claims["started"], claims["exp"]
        if not isinstance(conversation_id, str) or not conversation_id:
            return None
        if not all(type(t) is int for t in (started, expires)):
            return None
        now = self._clock()
        # The lifetime as set now: lowering it ends older tokens early, too.
        if now >= expires or now >= started + self._lifetime:
            return None
        # A renewed token (its `iat` is now) for the same conversation and the same end.
        return Session(conversation_id, self._sign(conversation_id, started), True)

    def start(self, token: object) -> Session:
        return self.resume(token) or self.new()
