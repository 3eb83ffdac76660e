"""Authentication of every request Microsoft's Bot Framework sends us, per its spec.

The checks (Bot Framework "Authentication with the Bot Connector service", and Microsoft's own
botbuilder-python `channel_validation.py` for the edge cases): a Bearer JWT, RS256 only (never the
token's own choice of algorithm), issuer `https://api.botframework.com`, audience = our app id,
`exp`/`nbf` with 5 minutes of clock skew, signed by a key from the OpenID metadata's `jwks_uri`;
the token's `serviceurl` claim must equal the activity's `serviceUrl`.

Channel: Microsoft signs the tokens of every Bot Framework channel with the same keys, and Web Chat
and Direct Line (on by default for an Azure Bot) let their client choose the sender's ids. So this
endpoint serves exactly one channel: the activity's `channelId` must be the string "msteams", and
the signing key must list "msteams" among its `endorsements` ("the activity's ChannelId MUST be
found in the endorsement list", Bot Framework's EndorsementsValidator). A key that lists no
endorsements endorses nothing here (botbuilder-python would skip the check for it).

Keys are fetched lazily (start-up needs no network), kept for a day at most, and a token naming
an unknown key id refreshes them at most once per few minutes, so forged tokens cannot make us
hammer Microsoft's endpoint. PyJWT does the cryptography; its own `PyJWKClient` is not used
because it fetches with blocking urllib inside the event loop and refreshes on every unknown kid.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
import jwt

from bot.channels.teams.settings import TOKEN_ISSUER

logger = logging.getLogger(__name__)

ALGORITHM = "RS256"
# The one Bot Framework channel this endpoint serves.
TEAMS_CHANNEL_ID = "msteams"
CLOCK_SKEW_SECONDS = 300
# Microsoft rotates its signing keys with overlap; a day-old key set is still good.
KEYS_MAX_AGE_SECONDS = 24 * 3600
# However many forged key ids arrive, the key set is fetched again at most this often for them.
UNKNOWN_KID_REFRESH_SECONDS = 300
FETCH_TIMEOUT_SECONDS = 10
# A Bot Framework token is ~1-2 KB; anything far larger is not one.
MAX_TOKEN_CHARS = 16_384
_BEARER = re.compile(r"Bearer\s+([A-Za-z0-9_\-.=]+)")


class AuthError(Exception):
    """A request that must not reach the assistant: the HTTP status to answer and why."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class KeysUnavailable(Exception):
    """The signing keys could not be fetched (and none are cached)."""


@dataclass(frozen=True)
class SigningKey:
    key: Any  # the RSA public key object PyJWT verifies with
    # The channels this key may sign for; None where the key lists no endorsements.
    endorsements: frozenset[str] | None


