"""Outbound to Microsoft Teams: the Bot Connector REST API with the bot's own token.

The token comes from the tenant's client-credentials endpoint (scope
`https://api.botframework.com/.default`) and is reused until shortly before it expires. `msal`
would be Microsoft's library for this, but it accepts only https authorities it can discover
(`login.microsoftonline.com/...`), not a plain token URL such as `TEAMS_TOKEN_URL` pointing at a
sovereign cloud's or a test's endpoint, and it fetches with blocking `requests`; one form POST
over aiohttp (which Rasa already uses) is the whole protocol.

Replies go only to a `serviceUrl` that arrived in an authenticated activity: the bot's token must
never travel to an address that a request merely claims.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.channels.teams.settings import TOKEN_SCOPE, TeamsSettings

logger = logging.getLogger(__name__)

REQUEST_TIMEOUT_SECONDS = 15
# A token is renewed this long before Microsoft's expiry (tokens live ~1 hour).
TOKEN_RENEW_BEFORE_SECONDS = 300
# Attempts per activity: 429 and 5xx are retried, waiting as `Retry-After` says (capped).
MAX_ATTEMPTS = 4
MAX_RETRY_DELAY_SECONDS = 20.0
FIRST_BACKOFF_SECONDS = 0.5
# Service URLs are regional (a handful per cloud); the bound only stops unbounded growth.
MAX_TRUSTED_SERVICE_URLS = 1000


class ConnectorError(Exception):
    pass


class BotConnector:
    """Sends activities to Teams' Bot Connector for one bot registration."""

    def __init__(self, settings: TeamsSettings, clock: Callable[[], float] = time.monotonic):
        self._settings = settings
        self._clock = clock
        self._trusted: OrderedDict[str, None] = OrderedDict()
        self._token: str | None = None
        self._token_renew_at = 0.0
        self._token_lock = asyncio.Lock()
        self._session: aiohttp.ClientSession | None = None

    # --- service URLs ------------------------------------------------------------------------

    def trust(self, service_url: str) -> None:
        """Called only after the activity naming `service_url` was authenticated."""
        self._trusted[service_url] = None
        self._trusted.move_to_end(service_url)
        while len(self._trusted) > MAX_TRUSTED_SERVICE_URLS:
            self._trusted.popitem(last=False)

    def is_trusted(self, service_url: str) -> bool:
        return service_url in self._trusted

    # --- sending -----------------------------------------------------------------------------

    async def reply(
        self,
        service_url: str,
        conversation_id: str,
        reply_to_id: str | None,
        activity: dict,
        attempts: int = MAX_ATTEMPTS,
    ) -> bool:
        """Posts `activity` as a reply (or, without `reply_to_id`, into the conversation)."""
        path = f"v3/conversations/{quote(conversation_id, safe='')}/activities"
        if reply_to_id:
            path += f"/{quote(reply_to_id, safe='')}"
        return await self._post(service_url, path, activity, attempts)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _client(self) -> aiohttp.ClientSession:
        # Created on first use, inside the server's event loop.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
            )
        return self._session

    async def _post(self, service_url: str, path: str, activity: dict, attempts: int) -> bool:
        if not self.is_trusted(service_url):
            logger.error("Teams: not sending to untrusted serviceUrl %r", service_url[:200])
            return False
        url = f"{service_url.rstrip('/')}/{path}"
        kind = activity.get("type", "message")
        problem = "not sent"
        for attempt in range(1, attempts + 1):
            delay = FIRST_BACKOFF_SECONDS * 2 ** (attempt - 1)
            try:
                token = await self.token()
                async with self._client().post(
                    url, json=activity, headers={"Authorization": f"Bearer {token}"}
                ) as response:
                    if response.status < 300:
                        return True
                    problem = f"HTTP {response.status}"
                    if response.status == 401 and attempt == 1 and attempts > 1:
                        self._token = None  # revoked or rotated secret: one fresh token
                        continue
                    if response.status != 429 and response.status < 500:
                        logger.error(
                            "Teams: the connector refused a %s activity: HTTP %s",
                            kind,
                            response.status,
                        )
                        return False
                    delay = _retry_after(response.headers.get("Retry-After"), delay)
            except (aiohttp.ClientError, asyncio.TimeoutError, ConnectorError) as error:
                problem = f"{type(error).__name__}: {error}"
            if attempt < attempts:
                logger.warning(
                    "Teams: sending a %s activity failed (%s), retry %s in %.1f s",
                    kind, problem, attempt, delay,
                )  # fmt: skip
                await asyncio.sleep(delay)
        logger.error(
            "Teams: could not send a %s activity after %s attempt(s) (%s)", kind, attempts, problem
        )
        return False

    # --- the bot's token ---------------------------------------------------------------------

    async def token(self) -> str:
        async with self._token_lock:  # many replies at once still fetch one token
            if self._token is None or self._clock() >= self._token_renew_at:
                await self._fetch_token()
            return self._token

    async def _fetch_token(self) -> None:
        form = {
            "grant_type": "client_credentials",
            "client_id": self._settings.app_id,
            "client_secret": self._settings.app_password,
            "scope": TOKEN_SCOPE,
        }
        async with self._client().post(self._settings.token_url, data=form) as response:
            body: Any = await response.json(content_type=None) if response.status == 200 else {}
            if response.status != 200 or not isinstance(body.get("access_token"), str):
                # The error body may echo what we sent; only its code goes to the log.
                raise ConnectorError(f"token endpoint answered HTTP {response.status}")
        lifetime = float(body.get("expires_in") or 0)
        self._token = body["access_token"]
        self._token_renew_at = self._clock() + max(
            lifetime - TOKEN_RENEW_BEFORE_SECONDS, lifetime / 2
        )


def _retry_after(header: str | None, default: float) -> float:
    """`Retry-After` in seconds (the HTTP-date form is not used by the Bot Connector)."""
    try:
        return min(max(float(header), 0.0), MAX_RETRY_DELAY_SECONDS)
    except (TypeError, ValueError):
        return default
