"""The widget's texts come from the catalog: the server writes them into widget.js."""

from __future__ import annotations

import json
import re

from bot.channels.widget.assets import STATIC_DIR, WIDGET_MAX_LENGTH, load_assets, served_texts
from bot.i18n import LANGUAGES, Message
from bot.texts import CATALOG, render_text

RAW = (STATIC_DIR / "widget.js").read_text("utf-8")
SERVED = load_assets()["widget.js"].body.decode("utf-8")


def _names_read(prefix: str) -> set[str]:
    return set(re.findall(rf"\b{prefix}\.([a-zA-Z]+)\b", RAW)) - {"trim"}


def test_every_label_the_widget_reads_is_served_in_both_languages() -> None:
    texts = served_texts()
    for lang in LANGUAGES:
        assert _names_read("t") <= set(texts["labels"][lang]), lang
        assert _names_read("c") <= set(texts["card"][lang]), lang
        assert set(texts["labels"][lang]["errors"]) == {
            "too_long", "rate_limited", "unavailable", "other"
        }  # fmt: skip
    assert texts["labels"]["de"]["errors"]["too_long"].endswith("(höchstens 2.000 Zeichen).")
    assert texts["card"]["en"]["status"]["unmet"] == render_text(Message("mark.unmet"), "en")
    assert texts["maxLength"] == WIDGET_MAX_LENGTH


def test_the_served_file_holds_the_catalogs_texts_and_the_file_holds_none() -> None:
    match = re.search(r"const SERVED = (.*?);\n", SERVED)
    assert match and json.loads(match.group(1)) == served_texts()
    assert "/*served*/" not in SERVED
    for key in (k for k in CATALOG if k.startswith("widget.")):
        for lang in LANGUAGES:
            text = render_text(Message(key, {"max_length": WIDGET_MAX_LENGTH}), lang)
            for quoted in (f'"{text}', f"'{text}", f"`{text}"):  # as a string literal
                assert quoted not in RAW, (key, lang)
