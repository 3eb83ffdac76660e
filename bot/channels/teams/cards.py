"""Adaptive Cards 1.5 for the Microsoft Teams channel, and markdown escaping for Teams.

Pure functions (no I/O, no Rasa) that the Teams output channel calls:

- `verdict_card(payload)`: the card for a verdict payload (CONTRACT.md §3, a `json_message` of
  type "eligibility_verdict"): the summary as a coloured heading, one row per requirement, the
  numbered next steps, the warnings and the rule-set line, worded as the text report
  (`bot/eligibility/report.py`) from the same catalog.
- `choice_card(text, buttons)`: a form question with Rasa's buttons as `Action.Submit` buttons.
- `payload_from_value(activity.value)`: the Rasa payload of a click, or None.
- `escape_text(text)`: markdown-escaped text; every text placed in a TextBlock goes through it, and
  the channel uses it for plain message text too (Teams renders markdown in both).

The click contract. Every button's `data` is

    {"rasa_payload": PAYLOAD,
     "msteams": {"type": "messageBack", "displayText": TITLE, "text": PAYLOAD,
                 "value": {"rasa_payload": PAYLOAD}}}

where PAYLOAD is the Rasa button payload ("/affirm", '/inform{"support_plan": "psfp"}', ...).
Teams turns a click into a message activity whose `value` carries `rasa_payload` at its top level
(whether it sends the `data` object or the messageBack `value` merged with it, the key is there),
so the channel sends `payload_from_value(activity.value)` to Rasa when it is not None and ignores
`activity.text` then; `text` is the same payload, so a channel that reads only text still works.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, Message
from bot.texts import render_text

CARD_SCHEMA_URL = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"
# The attachment content type the channel wraps a card in.
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"

# Teams rejects a bot message over about 28 KB, the activity around the card included; the card
# itself stays under MAX_CARD_BYTES (measured by card_size, as json.dumps writes it by default:
# ASCII-escaped, the largest form a channel may send) so the envelope has room.
TEAMS_MESSAGE_LIMIT_BYTES = 28 * 1024
MAX_CARD_BYTES = 24 * 1024
# One detail, step, warning or question is cut to this many characters, with "…"; when a card is
# still too large, the caps shrink step by step (_SHRINK_STEPS).
MAX_TEXT_CHARS = 1000
MAX_TITLE_CHARS = 200
MAX_BUTTON_TITLE_CHARS = 80
# The longest payload accepted back from a click: ours are short; anything longer is not ours.
MAX_PAYLOAD_CHARS = 1000
PAYLOAD_KEY = "rasa_payload"
ELLIPSIS = "…"

# (text cap, items per list) tried in order until the verdict card fits.
_SHRINK_STEPS = ((MAX_TEXT_CHARS, 20), (500, 20), (250, 20), (120, 20), (60, 10), (30, 5))
# Teams shows up to six actions as buttons; further ones go to the overflow menu.
_MAX_PRIMARY_ACTIONS = 6

_SYMBOLS = {"met": "✅", "unmet": "❌", "unknown": "❓", "pending": "⏳"}
_HEADING_COLOURS = {"eligible": "good", "not_eligible": "attention", "incomplete": "warning"}
_WARNING_SYMBOL = "⚠️"

# --- markdown escaping ---------------------------------------------------------------------

# Teams renders a CommonMark subset in TextBlocks and message text: **bold**, _italic_, `code`,
# ~~strike~~, [links](url), <autolinks>, lists ("- ", "+ ", "* ", "1. ", "1) "), and on some
# clients headings ("#"), quotes (">") and tables ("|"). A backslash before ASCII punctuation
# makes it literal. Characters that only matter at a line's start are escaped only there, and "("
# only after "]", so the catalog's own texts ("(ASfP)", "Cloud-Produkt") stay unchanged for
# renderers that show a stray backslash; without "](" side by side no renderer forms a link.
_ALWAYS_ESCAPED = frozenset("\\`*_[]~|<")
_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
_LINE_MARKER = re.compile(r"^([ \t]*)(?:([#>+=-])|([0-9]{1,9})([.)])(?=[ \t]|$))")
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")
# "{{DATE(...)}}" and "{{TIME(...)}}" are Adaptive Cards date functions; a zero-width space
# between the braces keeps a user's braces literal.
_DOUBLE_BRACE = re.compile(r"\{(?=\{)")
_ZERO_WIDTH_SPACE = "\u200b"


def _escape_line(line: str) -> str:
    chars: list[str] = []
    previous = ""
    for char in line:
        if char in _ALWAYS_ESCAPED or (char == "(" and previous == "]"):
            chars.append("\\" + char)
        else:
            chars.append(char)
        previous = char
    escaped = _ENTITY.sub(r"\\&", "".join(chars))
    escaped = _DOUBLE_BRACE.sub("{" + _ZERO_WIDTH_SPACE, escaped)
    marker = _LINE_MARKER.match(escaped)
    if marker:
        # Before a heading, quote, list or rule marker, or before a list number's "." / ")".
        at = marker.start(2) if marker.group(2) else marker.start(4)
        escaped = escaped[:at] + "\\" + escaped[at:]
    return escaped


def escape_text(text: str) -> str:
    """`text` with every markdown-significant character made literal for Teams.

    Apply it once to raw text (it escapes backslashes too, so it is not idempotent).
    """
    parts = _LINE_BREAK.split(str(text))
    # split() with a group alternates text and line breaks; only the text parts are escaped.
    return "".join(part if i % 2 else _escape_line(part) for i, part in enumerate(parts))


# --- helpers -------------------------------------------------------------------------------


def _clip(text: Any, limit: int) -> str:
    """Raw text cut to `limit` characters with "…" (before escaping, so no escape is split)."""
    text = "" if text is None else str(text)
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def _language(payload: Mapping[str, Any]) -> str:
    lang = payload.get("language")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def _text_block(text: str, **props: Any) -> dict[str, Any]:
    """A wrapping TextBlock of escaped `text`."""
    return {"type": "TextBlock", "text": escape_text(text), "wrap": True, **props}


def _row(marker: dict[str, Any], items: list[dict[str, Any]], **props: Any) -> dict[str, Any]:
    """A ColumnSet: a narrow column with `marker`, a wide one with `items`."""
    return {
        "type": "ColumnSet",
        "columns": [
            {"type": "Column", "width": "auto", "items": [marker]},
            {"type": "Column", "width": "stretch", "items": items},
        ],
        **props,
    }


def _number(i: int) -> dict[str, Any]:
    # A TextRun renders no markdown, so "1." stays a plain number, not an ordered list.
    return {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": f"{i}."}]}


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list | tuple):
        return []
    return [str(v) for v in value if v is not None]


def card_size(card: Mapping[str, Any]) -> int:
    """The card's size in bytes as json.dumps writes it by default (ASCII-escaped, with spaces),
    the largest form a channel is likely to send."""
    return len(json.dumps(card).encode("ascii"))


def _card(body: list[dict[str, Any]], lang: str | None, fallback: str) -> dict[str, Any]:
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA_URL,
        "version": CARD_VERSION,
        # Shown by clients that cannot render version 1.5.
        "fallbackText": escape_text(fallback),
        "body": body,
    }
    if lang:
        card["lang"] = lang
    return card


# --- the verdict card ----------------------------------------------------------------------


def _requirement_row(index: int, item: Any, lang: str, cap: int) -> dict[str, Any]:
    item = item if isinstance(item, Mapping) else {}
    status = str(item.get("status", ""))
    code = str(item.get("code", ""))
    mark = render_text(Message(f"mark.{status}"), lang) if status in _SYMBOLS else status
    title = _clip(item.get("title") or code, min(cap, MAX_TITLE_CHARS))
    title_line = f"{title} ({mark})" if mark else title
    # Element ids must be unique; a code is [a-z_], anything else falls back to the position.
    ident = code if re.fullmatch(r"[a-z0-9_]{1,40}", code) else str(index)
    return _row(
        {"type": "TextBlock", "text": _SYMBOLS.get(status, "•")},
        [
            _text_block(title_line, weight="bolder"),
            _text_block(_clip(item.get("detail"), cap), spacing="none"),
        ],
        id=f"requirement-{ident}",
        spacing="small",
    )


def _listed(items: list[str], limit: int, lang: str) -> tuple[list[str], dict[str, Any] | None]:
    """The first `limit` items, and a "… and N more" line when some were left off."""
    if len(items) <= limit:
        return items, None
    more = _text_block(
        render_text(Message("card.more", {"count": len(items) - limit}), lang), isSubtle=True
    )
    return items[:limit], more


def _comparison_line(payload: Mapping[str, Any], lang: str, cap: int) -> dict[str, Any] | None:
    comparison = payload.get("comparison")
    if not isinstance(comparison, Mapping) or comparison.get("status") not in _HEADING_COLOURS:
        return None
    rules = render_text(
        Message("heading.rules", {"version": _clip(comparison.get("rules_version"), cap)}), lang
    )
    summary = render_text(Message(f"status.{comparison['status']}"), lang)
    return _text_block(
        render_text(Message("card.comparison", {"rules": rules, "summary": summary}), lang),
        isSubtle=True,
        size="small",
    )


def _verdict_body(payload: Mapping[str, Any], lang: str, cap: int, limit: int) -> list[dict]:
    status = payload.get("status")
    summary = _clip(payload.get("summary") or "", cap)
    body: list[dict[str, Any]] = [
        _text_block(
            summary,
            style="heading",
            size="medium",
            weight="bolder",
            color=_HEADING_COLOURS.get(status, "default"),
        )
    ]
    requirements = payload.get("requirements")
    for index, item in enumerate(requirements if isinstance(requirements, list) else []):
        body.append(_requirement_row(index, item, lang, cap))

    steps, more_steps = _listed(_strings(payload.get("next_steps")), limit, lang)
    if steps:
        heading = render_text(Message("heading.next_steps"), lang)
        body.append(_text_block(heading, weight="bolder", separator=True, spacing="medium"))
        for i, step in enumerate(steps, 1):
            body.append(_row(_number(i), [_text_block(_clip(step, cap))], spacing="small"))
        if more_steps:
            body.append(more_steps)

    warnings, more_warnings = _listed(_strings(payload.get("warnings")), limit, lang)
    if warnings:
        heading = render_text(Message("heading.warnings"), lang)
        body.append(_text_block(heading, weight="bolder", separator=True, spacing="medium"))
        for warning in warnings:
            marker = {"type": "TextBlock", "text": _WARNING_SYMBOL}
            body.append(_row(marker, [_text_block(_clip(warning, cap))], spacing="small"))
        if more_warnings:
            body.append(more_warnings)

    version = _clip(payload.get("rules_version"), min(cap, MAX_TITLE_CHARS))
    rules = render_text(Message("heading.rules", {"version": version}), lang)
    body.append(_text_block(rules, isSubtle=True, size="small", separator=True, spacing="medium"))
    comparison = _comparison_line(payload, lang, min(cap, MAX_TITLE_CHARS))
    if comparison:
        body.append(comparison)
    return body


def verdict_card(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The Adaptive Card (1.5) for a verdict payload (CONTRACT.md §3), in the payload's language.

    Texts are escaped and cut so that the card stays under MAX_CARD_BYTES.
    """
    lang = _language(payload)
    for cap, limit in _SHRINK_STEPS:
        summary = _clip(payload.get("summary") or "", cap)
        card = _card(_verdict_body(payload, lang, cap, limit), lang, summary)
        if card_size(card) <= MAX_CARD_BYTES:
            return card
    # Only a payload far outside the contract (hundreds of requirements) gets here: the summary and
    # the rule set still tell the partner where they stand.
    cap = _SHRINK_STEPS[-1][0]
    summary = _clip(payload.get("summary") or "", cap)
    version = _clip(payload.get("rules_version"), cap)
    rules = render_text(Message("heading.rules", {"version": version}), lang)
    return _card([_text_block(summary, weight="bolder"), _text_block(rules)], lang, summary)


