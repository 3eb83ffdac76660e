"""The intent names of the Python code: bot/conversation/intents.py holds each, the domain declares
each, and no other Python file spells one out as a string."""

from __future__ import annotations

import re
import shutil
import subprocess
import tokenize
from pathlib import Path

import pytest
import yaml
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME

from bot.conversation import intents

ROOT = Path(__file__).resolve().parents[2]
MODULE = Path(intents.__file__).resolve().relative_to(ROOT).as_posix()
# A line that names the word as something else (a command, a user's text, a payload key) says so.
NOT_AN_INTENT = "# not an intent"

CONSTANTS = {
    name: value
    for name, value in vars(intents).items()
    if name.isupper() and isinstance(value, str)
}
GROUPS = {
    name: value
    for name, value in vars(intents).items()
    if name.isupper() and isinstance(value, frozenset)
}


def _domain_intents() -> set[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text("utf-8"))
    # An intent is listed by name, or as a mapping of its name to its options.
    return {next(iter(i)) if isinstance(i, dict) else i for i in domain["intents"]}


def test_every_constant_is_an_intent_of_the_domain() -> None:
    known = _domain_intents() | {DEFAULT_NLU_FALLBACK_INTENT_NAME}
    assert {name: value for name, value in CONSTANTS.items() if value not in known} == {}


def test_every_intent_of_the_domain_has_a_constant() -> None:
    assert _domain_intents() - set(CONSTANTS.values()) == set()


def test_a_payload_is_the_intent_and_its_entities_as_json() -> None:
    assert intents.payload(intents.AFFIRM) == "/" + intents.AFFIRM
    plan = intents.payload(intents.INFORM, support_plan="psfp")
    assert plan == "/" + intents.INFORM + '{"support_plan": "psfp"}'


def test_the_groups_hold_constants() -> None:
    names = set(CONSTANTS.values())
    assert GROUPS
    assert {name: group - names for name, group in GROUPS.items() if group - names} == {}


def _spells_out(name: str, text: str) -> bool:
    """Whether a string's text is `name`: alone, as a payload ("/name", "/name{...}") or as a
    retrieval intent's "name/topic"."""
    return re.fullmatch(rf"/?{re.escape(name)}(?:[{{/].*)?", text, re.DOTALL) is not None


def _strings(path: Path) -> list[tuple[int, int, str]]:
    """(first line, last line, text as written) of each string in a Python file: a comment or a
    docstring that quotes a name is no string of that name. An f-string's text is taken whole
    (Python 3.10) or between its placeholders (3.12)."""
    found = []
    with path.open(encoding="utf-8") as source:
        for token in tokenize.generate_tokens(source.readline):
            if token.type == tokenize.STRING:
                body = token.string.lstrip("rRbBuUfF")
                quote = body[:3] if body[:3] in ('"""', "'''") else body[0]
                text = body[len(quote) : -len(quote)]
            elif tokenize.tok_name[token.type] == "FSTRING_MIDDLE":
                text = token.string
            else:
                continue
            found.append((token.start[0], token.end[0], text))
    return found


def _literals(name: str) -> list[str]:
    """The lines of Python files, outside the constants module, with a string that is `name`
    (files not yet added to git included)."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and the repository's git checkout")
    found = subprocess.run(
        ["git", "grep", "--untracked", "-n", "-w", "-e", name, "--", "*.py"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert found.returncode in (0, 1), found.stderr  # 1: no line holds the word
    lines = []
    for hit in found.stdout.splitlines():
        path, number, line = hit.split(":", 2)
        if path == MODULE or NOT_AN_INTENT in line:
            continue
        strings = _strings(ROOT / path)
        if any(
            first <= int(number) <= last and _spells_out(name, text)
            for first, last, text in strings
        ):
            lines.append(hit)
    return lines


@pytest.mark.parametrize("name", sorted(set(CONSTANTS.values())))
def test_no_python_file_spells_out_an_intent_name(name: str) -> None:
    assert _literals(name) == [], f"use bot.conversation.intents instead of the string {name!r}"


@pytest.mark.parametrize(
    ("source", "name", "found"),
    [
        ('intent == "affirm"', intents.AFFIRM, True),
        ("intent == 'affirm'", intents.AFFIRM, True),
        ('payload = "/affirm"', intents.AFFIRM, True),
        ("""payload = '/inform{"support_plan": "psfp"}'""", intents.INFORM, True),
        ('topic = "faq/revenue"', intents.FAQ, True),
        ('topic = f"faq/{topic}"', intents.FAQ, True),
        ('topic = f"{FAQ}/revenue"', intents.FAQ, False),
        ('"""A docstring that quotes "affirm"."""', intents.AFFIRM, False),
        ('x = 1  # a comment that quotes "affirm"', intents.AFFIRM, False),
        ('key = "button.affirm"', intents.AFFIRM, False),
        ('word = "affirmed"', intents.AFFIRM, False),
    ],
)
def test_what_counts_as_spelling_out(tmp_path: Path, source: str, name: str, found: bool) -> None:
    (tmp_path / "example.py").write_text(source + "\n", encoding="utf-8")
    strings = _strings(tmp_path / "example.py")
    assert any(_spells_out(name, text) for _, _, text in strings) == found
