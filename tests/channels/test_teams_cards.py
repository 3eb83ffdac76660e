"""Adaptive Cards for Teams (bot/channels/teams/cards.py): real verdict payloads from the engine,
validated offline against the vendored Adaptive Cards 1.5 schema; clicks; markdown escaping."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.channels.teams import cards
from bot.channels.teams.cards import (
    MAX_CARD_BYTES,
    MAX_PAYLOAD_CHARS,
    card_size,
    choice_card,
    escape_text,
    payload_from_value,
    verdict_card,
)
from bot.conversation import intents
from bot.conversation.texts import question
from bot.eligibility import QUESTION_ORDER, Facts, evaluate
from bot.i18n import LANGUAGES, Message
from bot.texts import render_text

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "bot" / "channels" / "teams" / "schemas"
SCHEMA_PATH = SCHEMA_DIR / "adaptive-card-1.5.json"

ELIGIBLE = {
    "partner_id_active": True,
    "signing_authority": True,
    "first_line_support": True,
    "support_plan": "psfp",
    "credit_check_passed": True,
    "csp_revenue_usd": 350000,
    "indirect_months": 14,
    "billing_infrastructure": True,
    "capabilities": True,
    "managed_services": 2,
}
CASES = {
    "eligible": ELIGIBLE,
    "revenue_gap": {**ELIGIBLE, "csp_revenue_usd": 120000},
    # A plan bought before the credit check: not eligible, with a warning.
    "plan_before_credit_check": {
        **ELIGIBLE,
        "csp_revenue_usd": 120000,
        "credit_check_passed": False,
    },
    "incomplete": {},
}
EXPECTED_STATUS = {
    "eligible": "eligible",
    "revenue_gap": "not_eligible",
    "plan_before_credit_check": "not_eligible",
    "incomplete": "incomplete",
}
HOSTILE = "[klick](http://evil.example) **fett** <b>x</b> _y_"
MARKDOWN_ALWAYS = "\\`*_[]~|<"
# A character reference as CommonMark reads one.
ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    """A validator of the schema's own draft, built here, not by the code under test. Every $ref
    is local (checked below), so validation never touches the network."""
    schema = json.loads(SCHEMA_PATH.read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft6Validator
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def payload(case: str, lang: str) -> dict[str, Any]:
    return evaluate(Facts.from_mapping(CASES[case])).to_payload(lang)


def texts(node: Any) -> list[str]:
    """Every TextBlock text in a card, in order."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "TextBlock":
            found.append(node["text"])
        for value in node.values():
            found += texts(value)
    elif isinstance(node, list):
        for value in node:
            found += texts(value)
    return found


def rows(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in card["body"] if str(e.get("id", "")).startswith("requirement-")]


def row_texts(row: dict[str, Any]) -> tuple[str, list[str]]:
    marker, content = row["columns"]
    return marker["items"][0]["text"], [item["text"] for item in content["items"]]


