"""Where the data lives and who counts as support staff, read from the environment.

`DATABASE_URL` names one database for everything: Rasa's tracker store, the assessment records and
their audit trail. Unset, it is a SQLite file under the repository's git-ignored `var/`.
`BOT_STAFF_IDS` lists the sender ids (comma-separated) that may look up a partner's assessments.

`python -m bot.storage url` prints the resolved URL, for `make run` to hand to Rasa's
`endpoints.yml` (which reads `${DATABASE_URL}`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.engine import URL, make_url

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL_ENV = "DATABASE_URL"
STAFF_IDS_ENV = "BOT_STAFF_IDS"
DEFAULT_DATABASE_URL = "sqlite:///var/assistant.db"


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
    """The sender ids of support staff; empty when none are configured (then nobody is staff)."""
    environ = os.environ if environ is None else environ
    raw = environ.get(STAFF_IDS_ENV) or ""
    return frozenset(part.strip() for part in raw.split(",") if part.strip())


def is_staff(sender_id: str | None, environ: Mapping[str, str] | None = None) -> bool:
    return bool(sender_id) and sender_id in staff_ids(environ)
