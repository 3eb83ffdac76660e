"""Command line for support staff.

`python -m bot check FACTS [--lang de|en] [--json] [--rules VERSION] [--compare]` decides from a
file of facts;
`assessments`, `forget` and `migrate` work on the stored assessments (bot.storage);
`teams-package --app-id GUID` writes the Microsoft Teams app package (bot.channels.teams.package).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

import yaml

from bot.eligibility import FactError, Facts, evaluate, render_report
from bot.eligibility.rules import all_rulesets, ruleset
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, Message
from bot.texts import render_text

EXIT_BAD_INPUT = 2

EXIT_STORAGE = 1


class InputError(Exception):
    """Bad input: reported as one line on standard error with exit status 2."""


class StorageUnavailable(Exception):
    """The database cannot be used (unreachable, not migrated): one line, exit status 1."""


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
            render_text(
                Message("unreadable", {"source": shown, "reason": _io_reason(exc, lang)}), lang
            )
        ) from None
    try:
        data = json.loads(text)
    except ValueError:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            reason = render_text(
                Message("reason.syntax", {"line": str(mark.line + 1 if mark else 1)}), lang
            )
            raise InputError(
                render_text(Message("unreadable", {"source": shown, "reason": reason}), lang)
            ) from None
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise InputError(render_text(Message("not_an_object", {"source": shown}), lang))
    return data


def _io_reason(exc: BaseException, lang: str) -> str:
    for kind, key in (
        (FileNotFoundError, "reason.not_found"),
        (PermissionError, "reason.no_permission"),
        (IsADirectoryError, "reason.directory"),
        (UnicodeDecodeError, "reason.not_utf8"),
    ):
        if isinstance(exc, kind):
            return render_text(Message(key), lang)
    return render_text(
        Message("reason.io", {"detail": getattr(exc, "strerror", None) or type(exc).__name__}), lang
    )


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
    versions = [rules.rules_version for rules in all_rulesets()]
    check.add_argument(
        "--rules", choices=versions, metavar="VERSION",
        help=f"decide by this rule set ({', '.join(versions)}; default: the one in force)",
    )  # fmt: skip
    check.add_argument(
        "--compare", action="store_true",
        help="also say what the newest rule set in force would ask beyond it",
    )  # fmt: skip

    listing = commands.add_parser(
        "assessments", help="list stored assessments, newest first, with what changed"
    )
    which = listing.add_mutually_exclusive_group()
    which.add_argument("--conversation", metavar="ID", help="only this conversation")
    which.add_argument("--partner-id", metavar="ID", help="only assessments naming this PartnerID")
    listing.add_argument("--json", action="store_true", help="print the assessments as JSON")
    listing.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE)

    what_if = commands.add_parser(
        "what-if",
        help="decide every conversation's latest assessment by another rule set (reads only)",
    )
    what_if.add_argument("--rules", choices=versions, metavar="VERSION", required=True)
    what_if.add_argument(
        "--since", type=_parse_date, help="only assessments made on or after this day (YYYY-MM-DD)"
    )
    what_if.add_argument("--json", action="store_true", help="print the changes as JSON")
    what_if.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE)

    forget = commands.add_parser(
        "forget", help="delete a conversation's assessments, audit trail and tracker events"
    )
    forget.add_argument("conversation_id", metavar="CONVERSATION_ID")
    forget.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE)

    migrate = commands.add_parser("migrate", help="create or upgrade the database schema")
    migrate.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE)

    _add_teams_package_parser(commands)
    return parser


def _add_teams_package_parser(commands: Any) -> None:
    teams = commands.add_parser(
        "teams-package",
        help="write the Microsoft Teams app package (manifest, localisations, icons) as a zip",
        description="Write the zip to upload to Microsoft Teams: manifest.json (schema v1.29), "
        "en.json and de.json, color.png and outline.png, checked against Microsoft's schemas. "
        "The developer name and URLs default to placeholders on example.com: replace them "
        "before you publish the app.",
    )
    teams.add_argument(
        "--app-id",
        required=True,
        metavar="GUID",
        help="the bot's Microsoft App ID (Azure Bot registration); also the Teams app id",
    )
    teams.add_argument(
        "--out",
        type=Path,
        default=Path("build/teams-app.zip"),
        metavar="ZIP",
        help="where to write the package (default: %(default)s)",
    )
    # The placeholders live in bot.channels.teams.package, imported only when this command runs.
    for option, metavar, meaning in (
        ("--developer-name", "NAME", "the publisher's name shown in Teams, at most 32 characters"),
        ("--developer-url", "URL", "the publisher's website or support page"),
        ("--privacy-url", "URL", "the privacy statement"),
        ("--terms-url", "URL", "the terms of use"),
    ):
        teams.add_argument(option, metavar=metavar, help=f"{meaning} (default: a placeholder)")


def run_check(args: argparse.Namespace) -> int:
    raw = _read_facts(args.facts, args.lang)
    try:
        facts = Facts.from_mapping(raw, as_of=args.as_of)
    except FactError as error:
        raise InputError(render_text(error.message, args.lang)) from None
    rules = ruleset(args.rules) if args.rules else None
    verdict = evaluate(facts, rules, compare=args.compare)
    if args.json:
        payload = verdict.to_payload(args.lang, explain=args.explain)
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(render_report(verdict, args.lang, explain=args.explain))
    return 0


def _open_repository(lang: str) -> Any:
    """The repository on DATABASE_URL, once its schema is known to be current."""
    # Imported here: `check` must keep working without touching any database.
    from bot.storage import migrate
    from bot.storage.config import database_url, shown_url
    from bot.storage.repository import Repository

    url = database_url()
    repository = Repository(url)
    with _database_errors(url, lang):
        current = migrate.current_revision(repository.engine)
        head = migrate.head_revision()
    if current != head:
        repository.dispose()
        key = "db.empty" if current is None else "db.outdated"
        raise StorageUnavailable(
            render_text(
                Message(key, {"url": shown_url(url), "current": str(current), "head": head}), lang
            )
        )
    return repository


@contextlib.contextmanager
def _database_errors(url: Any, lang: str) -> Iterator[None]:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.storage.config import shown_url
    from bot.storage.repository import StorageInputError

    try:
        yield
    except StorageInputError as error:
        reason = render_text(
            Message(f"id_reason.{error.reason}", {"limit": str(error.limit)}), lang
        )
        raise InputError(
            render_text(Message("conversation_id.invalid", {"reason": reason}), lang)
        ) from None
    except SQLAlchemyError as error:
        # The driver's first line names the cause (refused connection, missing database, ...).
        cause = str(getattr(error, "orig", None) or error).strip().splitlines()
        reason = cause[0] if cause else type(error).__name__
        raise StorageUnavailable(
            render_text(Message("db.unavailable", {"url": shown_url(url), "reason": reason}), lang)
        ) from None


def run_assessments(args: argparse.Namespace) -> int:
    from bot.eligibility.facts import validate_fact
    from bot.storage.report import render_assessments, render_fact_changes

    partner_id = None
    if args.partner_id is not None:
        try:
            partner_id = validate_fact("partner_id", args.partner_id, dt.date.today())
        except FactError as error:
            raise InputError(render_text(error.message, args.lang)) from None
    repository = _open_repository(args.lang)
    try:
        with _database_errors(repository.engine.url, args.lang):
            found = repository.list_assessments(args.conversation, partner_id)
            trail = repository.fact_changes(args.conversation) if args.conversation else None
    finally:
        repository.dispose()
    if args.json:
        document: dict[str, Any] = {"assessments": [a.to_json() for a in found]}
        if trail is not None:
            document["fact_changes"] = [c.to_json() for c in trail]
        print(json.dumps(document, ensure_ascii=False, indent=2))
        return 0
    print(render_assessments(found, args.lang))
    if trail is not None:
        print()
        print(render_fact_changes(trail, args.lang))
    return 0


def run_what_if(args: argparse.Namespace) -> int:
    from bot.storage.report import render_what_if
    from bot.storage.what_if import what_if

    rules = ruleset(args.rules)
    repository = _open_repository(args.lang)
    try:
        with _database_errors(repository.engine.url, args.lang):
            decided = what_if(repository.list_assessments(), rules, args.since)
    finally:
        repository.dispose()
    if args.json:
        document = {
            "rules_version": rules.rules_version,
            "considered": len(decided),
            "changed": [w.to_json() for w in decided if w.changed],
        }
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print(render_what_if(decided, rules.rules_version, args.lang))
    return 0


def run_forget(args: argparse.Namespace) -> int:
    from bot.storage.report import render_forgotten

    repository = _open_repository(args.lang)
    try:
        with _database_errors(repository.engine.url, args.lang):
            counts = repository.forget(args.conversation_id)
    finally:
        repository.dispose()
    print(render_forgotten(args.conversation_id, counts, args.lang))
    return 0


def run_migrate(args: argparse.Namespace) -> int:
    from bot.storage import migrate
    from bot.storage.config import database_url, shown_url

    url = database_url()
    with _database_errors(url, args.lang):
        migrate.upgrade(url)
        revision = migrate.current_revision(url)
    print(
        render_text(
            Message("db.migrated", {"url": shown_url(url), "revision": str(revision)}), args.lang
        )
    )
    return 0


def run_teams_package(args: argparse.Namespace) -> int:
    from bot.channels.teams.package import Developer, PackageError, build_package

    given = {
        "name": args.developer_name,
        "website_url": args.developer_url,
        "privacy_url": args.privacy_url,
        "terms_url": args.terms_url,
    }
    developer = Developer(**{field: value for field, value in given.items() if value is not None})
    try:
        names = build_package(args.app_id, args.out, developer)
    except PackageError as error:
        raise InputError(str(error)) from None
    print(f"wrote {args.out}: {', '.join(names)}")
    if placeholders := developer.placeholders():
        print(
            f"note: placeholders left in the manifest; pass {', '.join(placeholders)} "
            "before publishing the app",
            file=sys.stderr,
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    commands = {
        "check": run_check,
        "assessments": run_assessments,
        "what-if": run_what_if,
        "forget": run_forget,
        "migrate": run_migrate,
        "teams-package": run_teams_package,
    }
    try:
        return commands[args.command](args)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except StorageUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_STORAGE
