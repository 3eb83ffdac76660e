"""The Teams channel's settings, read from the environment (CONTRACT.md §6).

The channel is on only when the Azure Bot registration's app id, its client secret and its tenant
are all set. The two Microsoft endpoints are settings so that tests and operators (sovereign
clouds) can point them elsewhere, a local server included.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

APP_ID_ENV = "TEAMS_APP_ID"
APP_PASSWORD_ENV = "TEAMS_APP_PASSWORD"
TENANT_ID_ENV = "TEAMS_TENANT_ID"
OPENID_METADATA_URL_ENV = "TEAMS_OPENID_METADATA_URL"
TOKEN_URL_ENV = "TEAMS_TOKEN_URL"
REQUIRED = (APP_ID_ENV, APP_PASSWORD_ENV, TENANT_ID_ENV)

# Bot Framework's channel-to-bot token metadata (the keys that sign what Teams sends us).
DEFAULT_OPENID_METADATA_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
# Single-tenant bots (every Azure bot created after 31 July 2025) get their token from their tenant.
DEFAULT_TOKEN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
TOKEN_SCOPE = "https://api.botframework.com/.default"
TOKEN_ISSUER = "https://api.botframework.com"
ENDPOINT_PATH = "/webhooks/teams/api/messages"


@dataclass(frozen=True)
class TeamsSettings:
    app_id: str
    app_password: str
    tenant_id: str
    openid_metadata_url: str
    token_url: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> TeamsSettings | None:
        """The settings, or None while any of the three required variables is unset (Teams off)."""
        environ = os.environ if environ is None else environ
        values = {name: (environ.get(name) or "").strip() for name in REQUIRED}
        if not all(values.values()):
            return None
        tenant = values[TENANT_ID_ENV]
        return cls(
            app_id=values[APP_ID_ENV],
            app_password=values[APP_PASSWORD_ENV],
            tenant_id=tenant,
            openid_metadata_url=(environ.get(OPENID_METADATA_URL_ENV) or "").strip()
            or DEFAULT_OPENID_METADATA_URL,
            token_url=(environ.get(TOKEN_URL_ENV) or "").strip()
            or DEFAULT_TOKEN_URL.format(tenant=tenant),
        )


def status_line(environ: Mapping[str, str] | None = None) -> str:
    """One line for `make run`: where Teams is served, or how to turn it on."""
    settings = TeamsSettings.from_env(environ)
    if settings is None:
        return f"Microsoft Teams: off (set {', '.join(REQUIRED[:-1])} and {REQUIRED[-1]} to turn it on)"
    return f"Microsoft Teams: on at {ENDPOINT_PATH} for app {settings.app_id}"