def tokens(text: str) -> list[tuple[str, bool]]:
    """(character, escaped by a backslash) for each visible character of markdown source."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append((text[i + 1], True))
            i += 2
        else:
            out.append((text[i], False))
            i += 1
    return out


def unescape(text: str) -> str:
    """What a CommonMark renderer shows for escaped plain text."""
    text = text.replace("{\u200b", "{")
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def markdown_left(text: str) -> list[str]:
    """Markdown syntax that a renderer would still interpret in `text`."""
    problems = []
    toks = tokens(text)
    for (char, escaped), following in zip(toks, [*toks[1:], ("", True)], strict=False):
        if not escaped and char in MARKDOWN_ALWAYS:
            problems.append(f"unescaped {char!r}")
        if char == "]" and not escaped and following == ("(", False):
            problems.append("link syntax '](")
    visible = "".join(char for char, _ in toks)
    for i, (char, escaped) in enumerate(toks):
        if char == "&" and not escaped and ENTITY.match(visible, i):
            problems.append("entity")
    for line in re.split(r"\r\n|\r|\n", text):
        if re.match(r"[ \t]*([#>+=-]|\d+[.)]([ \t]|$))", line):
            problems.append(f"line marker in {line!r}")
    return problems


# --- the vendored schema -------------------------------------------------------------------


def test_schema_is_the_adaptive_cards_1_5_schema_with_only_local_refs() -> None:
    raw = SCHEMA_PATH.read_text("utf-8")
    schema = json.loads(raw)
    assert schema["id"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert "Table" in schema["definitions"]  # new in 1.5
    assert schema["definitions"]["TextBlockStyle"]["version"] == "1.5"
    refs = re.findall(r'"\$ref":\s*"([^"]*)"', raw)
    assert refs and all(ref.startswith("#/definitions/") for ref in refs)
    licence = (SCHEMA_DIR / "LICENSE-adaptivecards").read_text("utf-8")
    assert "MIT License" in licence and "Copyright (c) Microsoft Corporation" in licence


def test_the_schema_rejects_what_teams_would_reject(validator) -> None:
    """The validation bites: a wrong colour, an unknown property, a missing text."""
    card = verdict_card(payload("eligible", "en"))
    for break_it in (
        lambda c: c["body"][0].update(color="purple"),
        lambda c: c["body"][0].update(colour="good"),
        lambda c: c["body"][0].pop("text"),
        lambda c: c.update(msteams={"width": "Full"}),
    ):
        broken = copy.deepcopy(card)
        break_it(broken)
        assert not validator.is_valid(broken)


# --- the verdict card ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("case", CASES)
def test_verdict_card_is_valid_and_shows_every_requirement_in_order(
    validator, case: str, lang: str
) -> None:
    data = payload(case, lang)
    assert data["status"] == EXPECTED_STATUS[case]
    card = verdict_card(data)
    validator.validate(card)
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert card["lang"] == lang

    heading = card["body"][0]
    assert heading["text"] == escape_text(data["summary"])
    colour = {"eligible": "good", "not_eligible": "attention", "incomplete": "warning"}
    assert heading["color"] == colour[data["status"]]

    found = rows(card)
    assert len(found) == len(data["requirements"]) == 8
    symbols = {"met": "✅", "unmet": "❌", "unknown": "❓", "pending": "⏳"}
    for row, requirement in zip(found, data["requirements"], strict=True):
        assert row["id"] == f"requirement-{requirement['code']}"
        symbol, (title, detail) = row_texts(row)
        assert symbol == symbols[requirement["status"]]
        # The same words as the text report: "Title (status): detail".
        mark = render_text(Message(f"mark.{requirement['status']}"), lang)
        assert title == escape_text(f"{requirement['title']} ({mark})")
        assert detail == escape_text(requirement["detail"])
        assert row["columns"][1]["items"][0]["weight"] == "bolder"

    shown = texts(card)
    assert any(data["rules_version"] in text for text in shown)
    rules = render_text(Message("heading.rules", {"version": data["rules_version"]}), lang)
    assert escape_text(rules) in shown
    steps_heading = {"de": "Nächste Schritte", "en": "Next steps"}[lang]
    assert bool(data["next_steps"]) == any(steps_heading in text for text in shown)
    for step in data["next_steps"]:
        assert escape_text(step) in shown
    warnings_heading = render_text(Message("heading.warnings"), lang)
    assert bool(data["warnings"]) == (escape_text(warnings_heading) in shown)
    for warning in data["warnings"]:
        assert escape_text(warning) in shown


@pytest.mark.parametrize("lang", LANGUAGES)
def test_steps_are_numbered_as_plain_text_in_order(lang: str) -> None:
    data = payload("incomplete", lang)
    card = verdict_card(data)
    numbered = [
        e
        for e in card["body"]
        if e["type"] == "ColumnSet" and e["columns"][0]["items"][0]["type"] == "RichTextBlock"
    ]
    assert len(numbered) == len(data["next_steps"]) > 1
    for i, (row, step) in enumerate(zip(numbered, data["next_steps"], strict=True), 1):
        number = row["columns"][0]["items"][0]["inlines"][0]
        assert number == {"type": "TextRun", "text": f"{i}."}  # a TextRun renders no markdown
        assert row["columns"][1]["items"][0]["text"] == escape_text(step)


def test_the_catalog_texts_need_no_escaping() -> None:
    """Escaping changes only what is markdown: the engine's own sentences stay as they are."""
    for case in CASES:
        for lang in LANGUAGES:
            data = payload(case, lang)
            plain = [data["summary"], *data["next_steps"], *data["warnings"]]
            plain += [r[k] for r in data["requirements"] for k in ("title", "detail")]
            assert [escape_text(text) for text in plain] == plain


