"""Long whitespace-free runs (10,000 emoji, a pasted hash) are read in pieces or as blank, so no
text step takes quadratic time on them; ordinary text is read exactly as before."""

from __future__ import annotations

from rasa.shared.nlu.training_data.loading import load_data

from bot.nlu.components import _spacy_pipeline, spacy_tokens
from bot.nlu.embeddings import within_tokens
from bot.nlu.runs import MAX_RUN_CHARS, blank_long_runs, cut_long_runs
from bot.nlu.statements import extract_statements
from bot.serve import ROOT


def test_pieces_cover_the_text_and_cut_only_long_runs() -> None:
    text = "kurz " + "x" * 150 + " Ende"
    pieces = cut_long_runs(text)
    assert "".join(text[a:b] for a, b in pieces) == text
    assert all(b - a <= MAX_RUN_CHARS for a, b in pieces if a >= 5 and b <= 155)
    assert cut_long_runs("ganz normaler Text") == [(0, 18)]
    assert cut_long_runs("") == []


def test_blanking_keeps_offsets_and_ordinary_words() -> None:
    text = "PSfP " + "😀" * 100 + " haben wir"
    blanked = blank_long_runs(text)
    assert (
        len(blanked) == len(text) and blanked.startswith("PSfP ") and blanked.endswith(" haben wir")
    )
    assert blanked[5:105].strip() == ""
    assert blank_long_runs("a" * MAX_RUN_CHARS) == "a" * MAX_RUN_CHARS


def test_the_tokens_of_every_training_example_are_spacys_own() -> None:
    examples = [m.get("text") for m in load_data(str(ROOT / "data" / "nlu")).training_examples]
    for lang in ("de", "en"):
        nlp = _spacy_pipeline(lang)
        for text in examples:
            assert spacy_tokens(nlp, text) == [(t.text, t.idx) for t in nlp.make_doc(text)], text


def test_a_long_run_is_tokenized_with_the_right_offsets() -> None:
    text = "Hallo " + "😀" * 10_000 + " Tschüss"
    tokens = spacy_tokens(_spacy_pipeline("de"), text)
    # A piece that starts with a space gives it as a token of its own; the tokenizer drops those.
    assert [t for t, _ in tokens if t.strip()] == ["Hallo", *["😀"] * 10_000, "Tschüss"]
    assert all(text[idx : idx + len(token)] == token for token, idx in tokens)


def test_statements_around_a_long_run_are_still_read() -> None:
    text = "Wir haben eine aktive PartnerID. " + "x" * 5000 + " Einen Helpdesk haben wir nicht."
    stated = {(s.entity, s.value) for s in extract_statements(text, "de")}
    assert ("has", "partner_id_active") in stated and ("lacks", "first_line_support") in stated
    assert extract_statements("x" * 10_000, "de") == []
    assert extract_statements(" " * 10_000, "de") == []


def test_a_text_is_cut_to_the_longest_beginning_within_the_token_budget() -> None:
    assert within_tokens("abcdef", len, 3) == "abc"
    assert within_tokens("ab", len, 3) == "ab"
    assert within_tokens("abc", len, 0) == ""
    words = lambda text: len(text.split())  # noqa: E731
    assert within_tokens("one two three four", words, 2) == "one two "
