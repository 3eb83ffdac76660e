"""The Microsoft Teams app package: manifest (schema v1.29), localisation files and icons, zipped.

`python -m bot teams-package --app-id GUID` writes the zip that a Teams admin uploads ("Upload a
custom app") to install the assistant as a bot. Before anything is written, every file is checked
against Microsoft's schemas vendored in `schemas/teams-v1.29/` (MIT, see the LICENSE there), offline.
"""

from __future__ import annotations

import copy
import importlib.metadata
import itertools
import json
import math
import os
import re
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from bot.conversation import intents
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, Message
from bot.texts import render_text

MANIFEST_VERSION = "1.29"
_SCHEMA_BASE = f"https://developer.microsoft.com/en-us/json-schemas/teams/v{MANIFEST_VERSION}"
MANIFEST_SCHEMA_URL = f"{_SCHEMA_BASE}/MicrosoftTeams.schema.json"
LOCALIZATION_SCHEMA_URL = f"{_SCHEMA_BASE}/MicrosoftTeams.Localization.schema.json"
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas" / f"teams-v{MANIFEST_VERSION}"
MANIFEST_SCHEMA_PATH = SCHEMA_DIR / "MicrosoftTeams.schema.json"
LOCALIZATION_SCHEMA_PATH = SCHEMA_DIR / "MicrosoftTeams.Localization.schema.json"

DISTRIBUTION = "csp-direct-bill-assistant"
BOT_SCOPES = ("personal", "team", "groupChat")
ACCENT_COLOR = "#107C10"  # green, as the check mark on the icon
COLOR_ICON, OUTLINE_ICON = "color.png", "outline.png"
COLOR_ICON_SIZE, OUTLINE_ICON_SIZE = 192, 32  # the sizes the schema's descriptions demand

# Placeholders that are valid URLs, so a test package installs; the CLI warns while they are used.
PLACEHOLDER_DEVELOPER_NAME = "Replace with your company"
PLACEHOLDER_WEBSITE_URL = "https://example.com/replace-me/support"
PLACEHOLDER_PRIVACY_URL = "https://example.com/replace-me/privacy"
PLACEHOLDER_TERMS_URL = "https://example.com/replace-me/terms"

# The schema's own pattern for `id` and `botId`; uuid.UUID would also accept braces or no hyphens.
_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


class PackageError(ValueError):
    """The package cannot be built as asked; the message is one line."""


@dataclass(frozen=True)
class Developer:
    name: str = PLACEHOLDER_DEVELOPER_NAME
    website_url: str = PLACEHOLDER_WEBSITE_URL
    privacy_url: str = PLACEHOLDER_PRIVACY_URL
    terms_url: str = PLACEHOLDER_TERMS_URL

    def placeholders(self) -> list[str]:
        """The fields still holding a placeholder, by their CLI option."""
        defaults = Developer()
        return [
            option
            for option, mine, default in (
                ("--developer-name", self.name, defaults.name),
                ("--developer-url", self.website_url, defaults.website_url),
                ("--privacy-url", self.privacy_url, defaults.privacy_url),
                ("--terms-url", self.terms_url, defaults.terms_url),
            )
            if mine == default
        ]


@dataclass(frozen=True)
class BotCommand:
    """An entry of the bot's command menu. Teams sends the title as the user's message, so each
    title is (up to capitalisation) a training example of `intent` in data/nlu/<lang>/. Its texts
    are in the catalog (bot/texts/teams.yml)."""

    intent: str

    def title(self, lang: str) -> str:
        return render_text(Message(f"command.{self.intent}.title"), lang)

    def description(self, lang: str) -> str:
        return render_text(Message(f"command.{self.intent}.description"), lang)


BOT_COMMANDS = tuple(
    map(BotCommand, (intents.ASK_MISSING, intents.ASK_ELIGIBILITY, intents.START_OVER))
)

# The app's own strings (its names and descriptions) under the manifest's keys.
_APP_KEYS = ("name.short", "name.full", "description.short", "description.full")


def app_text(key: str, lang: str) -> str:
    return render_text(Message(f"app.{key}"), lang)


def localization_file(lang: str) -> str:
    return f"{lang}.json"


def check_app_id(value: str) -> str:
    if not _GUID.fullmatch(value):
        raise PackageError(
            f"--app-id must be a GUID such as 00000000-0000-0000-0000-000000000000 "
            f"(the bot's Microsoft App ID), got {value!r}"
        )
    return value


def app_version() -> str:
    """The installed package's version; Teams wants plain MAJOR.MINOR.PATCH."""
    try:
        version = importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise PackageError(f"{DISTRIBUTION} is not installed, so its version is unknown") from None
    pattern = _validator(MANIFEST_SCHEMA_PATH).schema["definitions"]["semver"]["pattern"]
    if not re.search(pattern, version):
        raise PackageError(f"version {version!r} is not MAJOR.MINOR.PATCH, as Teams requires")
    return version