def test_a_comparison_with_another_rule_set_is_shown(validator) -> None:
    data = payload("revenue_gap", "de")
    data["comparison"] = {
        "rules_version": "fy26",
        "status": "eligible",
        "unmet": [],
        "unknown": [],
    }
    card = verdict_card(data)
    validator.validate(card)
    line = texts(card)[-1]
    assert "Zum Vergleich (Regelwerk: fy26)" in line and "Sie erfüllen alle" in line


def test_hostile_text_stays_literal(validator) -> None:
    data = payload("revenue_gap", "de")
    data["requirements"][3]["detail"] = HOSTILE
    data["requirements"][0]["title"] = HOSTILE
    data["next_steps"][0] = HOSTILE + "\n1. Schritt\n- Punkt\n# Titel\n> Zitat"
    data["summary"] = HOSTILE
    card = verdict_card(data)
    validator.validate(card)
    assert markdown_left(HOSTILE)  # the check would fail on unescaped text

    _, (title, detail) = row_texts(rows(card)[3])
    assert detail == escape_text(HOSTILE)
    assert "](" not in detail
    for text in (detail, title, card["body"][0]["text"], card["fallbackText"]):
        assert markdown_left(text) == [], text
    assert unescape(detail) == HOSTILE
    step = next(t for t in texts(card) if t.startswith(escape_text(HOSTILE) + "\n"))
    assert markdown_left(step) == []
    assert unescape(step) == data["next_steps"][0]


def test_a_huge_detail_is_cut_and_the_card_fits(validator) -> None:
    data = payload("revenue_gap", "en")
    data["requirements"][3]["detail"] = "x" * 100_000
    card = verdict_card(data)
    validator.validate(card)
    assert card_size(card) <= MAX_CARD_BYTES
    assert len(json.dumps(card).encode()) <= MAX_CARD_BYTES
    _, (_, detail) = row_texts(rows(card)[3])
    assert detail.endswith("…") and len(detail) <= cards.MAX_TEXT_CHARS
    assert len(rows(card)) == 8


def test_a_card_of_huge_texts_everywhere_still_fits(validator) -> None:
    data = payload("incomplete", "de")
    long = "Ä😀[x](y) " * 20_000
    data["summary"] = long
    data["rules_version"] = long
    for requirement in data["requirements"]:
        requirement["title"] = requirement["detail"] = long
    data["next_steps"] = [long] * 60
    data["warnings"] = [long] * 60
    card = verdict_card(data)
    validator.validate(card)
    assert card_size(card) <= MAX_CARD_BYTES
    assert len(rows(card)) == 8
    assert any(text.startswith("… und") for text in texts(card))  # lists cut, and it says so


# --- the choice card and clicks ------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("fact", QUESTION_ORDER)
def test_choice_card_round_trips_every_button(validator, fact: str, lang: str) -> None:
    text, buttons = question(fact, lang)
    card = choice_card(text, buttons, lang=lang)
    validator.validate(card)
    assert card["body"][0]["text"] == escape_text(text)
    actions = card["actions"]
    assert len(actions) == len(buttons) >= 1
    for action, button in zip(actions, buttons, strict=True):
        assert action["type"] == "Action.Submit"
        assert action["title"] == button["title"]
        data = action["data"]
        assert payload_from_value(data) == button["payload"]
        # Teams may hand over the messageBack value (merged with data) instead of data itself.
        assert payload_from_value(data["msteams"]["value"]) == button["payload"]
        assert data["msteams"]["type"] == "messageBack"
        assert data["msteams"]["displayText"] == escape_text(button["title"])
        # What Teams sends as activity.value is JSON: the payload survives the trip.
        assert payload_from_value(json.loads(json.dumps(data))) == button["payload"]


def test_choice_card_with_many_buttons_keeps_the_first_six_as_buttons(validator) -> None:
    buttons = [{"title": f"Option {i}", "payload": f'/choose{{"n": {i}}}'} for i in range(9)]
    card = choice_card("Welche?", buttons)
    validator.validate(card)
    modes = [action.get("mode", "primary") for action in card["actions"]]
    assert modes == ["primary"] * 6 + ["secondary"] * 3
    assert "lang" not in card


