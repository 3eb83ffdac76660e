"""Every text of the catalog exists in German and English, and a verdict speaks one language only."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings

from bot.eligibility import REQUIREMENTS, evaluate, render_report
from bot.i18n import LANGUAGES
from bot.texts import CATALOG
from tests.test_engine_properties import facts_of, raw_facts

ROOT = Path(__file__).resolve().parents[1]

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
    # Placeholders and fact keys ("indirect_months") are names, not words of either language.
    text = re.sub(r"\{[^{}]*\}|\w+_\w+", " ", NAMES.sub(" ", text))
    return {w.casefold() for w in re.findall(r"[^\W\d_]+", text)}


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def variants(entry) -> list[str]:
    return list(entry.values()) if isinstance(entry, dict) else [entry]


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_text_has_both_languages_with_the_same_placeholders(key: str) -> None:
    entry = CATALOG[key]
    assert set(entry) == set(LANGUAGES)
    german, english = (variants(entry[lang]) for lang in ("de", "en"))
    assert all(t.strip() for t in german + english)
    assert {frozenset(placeholders(t)) for t in german} == {
        frozenset(placeholders(t)) for t in english
    }


def test_every_requirement_has_both_titles() -> None:
    for requirement in REQUIREMENTS:
        assert requirement.title.key in CATALOG


# ASCII stand-ins for umlauts and ß that a careless German text would contain.
TRANSLITERATIONS = re.compile(
    r"fuer|ueber|koenn|muess|moecht|waehr|pruef|erfuell|naechst|hoechst|bestaetig|aender|"
    r"laeuf|groess|schliess|gemaess|zusaetz|verfueg|Buero",
    re.IGNORECASE,
)


def test_german_texts_use_umlauts_not_substitutes() -> None:
    for entry in CATALOG.values():
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


def _domain_texts() -> list[tuple[str, str, str]]:
    """(response, language, text) of every domain.yml response variant."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text("utf-8"))
    rows = []
    for name, responses in domain["responses"].items():
        for response in responses:
            lang = next(c["value"] for c in response["condition"] if c["name"] == "language")
            rows.append((name, lang, response["text"]))
    return rows


def _all_texts() -> list[tuple[str, str, str]]:
    rows = [
        (key, lang, text)
        for key, entry in CATALOG.items()
        for lang in LANGUAGES
        for text in variants(entry[lang])
    ]
    return rows + _domain_texts()


def test_no_text_mixes_in_the_other_language() -> None:
    for key, lang, text in _all_texts():
        foreign = ENGLISH_WORDS if lang == "de" else GERMAN_WORDS
        assert not words(text) & foreign, (key, lang, text)


def test_every_response_exists_in_both_languages() -> None:
    languages: dict[str, set[str]] = {}
    for name, lang, _ in _domain_texts():
        languages.setdefault(name, set()).add(lang)
    assert all(found == set(LANGUAGES) for found in languages.values()), languages


# Microsoft's German terms (the seed) against what a translation would say instead.
NOT_MICROSOFTS_GERMAN = re.compile(
    r"Direct[- ]Bill[- ]Partner|Kreditprüfung|Bonitätscheck"
    r"|indirekte[rn]? (?:Reseller|Händler)|Wiederverkäufer(?:in)? mit direkter|\bdu\b|\bdein",
    re.IGNORECASE,
)


def test_german_texts_use_microsofts_terms_and_sie() -> None:
    for key, lang, text in _all_texts():
        if lang == "de":
            assert not NOT_MICROSOFTS_GERMAN.search(text), (key, text)
            assert not TRANSLITERATIONS.search(text), (key, text)