def localized_strings(lang: str) -> dict[str, str]:
    """A language's strings under the keys of the localization schema."""
    strings = {key: app_text(key, lang) for key in _APP_KEYS}
    for index, command in enumerate(BOT_COMMANDS):
        prefix = f"bots[0].commandLists[0].commands[{index}]"
        strings[f"{prefix}.title"] = command.title(lang)
        strings[f"{prefix}.description"] = command.description(lang)
    return strings


def build_localization(lang: str) -> dict[str, Any]:
    return {"$schema": LOCALIZATION_SCHEMA_URL, **localized_strings(lang)}


def build_manifest(app_id: str, developer: Developer, version: str) -> dict[str, Any]:
    """The manifest; its own strings are those of the default language (English)."""
    app_id = check_app_id(app_id)
    default = DEFAULT_LANGUAGE
    texts = {key: app_text(key, default) for key in _APP_KEYS}
    return {
        "$schema": MANIFEST_SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": app_id,
        "localizationInfo": {
            "defaultLanguageTag": default,
            # Microsoft's example ships the default language in a file too; the schema allows it.
            "defaultLanguageFile": localization_file(default),
            "additionalLanguages": [
                {"languageTag": lang, "file": localization_file(lang)}
                for lang in LANGUAGES
                if lang != default
            ],
        },
        "developer": {
            "name": developer.name,
            "websiteUrl": developer.website_url,
            "privacyUrl": developer.privacy_url,
            "termsOfUseUrl": developer.terms_url,
        },
        "name": {"short": texts["name.short"], "full": texts["name.full"]},
        "description": {"short": texts["description.short"], "full": texts["description.full"]},
        "icons": {"color": COLOR_ICON, "outline": OUTLINE_ICON},
        "accentColor": ACCENT_COLOR,
        "bots": [
            {
                "botId": app_id,
                "scopes": list(BOT_SCOPES),
                "supportsFiles": False,
                "isNotificationOnly": False,
                # One list for all scopes: the same commands work in a chat and in a channel.
                "commandLists": [
                    {
                        "scopes": list(BOT_SCOPES),
                        "commands": [
                            {"title": c.title(default), "description": c.description(default)}
                            for c in BOT_COMMANDS
                        ],
                    }
                ],
            }
        ],
        "validDomains": [],
    }


def validate_package(manifest: Mapping[str, Any], localizations: Mapping[str, Any]) -> None:
    """Raise PackageError unless the manifest and every localization file (by file name) meet
    Microsoft's schemas."""
    _raise_first_error("manifest.json", _validator(MANIFEST_SCHEMA_PATH), manifest)
    localization = _validator(LOCALIZATION_SCHEMA_PATH)
    for name, strings in localizations.items():
        _raise_first_error(name, localization, strings)
        # The localization schema (draft-04) puts maxLength next to a $ref, where draft-04 ignores
        # it; the same strings in the manifest are held to the manifest schema's limits.
        translated = _apply_strings(manifest, {k: v for k, v in strings.items() if k != "$schema"})
        _raise_first_error(name, _validator(MANIFEST_SCHEMA_PATH), translated)


def package_files(app_id: str, developer: Developer | None = None) -> dict[str, bytes]:
    """The files of the package by name, checked against the schemas."""
    manifest = build_manifest(app_id, developer or Developer(), app_version())
    localizations = {localization_file(lang): build_localization(lang) for lang in LANGUAGES}
    validate_package(manifest, localizations)
    files = {"manifest.json": _json_bytes(manifest)}
    files.update((name, _json_bytes(strings)) for name, strings in localizations.items())
    files[COLOR_ICON] = draw_color_icon()
    files[OUTLINE_ICON] = draw_outline_icon()
    return files