class OpenIdKeys:
    """Bot Framework's signing keys by key id: fetched on first use, cached, refreshed rarely."""

    def __init__(
        self,
        metadata_url: str,
        clock: Callable[[], float] = time.monotonic,
        max_age: float = KEYS_MAX_AGE_SECONDS,
        unknown_kid_interval: float = UNKNOWN_KID_REFRESH_SECONDS,
    ) -> None:
        self._metadata_url = metadata_url
        self._clock = clock
        self._max_age = max_age
        self._unknown_kid_interval = unknown_kid_interval
        self._keys: dict[str, SigningKey] | None = None
        self._fetched_at = 0.0
        self._unknown_kid_refreshed_at: float | None = None
        # One fetch at a time: concurrent requests wait for it instead of fetching too.
        self._lock = asyncio.Lock()

    async def get(self, kid: str) -> SigningKey | None:
        async with self._lock:
            if self._keys is None or self._clock() - self._fetched_at >= self._max_age:
                await self._refresh(keep_old=self._keys is not None)
            if kid in self._keys:
                return self._keys[kid]
            last = self._unknown_kid_refreshed_at
            if last is None or self._clock() - last >= self._unknown_kid_interval:
                self._unknown_kid_refreshed_at = self._clock()
                logger.info("Teams: unknown signing key %r, fetching the key set again", kid[:64])
                await self._refresh(keep_old=True)
            return self._keys.get(kid)

    async def _refresh(self, keep_old: bool) -> None:
        try:
            self._keys = await self._fetch()
        except Exception as error:
            if not keep_old:
                raise KeysUnavailable(f"could not fetch the signing keys: {error}") from error
            logger.warning("Teams: could not refresh the signing keys (%s); keeping the old", error)
            # Try again after the short interval, not only tomorrow.
            self._fetched_at = self._clock() - self._max_age + self._unknown_kid_interval
            return
        self._fetched_at = self._clock()

    async def _fetch(self) -> dict[str, SigningKey]:
        timeout = aiohttp.ClientTimeout(total=FETCH_TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(self._metadata_url) as response:
                response.raise_for_status()
                metadata = await response.json(content_type=None)
            async with session.get(metadata["jwks_uri"]) as response:
                response.raise_for_status()
                jwks = await response.json(content_type=None)
        return parse_key_set(jwks)


def parse_key_set(jwks: Mapping[str, Any]) -> dict[str, SigningKey]:
    """The RSA signing keys of a JWKS document by key id; keys we cannot use are skipped."""
    keys: dict[str, SigningKey] = {}
    for entry in jwks.get("keys") or []:
        if not isinstance(entry, dict) or entry.get("kty") != "RSA" or not entry.get("kid"):
            continue
        try:
            key = jwt.PyJWK(entry, algorithm=ALGORITHM).key
        except jwt.PyJWTError:
            continue
        endorsements = entry.get("endorsements")
        keys[str(entry["kid"])] = SigningKey(
            key,
            frozenset(map(str, endorsements)) if isinstance(endorsements, list) else None,
        )
    return keys


async def authenticate(
    authorization: str | None, activity: Mapping[str, Any], app_id: str, keys: OpenIdKeys
) -> dict[str, Any]:
    """The token's claims when the request is Bot Framework's for this activity; else AuthError."""
    if not authorization:
        raise AuthError(401, "no Authorization header")
    match = _BEARER.fullmatch(authorization.strip())
    if not match or len(match[1]) > MAX_TOKEN_CHARS:
        raise AuthError(401, "Authorization is not a Bearer token")
    token = match[1]
    channel = activity.get("channelId")
    # Compared, never looked up: a channelId of any JSON type is refused here, not a TypeError.
    if not isinstance(channel, str) or channel != TEAMS_CHANNEL_ID:
        shown = channel[:40] if isinstance(channel, str) else type(channel).__name__
        raise AuthError(403, f"channel {shown!r} is not served here (only {TEAMS_CHANNEL_ID})")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise AuthError(403, "malformed token") from None
    if header.get("alg") != ALGORITHM:
        raise AuthError(403, f"algorithm {str(header.get('alg'))[:20]!r} is not allowed")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise AuthError(403, "token names no signing key (kid)")
    try:
        key = await keys.get(kid)
    except KeysUnavailable as error:
        raise AuthError(503, str(error)) from None
    if key is None:
        raise AuthError(403, "unknown signing key")
    if not key.endorsements or TEAMS_CHANNEL_ID not in key.endorsements:
        raise AuthError(403, f"signing key is not endorsed for {TEAMS_CHANNEL_ID}")
    try:
        claims = jwt.decode(
            token,
            key.key,
            algorithms=[ALGORITHM],
            audience=app_id,
            issuer=TOKEN_ISSUER,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": ["exp", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise AuthError(403, "token expired") from None
    except jwt.ImmatureSignatureError:
        raise AuthError(403, "token not yet valid") from None
    except jwt.InvalidAudienceError:
        raise AuthError(403, "token is for another audience") from None
    except jwt.InvalidIssuerError:
        raise AuthError(403, "token from another issuer") from None
    except jwt.InvalidSignatureError:
        raise AuthError(403, "wrong signature") from None
    except jwt.PyJWTError as error:
        raise AuthError(403, f"invalid token: {error}") from None
    service_url = activity.get("serviceUrl")
    if not service_url or claims.get("serviceurl") != service_url:
        raise AuthError(403, "serviceurl claim does not match the activity's serviceUrl")
    return claims