# --- the choice card and clicks ------------------------------------------------------------


def _button_title(title: Any) -> str:
    # Action titles are plain text in Adaptive Cards (no markdown), so they are not escaped, only
    # kept to one line and a length a button can show.
    return _clip(" ".join(str(title).split()), MAX_BUTTON_TITLE_CHARS)


def _submit_action(index: int, button: Any) -> dict[str, Any]:
    if not isinstance(button, Mapping):
        raise ValueError(f"button {index} is not a mapping: {button!r}")
    title, payload = button.get("title"), button.get("payload")
    if not isinstance(title, str) or not title.strip():
        raise ValueError(f"button {index} has no title")
    if not isinstance(payload, str) or payload_from_value({PAYLOAD_KEY: payload}) is None:
        raise ValueError(f"button {index} has a payload a click could not bring back: {payload!r}")
    title = _button_title(title)
    action: dict[str, Any] = {
        "type": "Action.Submit",
        "title": title,
        # messageBack, not imBack: imBack sends only text, and in a team channel a bot hears a
        # message only when it is @mentioned, so the click would be lost there; a plain submit
        # leaves no trace in the chat. messageBack reaches the bot in personal, group and team
        # chats with `value` (our payload), and displayText shows the choice as the user's reply.
        "data": {
            PAYLOAD_KEY: payload,
            "msteams": {
                "type": "messageBack",
                # Shown as the user's message, which Teams renders as markdown.
                "displayText": escape_text(title),
                "text": payload,
                "value": {PAYLOAD_KEY: payload},
            },
        },
    }
    if index >= _MAX_PRIMARY_ACTIONS:
        action["mode"] = "secondary"
    return action