def write_package(out: Path, files: Mapping[str, bytes]) -> None:
    """Write the zip in one step: a failure leaves no half-written package behind."""
    if out.is_dir():
        raise PackageError(f"cannot write {out}: that is a directory")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    except OSError as error:
        raise PackageError(f"cannot write {out}: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "wb") as stream, zipfile.ZipFile(stream, "w") as archive:
            for name, content in files.items():
                # A fixed timestamp: the same input gives the same bytes.
                entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                entry.external_attr = 0o644 << 16
                archive.writestr(entry, content, compress_type=zipfile.ZIP_DEFLATED)
        os.chmod(temporary, 0o644)
        os.replace(temporary, out)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise PackageError(f"cannot write {out}: {error.strerror or error}") from None


def build_package(app_id: str, out: Path, developer: Developer | None = None) -> list[str]:
    """Write the package to `out`; returns the names of the files in it."""
    files = package_files(app_id, developer)
    write_package(out, files)
    return list(files)


# --- schemas -------------------------------------------------------------------------------------


@cache
def _validator(path: Path) -> jsonschema.protocols.Validator:
    schema = json.loads(path.read_text("utf-8"))
    # The schemas declare draft-04 and reference only themselves (no remote $ref): no network.
    validator_class = jsonschema.validators.validator_for(schema)
    # The schema is checked against its metaschema, but without check_schema's "regex" format:
    # one pattern (Office add-in function names, unused here) is ECMA-262 `\p{L}`, unknown to re.
    validator_class(validator_class.META_SCHEMA).validate(schema)
    return validator_class(schema)


def _raise_first_error(name: str, validator: Any, document: Any) -> None:
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is None:
        return
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    message = error.message if len(error.message) <= 160 else error.message[:157] + "..."
    raise PackageError(f"{name} breaks the Teams schema at {where.lstrip('.') or '/'}: {message}")


_KEY_PART = re.compile(r"([A-Za-z]+)((?:\[\d+\])*)")


def _apply_strings(manifest: Mapping[str, Any], strings: Mapping[str, str]) -> dict[str, Any]:
    """A copy of the manifest with localization keys ("name.short",
    "bots[0].commandLists[0].commands[1].title") set to the given strings."""
    result = copy.deepcopy(dict(manifest))
    for key, value in strings.items():
        steps: list[str | int] = []
        for part in key.split("."):
            match = _KEY_PART.fullmatch(part)
            if match is None:
                raise PackageError(f"unknown localization key {key!r}")
            steps.append(match.group(1))
            steps.extend(int(i) for i in re.findall(r"\d+", match.group(2)))
        target: Any = result
        try:
            for step in steps[:-1]:
                target = target[step]
            target[steps[-1]] = value
        except (KeyError, IndexError, TypeError):
            raise PackageError(f"localization key {key!r} names nothing in the manifest") from None
    return result


def _json_bytes(document: Mapping[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- icons ---------------------------------------------------------------------------------------
# Drawn from distance functions, anti-aliased by the distance to each shape's edge. Written with
# zlib and struct: Pillow is no dependency of the project, and an RGBA PNG takes a few lines.

Point = tuple[float, float]


def draw_color_icon(size: int = COLOR_ICON_SIZE) -> bytes:
    """White check mark on a green rounded square, edge to edge (Teams adds its own margin)."""
    accent = tuple(int(ACCENT_COLOR[i : i + 2], 16) for i in (1, 3, 5))
    scale = size / COLOR_ICON_SIZE
    half = size / 2

    def pixel(x: float, y: float) -> tuple[int, int, int, int]:
        square = _coverage(_rounded_square(x, y, half, half, 30 * scale))
        check = _coverage(_check_mark(x, y, scale * 6, 20 * scale))
        red, green, blue = (round(c + (255 - c) * check) for c in accent)
        return red, green, blue, round(255 * square)

    return encode_png(size, size, pixel)


def draw_outline_icon(size: int = OUTLINE_ICON_SIZE) -> bytes:
    """The same check mark in a rounded frame, white on transparent (as Teams requires)."""
    scale = size / OUTLINE_ICON_SIZE
    half = size / 2

    def pixel(x: float, y: float) -> tuple[int, int, int, int]:
        frame = _coverage(abs(_rounded_square(x, y, half - 2 * scale, half, 7 * scale)) - scale)
        check = _coverage(_check_mark(x, y, scale, 2.6 * scale))
        return 255, 255, 255, round(255 * max(frame, check))

    return encode_png(size, size, pixel)


def encode_png(width: int, height: int, pixel: Callable[[float, float], tuple[int, ...]]) -> bytes:
    """An 8-bit RGBA PNG of `pixel(x, y)` sampled at each pixel's centre."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type "None" for every row
        for x in range(width):
            rows.extend(pixel(x + 0.5, y + 0.5))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    # Bit depth 8, colour type 6 (RGBA), deflate, adaptive filtering, no interlace.
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def _coverage(distance: float) -> float:
    """How much of a pixel a shape covers, from the signed distance of its centre to the edge."""
    return min(1.0, max(0.0, 0.5 - distance))


def _rounded_square(x: float, y: float, half_size: float, centre: float, radius: float) -> float:
    qx = abs(x - centre) - half_size + radius
    qy = abs(y - centre) - half_size + radius
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


def _check_mark(x: float, y: float, unit: float, thickness: float) -> float:
    """Distance to a check mark drawn on a 32-unit grid (the outline icon's pixels)."""
    points: list[Point] = [
        (9.0 * unit, 16.5 * unit),
        (14 * unit, 21.5 * unit),
        (23 * unit, 11 * unit),
    ]
    nearest = min(_segment(x, y, a, b) for a, b in itertools.pairwise(points))
    return nearest - thickness / 2


def _segment(x: float, y: float, a: Point, b: Point) -> float:
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - ax - t * dx, y - ay - t * dy)
