"""The widget's pages and static files as the Rasa server serves them, with their headers.

Every file in `static/` is read once at start-up. `/widget/static/<name>` is always the current
file (revalidated), `/widget/static/<stem>.<hash>.<ext>` is one version of it, cached for a year;
`/widget/manifest.json` maps names to those hashed URLs for the loader (`widget.js`). `/chat` and
`/widget.js` keep fixed URLs (pages and portals link them) and are revalidated by ETag.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.eligibility.requirements import STATUSES
from bot.i18n import LANGUAGES, Message
from bot.texts import CATALOG, render_text

STATIC_DIR = Path(__file__).resolve().parent / "static"
ORIGINS_ENV = "BOT_WIDGET_ORIGINS"
HASH_CHARS = 12
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# The longest message the widget lets a partner send (the channel accepts more from other clients).
WIDGET_MAX_LENGTH = 2000
_SERVED = re.compile(rb"/\*served\*/.*?/\*served\*/", re.DOTALL)
_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html", ".json": "application/json"}  # fmt: skip


def allowed_origins(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The pages allowed to embed the widget (`BOT_WIDGET_ORIGINS`, comma-separated origins)."""
    environ = os.environ if environ is None else environ
    raw = environ.get(ORIGINS_ENV) or ""
    return tuple(dict.fromkeys(o.strip().rstrip("/") for o in raw.split(",") if o.strip()))


def widget_line(environ: Mapping[str, str] | None = None) -> str:
    origins = allowed_origins(environ)
    if not origins:
        return f"no other page may embed it; set {ORIGINS_ENV}"
    return "embeddable by " + ", ".join(origins)


def security_headers(origins: tuple[str, ...]) -> dict[str, str]:
    """No inline script or style anywhere; only our own origin and the embedding pages.

    `connect-src 'self'` alone: CSP Level 3 lets 'self' match ws:/wss: on the page's own host and
    port, which is the socket the widget opens (tests/browser shows it in Chromium on both
    transports); a bare `ws: wss:` would let an injected script talk to any host."""
    ancestors = " ".join(("'self'", *origins))
    policy = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self'; frame-ancestors {ancestors}; base-uri 'none'; "
        "form-action 'none'; object-src 'none'"
    )
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }


@dataclass(frozen=True)
class Asset:
    name: str
    body: bytes
    content_type: str
    digest: str

    @property
    def hashed_name(self) -> str:
        stem, dot, ext = self.name.rpartition(".")
        if not dot:
            return f"{self.name}.{self.digest[:HASH_CHARS]}"
        return f"{stem}.{self.digest[:HASH_CHARS]}.{ext}"

    @property
    def etag(self) -> str:
        return f'"{self.digest[:32]}"'


def served_texts() -> dict[str, dict]:
    """The widget's texts by part and language: every `widget.<part>.<path>` key of the catalog
    rendered in each language and nested by its path, the card's statuses as the engine says them,
    and the message limit they quote."""
    served: dict[str, dict] = {"labels": {}, "card": {}}
    for lang in LANGUAGES:
        for key in CATALOG:
            if not key.startswith("widget."):
                continue
            part, *path, name = key.split(".")[1:]
            node = served[part].setdefault(lang, {})
            for step in path:
                node = node.setdefault(step, {})
            node[name] = render_text(Message(key, {"max_length": WIDGET_MAX_LENGTH}), lang)
        served["card"][lang]["status"] = {
            status: render_text(Message(f"mark.{status}"), lang) for status in STATUSES
        }
        # The language switch offers the other language.
        served["labels"][lang]["toggleLang"] = next(other for other in LANGUAGES if other != lang)
    return {**served, "maxLength": WIDGET_MAX_LENGTH}


def _served_in(body: bytes) -> bytes:
    if len(_SERVED.findall(body)) != 1:
        raise ValueError("widget.js must hold exactly one /*served*/ … /*served*/ literal")
    texts = json.dumps(served_texts(), ensure_ascii=False).encode()
    return _SERVED.sub(lambda _: texts, body)


def load_assets(directory: Path = STATIC_DIR) -> dict[str, Asset]:
    assets: dict[str, Asset] = {}
    for path in sorted(directory.iterdir()) if directory.is_dir() else []:
        # VENDORED.md is for maintainers, not browsers.
        if not path.is_file() or path.name.startswith(".") or path.suffix == ".md":
            continue
        body = path.read_bytes()
        if path.name == "widget.js":
            body = _served_in(body)
        kind = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "text/plain"
        if kind.startswith("text/") or kind == "application/json":
            kind += "; charset=utf-8"
        assets[path.name] = Asset(path.name, body, kind, hashlib.sha256(body).hexdigest())
    return assets


def manifest(assets: Mapping[str, Asset]) -> bytes:
    return json.dumps(
        {name: f"/widget/static/{asset.hashed_name}" for name, asset in assets.items()},
        sort_keys=True,
    ).encode()