@pytest.mark.parametrize(
    "buttons",
    [
        [{"title": "Ja"}],
        [{"title": "Ja", "payload": 5}],
        [{"title": "Ja", "payload": ""}],
        [{"title": "Ja", "payload": "/" + "x" * MAX_PAYLOAD_CHARS}],
        [{"title": " ", "payload": intents.payload(intents.AFFIRM)}],
        [intents.payload(intents.AFFIRM)],
    ],
)
def test_choice_card_refuses_buttons_a_click_could_not_bring_back(buttons) -> None:
    with pytest.raises(ValueError):
        choice_card("Frage?", buttons)


def test_a_long_button_title_is_one_short_line() -> None:
    card = choice_card(
        "Frage?", [{"title": "Ja\n" + "sehr " * 100, "payload": intents.payload(intents.AFFIRM)}]
    )
    title = card["actions"][0]["title"]
    assert "\n" not in title and title.endswith("…")
    assert len(title) <= cards.MAX_BUTTON_TITLE_CHARS


@pytest.mark.parametrize(
    "value",
    [
        None,
        "x",
        intents.payload(intents.AFFIRM),
        5,
        [intents.payload(intents.AFFIRM)],
        {},
        {"rasa_payload": 5},
        {"rasa_payload": None},
        {"rasa_payload": ""},
        {"rasa_payload": "   "},
        {"rasa_payload": [intents.payload(intents.AFFIRM)]},
        {"other": 1},
        {"msteams": {"value": {"other": intents.payload(intents.AFFIRM)}}},
        {"rasa_payload": "/" + "x" * MAX_PAYLOAD_CHARS},
    ],
)
def test_payload_from_value_rejects_junk(value) -> None:
    assert payload_from_value(value) is None


def test_payload_from_value_accepts_ours_up_to_the_limit() -> None:
    longest = "/" + "x" * (MAX_PAYLOAD_CHARS - 1)
    assert payload_from_value({"rasa_payload": longest}) == longest
    assert payload_from_value(
        {"rasa_payload": intents.payload(intents.AFFIRM), "msteams": {}}
    ) == intents.payload(intents.AFFIRM)


# --- escape_text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        (
            "Notiert – Ihr Standort: [klick](http://evil)",
            "Notiert – Ihr Standort: \\[klick\\]\\(http://evil)",
        ),
        (
            "**fett** _kursiv_ `code` ~~weg~~",
            "\\*\\*fett\\*\\* \\_kursiv\\_ \\`code\\` \\~\\~weg\\~\\~",
        ),
        ("<b>x</b> <http://evil>", "\\<b>x\\</b> \\<http://evil>"),
        ("1. Schritt", "1\\. Schritt"),
        ("2) Schritt", "2\\) Schritt"),
        (
            "  - Punkt\n+ Punkt\n# Titel\n> Zitat\n===",
            "  \\- Punkt\n\\+ Punkt\n\\# Titel\n\\> Zitat\n\\===",
        ),
        ("a | b", "a \\| b"),
        ("&amp; &#91; & Co.", "\\&amp; \\&#91; & Co."),
        ("C:\\temp\\*", "C:\\\\temp\\\\\\*"),
        ("{{DATE(2017-02-14T06:08:00Z)}}", "{\u200b{DATE(2017-02-14T06:08:00Z)}}"),
        (
            "Support (ASfP) für 12.5 Monate, 3 - 4 Tage",
            "Support (ASfP) für 12.5 Monate, 3 - 4 Tage",
        ),
        ("2026. Jahr\r\n10.000 USD", "2026\\. Jahr\r\n10.000 USD"),
    ],
)
def test_escape_text_examples(raw: str, escaped: str) -> None:
    assert escape_text(raw) == escaped
    assert unescape(escaped) == raw


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\u200b"),
    max_size=200,
)
_MARKDOWNISH = st.lists(
    st.sampled_from(["[", "]", "(", ")", "*", "_", "`", "~", "|", "<", ">", "&", "#", "-", "+",
                     "=", "1.", "2)", " ", "\n", "\r\n", "\\", "{{", "a", "amp;", "#91;", "ü"]),
    max_size=60,
).map("".join)  # fmt: skip


@given(st.one_of(_TEXT, _MARKDOWNISH))
def test_escaped_text_is_literal_and_lossless(text: str) -> None:
    escaped = escape_text(text)
    assert markdown_left(escaped) == []
    assert unescape(escaped) == text
