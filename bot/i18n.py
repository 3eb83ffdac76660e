"""Languages, locale-aware formatting and the message type shared by every user-facing text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "en"
_LOCALES = {"de": Locale.parse("de_DE"), "en": Locale.parse("en_US")}
# Microsoft writes "USD 300K" in both languages; the ISO code reads unambiguously in each.
_CURRENCY_PATTERNS = {"de": "#,##0.## ¤¤", "en": "¤¤ #,##0.##"}


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang


def locale(lang: str) -> Locale:
    return _LOCALES[check_language(lang)]


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str = "USD"


@dataclass(frozen=True)
class Month:
    """A calendar month, shown as "März 2027" / "March 2027"."""

    first_day: dt.date


@lru_cache(maxsize=4096)  # pure, and the same thresholds and gaps come back in every verdict
def format_money(money: Money, lang: str) -> str:
    text = format_currency(
        money.amount,
        money.currency,
        format=_CURRENCY_PATTERNS[lang],
        locale=locale(lang),
        currency_digits=False,
    )
    return text.replace("\xa0", " ")


@lru_cache(maxsize=4096)
def format_number(value: int | Decimal, lang: str) -> str:
    return format_decimal(value, locale=locale(lang))


def format_month(month: Month, lang: str) -> str:
    return format_date(month.first_day, "MMMM y", locale=locale(lang))


def plural_category(lang: str, count: int | Decimal) -> str:
    return locale(lang).plural_form(count)


@dataclass(frozen=True)
class Message:
    """A text from a catalog by key, with typed parameters formatted when it is rendered."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


def format_value(
    value: Any,
    lang: str,
    catalog: Mapping[str, Mapping[str, Any]],
    defaults: Mapping[str, Any] | None = None,
) -> str:
    if isinstance(value, Message):
        return render(value, lang, catalog, defaults)
    if isinstance(value, Money):
        return format_money(value, lang)
    if isinstance(value, Month):
        return format_month(value, lang)
    if isinstance(value, bool):
        raise TypeError("booleans have no language-neutral rendering; pass a Message")
    if isinstance(value, int | Decimal):
        return format_number(value, lang)
    return str(value)


def render(
    message: Message,
    lang: str,
    catalog: Mapping[str, Mapping[str, Any]],
    defaults: Mapping[str, Any] | None = None,
) -> str:
    """Render a catalog message in `lang`; a variant may be split by plural category of `count`.
    `defaults` are parameters every message of the catalog may quote (the rule set's numbers),
    nested messages included; a message's own parameters win."""
    variants = catalog[message.key][check_language(lang)]
    if isinstance(variants, Mapping):
        variants = variants[plural_category(lang, message.params["count"])]
    used = {**(defaults or {}), **message.params}
    params = {
        name: format_value(value, lang, catalog, defaults)
        for name, value in used.items()
        if "{" + name in variants  # only what this text quotes is formatted
    }
    return variants.format(**params)
