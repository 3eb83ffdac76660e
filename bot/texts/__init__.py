"""Every user-facing text of the product outside domain.yml, in German and English: one catalog
and one function that renders from it.

The catalog is YAML, one file per part of the product (engine, requirements, conversation,
storage, cli, teams), each key with its German and English text side by side so that a reviewer
reads both at once; keys are unique across files, so a text of one part can be nested in a text
of another as a `Message` parameter. A variant may be split by plural category (CLDR: "one",
"other") of its `count` parameter. German follows Microsoft's German page (the seed): "Partner mit
direkter Abrechnung", "Bonitätsprüfung", "indirekter Wiederverkäufer", formal "Sie".
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from bot.i18n import LANGUAGES, Message, render

if TYPE_CHECKING:
    from bot.eligibility.rules import RuleSet

CATALOG_DIR = Path(__file__).resolve().parent


class CatalogError(ValueError):
    pass


def load_catalog(directory: Path = CATALOG_DIR) -> dict[str, Mapping[str, Any]]:
    catalog: dict[str, Mapping[str, Any]] = {}
    origin: dict[str, str] = {}
    for path in sorted(directory.glob("*.yml")):
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, entry in entries.items():
            if key in catalog:
                raise CatalogError(f"text {key!r} is in both {origin[key]} and {path.name}")
            if not isinstance(entry, Mapping) or set(entry) != set(LANGUAGES):
                raise CatalogError(f"text {key!r} in {path.name} needs exactly {LANGUAGES}")
            catalog[key], origin[key] = entry, path.name
    return catalog


CATALOG = load_catalog()


def render_text(message: Message, lang: str, rules: RuleSet | None = None) -> str:
    """A text of the catalog in `lang`; the rule-set numbers it quotes ({rule_min_revenue} …) are
    those of `rules` (a verdict's own rule set), else of the rule set in force today."""
    # Imported here: bot.eligibility's package imports this module while it initialises.
    from bot.eligibility.rules import text_parameters

    return render(message, lang, CATALOG, text_parameters(rules))