def choice_card(
    text: str, buttons: Sequence[Mapping[str, Any]], *, lang: str | None = None
) -> dict[str, Any]:
    """A question with its answers as buttons: one Action.Submit per Rasa button, in order.

    `buttons` is Rasa's list of {"title": ..., "payload": ...}; a button without a title or with a
    payload that `payload_from_value` would refuse raises ValueError.
    """
    lang = lang if lang in LANGUAGES else None
    actions = [_submit_action(i, button) for i, button in enumerate(buttons)]
    question = _clip(text, MAX_TEXT_CHARS)
    card = _card([_text_block(question)], lang, question)
    if actions:
        card["actions"] = actions
    if card_size(card) > MAX_CARD_BYTES:
        raise ValueError(f"{len(actions)} buttons do not fit in one Teams card")
    return card


def payload_from_value(value: Any) -> str | None:
    """The Rasa payload of a click on one of our buttons, from the activity's `value`; None for
    anything else (no mapping, no `rasa_payload` string, empty or over MAX_PAYLOAD_CHARS)."""
    if not isinstance(value, Mapping):
        return None
    payload = value.get(PAYLOAD_KEY)
    if not isinstance(payload, str) or not payload.strip() or len(payload) > MAX_PAYLOAD_CHARS:
        return None
    return payload
