"""Where the data lives and who counts as support staff, read from the environment.

`DATABASE_URL` names one database for everything: Rasa's tracker store, the assessment records and
their audit trail. Unset, it is a SQLite file under the repository's git-ignored `var/`.
`BOT_STAFF_IDS` lists the Entra object ids (comma-separated) of the support staff who may look up
a partner's assessments in chat: only in their own Teams personal chat, the one conversation whose
identity a channel has verified (see `is_staff`).

`python -m bot.storage url` prints the resolved URL, for `make run` to hand to Rasa's
`endpoints.yml` (which reads `${DATABASE_URL}`).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from bot.channels.owners import TEAMS, TEAMS_PREFIX

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL_ENV = "DATABASE_URL"
STAFF_IDS_ENV = "BOT_STAFF_IDS"
DEFAULT_DATABASE_URL = "sqlite:///var/assistant.db"
# An Entra (Azure AD) object id: what Teams sends as a user's `aadObjectId`.
_ENTRA_OBJECT_ID = re.compile(r"[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}")


def database_url(environ: Mapping[str, str] | None = None) -> str:
    """The database URL, with a relative SQLite path resolved against the repository root.

    Resolving against the root (not the working directory) makes the Rasa server, the action
    server and the CLI open the same file wherever they are started from. The SQLite file's
    directory is created, so a fresh clone needs no set-up step for it. The file is readable by
    its owner only (partners' data; SQLite gives its -wal and -shm files the same mode), and so
    is a folder it creates.
    """
    environ = os.environ if environ is None else environ
    raw = (environ.get(DATABASE_URL_ENV) or "").strip() or DEFAULT_DATABASE_URL
    url = make_url(raw)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database)
        if not path.is_absolute():
            path = ROOT / path
        owner_only(path)
        url = url.set(database=str(path))
    return url.render_as_string(hide_password=False)


def owner_only(path: Path) -> None:
    """`path` (a file, created empty when missing) readable by its owner only, a file made before
    this was so tightened; a missing folder is created for the owner only (an existing one, which
    may be shared like /tmp, is left as it is)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    for companion in (Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if companion.exists():
            companion.chmod(0o600)


def shown_url(url: str | URL) -> str:
    """The URL as it may appear in output and logs: without its password."""
    return make_url(url).render_as_string(hide_password=True)


def staff_ids(environ: Mapping[str, str] | None = None) -> frozenset[str]:
    """The Entra object ids of support staff (lower case); empty when none are configured (then
    nobody is staff). Entries of another form (a REST sender id, a Teams "29:" id) are ignored
    with a warning: no channel verifies them."""
    environ = os.environ if environ is None else environ
    raw = environ.get(STAFF_IDS_ENV) or ""
    entries = {part.strip().lower() for part in raw.split(",") if part.strip()}
    ids = frozenset(e for e in entries if _ENTRA_OBJECT_ID.fullmatch(e))
    if len(ids) < len(entries):
        logger.warning(
            "%s: %s entries ignored: staff are listed by their Entra object id (Teams' aadObjectId)",
            STAFF_IDS_ENV,
            len(entries) - len(ids),
        )
    return ids


def is_staff(
    sender_id: str | None, environ: Mapping[str, str] | None = None, *, input_channel: str | None
) -> bool:
    """Whether the conversation `sender_id`, whose latest message came in on `input_channel`, is a
    staff member's: only a Teams personal chat, "teams:<Entra object id>", with a listed id.

    The id's prefix says Teams made it (the REST channel refuses it, bot/channels/owners.py), the
    Teams channel puts only a verified user's object id of our tenant right after the prefix
    (a user without one is "teams:bf:…", a group chat or channel "teams:<id>|<conversation>"),
    and the input channel must be Teams' too.
    """
    if input_channel != TEAMS or not sender_id or not sender_id.startswith(TEAMS_PREFIX):
        return False
    user = sender_id.removeprefix(TEAMS_PREFIX)
    return bool(_ENTRA_OBJECT_ID.fullmatch(user.lower())) and user.lower() in staff_ids(environ)
