"""Whole blind-written conversations, played against the running assistant and scored.

A conversation (tests/nlu/blind/conversations_<n>_<lang>.yml) is a list of user turns, each with
what must hold after it, written from RULES.md and CONTRACT.md only: the facts the assistant then
holds, the status and unmet codes of a verdict among that turn's replies, the conversation's
language, that a confirmed deletion left no fact, that "stop" left the form. A conversation
succeeds when every expectation of every turn holds. The turns go over REST to real servers (the
trained model, the action server, a database of their own), so the whole product is measured:
the NLU, the rules and the form, the actions and the engine.

    python -m bot.nlu.conversations [--set 10] [--lang de]
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import socket
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
BLIND = ROOT / "tests" / "nlu" / "blind"
VERDICT = "eligibility_verdict"
_SET_NUMBER = re.compile(r"conversations_(\d+)_(de|en)\Z")


@functools.cache
def conversation_sets(lang: str) -> dict[str, dict]:
    """The blind conversation sets in `lang`, oldest first, by name ("conversations_10")."""
    import yaml

    found = sorted(
        (int(match[1]), path)
        for path in BLIND.glob(f"conversations_*_{lang}.yml")
        if (match := _SET_NUMBER.match(path.stem))
    )
    return {
        path.stem.removesuffix(f"_{lang}"): yaml.safe_load(path.read_text("utf-8"))
        for _, path in found
    }


def _same(expected: Any, held: Any) -> bool:
    if expected is None or held is None or isinstance(expected, bool) or isinstance(held, bool):
        return expected is held or expected == held
    if isinstance(expected, int | float) and isinstance(held, int | float):
        return Decimal(str(expected)) == Decimal(str(held))
    return str(expected).casefold() == str(held).casefold()


def turn_failures(expect: dict, replies: list[dict], tracker: dict) -> list[str]:
    """What of `expect` does not hold, given the turn's replies and the tracker after it."""
    slots = tracker.get("slots") or {}
    failures = []
    for fact, value in (expect.get("facts") or {}).items():
        if not _same(value, slots.get(fact)):
            failures.append(f"{fact}: expected {value!r}, held {slots.get(fact)!r}")
    verdicts = [
        m["custom"] for m in replies if isinstance(m.get("custom"), dict)
        and m["custom"].get("type") == VERDICT
    ]  # fmt: skip
    if "verdict" in expect:
        statuses = [v.get("status") for v in verdicts]
        if expect["verdict"] not in statuses:
            failures.append(f"verdict: expected {expect['verdict']}, got {statuses or 'none'}")
    if "unmet" in expect:
        unmet = [sorted(v.get("unmet") or []) for v in verdicts]
        if sorted(expect["unmet"]) not in unmet:
            failures.append(f"unmet: expected {sorted(expect['unmet'])}, got {unmet or 'none'}")
    if "language" in expect:
        spoken = replies_language(replies)
        if spoken != expect["language"]:
            failures.append(f"language: expected {expect['language']}, replies in {spoken}")
    if expect.get("deleted"):
        from bot.eligibility import FACT_SPECS

        kept = {fact: slots[fact] for fact in FACT_SPECS if slots.get(fact) is not None}
        if kept:
            failures.append(f"deleted: facts kept {kept}")
    if expect.get("form_stopped") and (tracker.get("active_loop") or {}).get("name"):
        failures.append(f"form_stopped: the form {tracker['active_loop']['name']} still asks")
    return failures


def replies_language(replies: list[dict]) -> str | None:
    """The language the turn's replies are written in (the verdict says it; else the text's)."""
    for message in replies:
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("language"):
            return custom["language"]
    from bot.nlu.language import detect

    text = " ".join(m.get("text") or "" for m in replies)
    return detect(text).guess if text.strip() else None


@dataclass
class Outcome:
    name: str
    failures: list[tuple[int, str, list[str]]] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return not self.failures


