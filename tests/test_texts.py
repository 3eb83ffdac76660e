"""Every engine text exists in German and English, and a verdict speaks one language only."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given, settings

from bot.cli import CLI_TEXTS
from bot.eligibility import REQUIREMENTS, evaluate, render_report
from bot.eligibility.texts import TEXTS
from bot.i18n import LANGUAGES
from bot.storage.report import STORAGE_TEXTS
from tests.test_engine_properties import facts_of, raw_facts

# Product and programme names stay as Microsoft writes them in both languages.
NAMES = re.compile(
    r"Microsoft AI Cloud Partner Program|Advanced Support for Partners|Premier Support for Partners"
    r"|Partner Center|Managed Services|PartnerID|ASfP|PSfP|CSP|USD|Capabilities|Support|IP"
)
ENGLISH_WORDS = {"the", "and", "you", "your", "is", "not", "more", "short", "needed", "required",
                 "missing", "still", "months", "with", "buy", "check", "met", "open", "step", "steps"}  # fmt: skip
GERMAN_WORDS = {"und", "der", "die", "das", "sie", "nicht", "noch", "mit", "für", "ist", "sind",
                "monate", "ihre", "ihren", "erfüllt", "offen", "schritte"}  # fmt: skip


def words(text: str) -> set[str]:
    return {w.casefold() for w in re.findall(r"[^\W\d_]+", NAMES.sub(" ", text))}


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def variants(entry) -> list[str]:
    return list(entry.values()) if isinstance(entry, dict) else [entry]


CATALOGS = {"cli": CLI_TEXTS, "storage": STORAGE_TEXTS}


@pytest.mark.parametrize(
    "key",
    sorted(TEXTS) + [f"{name}:{k}" for name, catalog in CATALOGS.items() for k in catalog],
)
def test_every_text_has_both_languages_with_the_same_placeholders(key: str) -> None:
    name, _, own = key.partition(":")
    entry = CATALOGS[name][own] if own else TEXTS[key]
    assert set(entry) == set(LANGUAGES)
    german, english = (variants(entry[lang]) for lang in ("de", "en"))
    assert all(t.strip() for t in german + english)
    assert {frozenset(placeholders(t)) for t in german} == {
        frozenset(placeholders(t)) for t in english
    }


def test_every_requirement_has_both_titles() -> None:
    for requirement in REQUIREMENTS:
        assert set(requirement.title) == set(LANGUAGES) and all(requirement.title.values())


# ASCII stand-ins for umlauts and ß that a careless German text would contain.
TRANSLITERATIONS = re.compile(
    r"fuer|ueber|koenn|muess|moecht|waehr|pruef|erfuell|naechst|hoechst|bestaetig|aender|"
    r"laeuf|groess|schliess|gemaess|zusaetz|verfueg|Buero",
    re.IGNORECASE,
)


def test_german_texts_use_umlauts_not_substitutes() -> None:
    for entry in [*TEXTS.values(), *CLI_TEXTS.values(), *STORAGE_TEXTS.values()]:
        for text in variants(entry["de"]):
            assert not TRANSLITERATIONS.search(text), text


@settings(max_examples=150, deadline=None)
@given(raw_facts)
def test_a_verdict_speaks_only_its_language(raw: dict) -> None:
    verdict = evaluate(facts_of(raw))
    german = words(render_report(verdict, "de", explain=False))
    english = words(render_report(verdict, "en", explain=False))
    assert not german & ENGLISH_WORDS, german & ENGLISH_WORDS
    assert not english & GERMAN_WORDS, english & GERMAN_WORDS
    for lang in LANGUAGES:
        payload = verdict.to_payload(lang)
        texts = [payload["summary"], *payload["next_steps"], *payload["warnings"]]
        texts += [r["detail"] for r in payload["requirements"]] + [
            r["title"] for r in payload["requirements"]
        ]
        foreign = ENGLISH_WORDS if lang == "de" else GERMAN_WORDS
        assert not set().union(*(words(t) for t in texts)) & foreign
