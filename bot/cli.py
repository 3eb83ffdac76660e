"""Command line for support staff: `python -m bot check FACTS [--lang de|en] [--json]`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import yaml

from bot.eligibility import FactError, Facts, evaluate, render_report
from bot.eligibility.texts import render_text
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES

EXIT_BAD_INPUT = 2

CLI_TEXTS = {
    "unreadable": {
        "de": "Die Angaben in {source} sind nicht lesbar: {reason}",
        "en": "cannot read the facts in {source}: {reason}",
    },
    "reason.not_found": {"de": "Datei nicht gefunden", "en": "file not found"},
    "reason.no_permission": {"de": "keine Leseberechtigung", "en": "permission denied"},
    "reason.directory": {"de": "das ist ein Verzeichnis", "en": "that is a directory"},
    "reason.not_utf8": {"de": "kein UTF-8-Text", "en": "not UTF-8 text"},
    "reason.io": {"de": "Lesefehler ({detail})", "en": "read error ({detail})"},
    "reason.syntax": {
        "de": "kein gültiges JSON oder YAML (Zeile {line})",
        "en": "not valid JSON or YAML (line {line})",
    },
    "not_an_object": {
        "de": "{source} muss ein Objekt mit Angaben (Schlüssel: Wert) enthalten.",
        "en": "{source} must hold an object of facts (key: value).",
    },
}


class InputError(Exception):
    """Bad input: reported as one line on standard error with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, like every other input error of this command.
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _read_facts(source: str, lang: str) -> dict[str, Any]:
    shown = "stdin" if source == "-" else source
    try:
        text = sys.stdin.read() if source == "-" else open(source, encoding="utf-8").read()  # noqa: SIM115
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            _cli_text("unreadable", lang, source=shown, reason=_io_reason(exc, lang))
        ) from None
    try:
        data = json.loads(text)
    except ValueError:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            reason = _cli_text("reason.syntax", lang, line=str(mark.line + 1 if mark else 1))
            raise InputError(_cli_text("unreadable", lang, source=shown, reason=reason)) from None
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise InputError(_cli_text("not_an_object", lang, source=shown))
    return data


def _cli_text(key: str, lang: str, **params: str) -> str:
    return CLI_TEXTS[key][lang].format(**params)


def _io_reason(exc: BaseException, lang: str) -> str:
    for kind, key in (
        (FileNotFoundError, "reason.not_found"),
        (PermissionError, "reason.no_permission"),
        (IsADirectoryError, "reason.directory"),
        (UnicodeDecodeError, "reason.not_utf8"),
    ):
        if isinstance(exc, kind):
            return _cli_text(key, lang)
    return _cli_text("reason.io", lang, detail=getattr(exc, "strerror", None) or type(exc).__name__)


def _parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {value!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m bot", description="CSP direct bill eligibility assistant")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = commands.add_parser("check", help="decide eligibility from a file of facts")
    check.add_argument("facts", help="JSON or YAML file of facts, or - for standard input")
    check.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE)
    check.add_argument("--json", action="store_true", help="print the verdict payload as JSON")
    check.add_argument("--explain", action="store_true", help="show which facts and rules decided")
    check.add_argument("--as-of", type=_parse_date, help="reference day for dates (default: today)")
    return parser


def run_check(args: argparse.Namespace) -> int:
    raw = _read_facts(args.facts, args.lang)
    try:
        facts = Facts.from_mapping(raw, as_of=args.as_of)
    except FactError as error:
        raise InputError(render_text(error.message, args.lang)) from None
    verdict = evaluate(facts)
    if args.json:
        payload = verdict.to_payload(args.lang, explain=args.explain)
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(render_report(verdict, args.lang, explain=args.explain))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return {"check": run_check}[args.command](args)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