@dataclass
class Server:
    """The assistant on its own ports and database, reached as a client would."""

    base: str
    token: str

    def post(self, sender: str, text: str) -> list[dict]:
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(
            f"{self.base}/webhooks/rest/webhook", body, {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read() or b"[]") or []

    def tracker(self, sender: str) -> dict:
        url = f"{self.base}/conversations/{sender}/tracker?token={self.token}"
        with urllib.request.urlopen(url, timeout=60) as response:
            return json.loads(response.read())


def play(server: Server, conversation: dict, run: str) -> Outcome:
    sender = f"blind-{run}-{conversation['name']}"[:120]
    outcome = Outcome(conversation["name"])
    for number, turn in enumerate(conversation["turns"], start=1):
        replies = server.post(sender, turn["user"])
        if turn.get("expect"):
            failures = turn_failures(turn["expect"], replies, server.tracker(sender))
            if failures:
                texts = " | ".join(m.get("text", "")[:80] for m in replies if m.get("text"))
                outcome.failures.append((number, turn["user"], [*failures, f"replies: {texts}"]))
    return outcome


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def running_server(directory: Path) -> tuple[Any, Server]:
    """Both servers on a SQLite file in `directory`, ready; the caller stops them."""
    from bot.serve import ensure_model, quiet_env, start_servers

    rasa_port, action_port = _free_port(), _free_port()
    token = uuid.uuid4().hex
    env = {
        **quiet_env(), "DATABASE_URL": f"sqlite:///{directory / 'blind.db'}",
        # One client plays many conversations quickly: no partner is being protected here.
        "BOT_RATE_LIMIT": "off", "BOT_SOURCE_RATE_LIMIT": "off",
    }  # fmt: skip
    log = (directory / "servers.log").open("ab")
    servers = start_servers(ensure_model(), token, rasa_port, action_port, env, log)
    server = Server(f"http://127.0.0.1:{rasa_port}", token)
    deadline = time.monotonic() + 300
    while True:
        try:
            urllib.request.urlopen(f"{server.base}/status?token={token}", timeout=5)
            urllib.request.urlopen(f"http://127.0.0.1:{action_port}/health", timeout=5)
            return servers, server
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline or any(
                p.poll() is not None for p in (servers.rasa_server, servers.action_server)
            ):
                servers.stop()
                raise RuntimeError("the servers did not start") from None
            time.sleep(1)


def score(server: Server, languages=LANGUAGES, only: str | None = None) -> dict:
    """Per language and set: conversations, successes, share, first score, and the failures."""
    run = uuid.uuid4().hex[:8]
    report: dict = {}
    for lang in languages:
        for name, data in conversation_sets(lang).items():
            if only and not name.endswith(f"_{only}"):
                continue
            outcomes = [play(server, c, run) for c in data["conversations"]]
            succeeded = sum(o.success for o in outcomes)
            report.setdefault(lang, {})[name] = {
                "conversations": len(outcomes),
                "succeeded": succeeded,
                "success": round(succeeded / len(outcomes), 4) if outcomes else None,
                "first_score": data.get("first_score"),
                "failures": {o.name: o.failures for o in outcomes if not o.success},
            }
    return report


def evaluate(languages=LANGUAGES, only: str | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        servers, server = running_server(Path(tmp))
        try:
            return score(server, languages, only)
        finally:
            servers.stop()


def print_report(report: dict, details: bool = True) -> None:
    print("\nBlind-written whole conversations: success (first score -> now)")
    for lang, sets in report.items():
        cells = []
        for name, result in sets.items():
            first = result["first_score"]
            shown_first = "-" if first is None else f"{first:.3f}"
            cells.append(
                f"{name.removeprefix('conversations_')}: {shown_first} -> {result['success']:.3f}"
                f" ({result['succeeded']}/{result['conversations']})"
            )
        print(f"{lang:<4}" + "   ".join(cells))
        if details:
            for name, result in sets.items():
                for conversation, failures in result["failures"].items():
                    for number, text, what in failures:
                        print(f"    {name} {conversation} turn {number}: {text[:70]!r}")
                        for line in what:
                            print(f"        {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.nlu.conversations", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--lang", choices=LANGUAGES, action="append")
    parser.add_argument("--set", dest="only", help="one set's number, e.g. 10")
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    report = evaluate(tuple(args.lang or LANGUAGES), args.only)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
