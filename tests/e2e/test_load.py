"""32 conversations at once over REST against the real servers on PostgreSQL, German and English,
each to its verdict. Afterwards every message sent is in its tracker exactly once and in order,
each was answered, every verdict shown is stored as an assessment, and nothing failed.

Every step is decided by the rules (each reply is read as the answer to the question asked), so
the outcome does not depend on the trained model; the FAQ question in the English conversations
is a training example of its intent.
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from bot.conversation import intents
from bot.storage import Repository
from bot.texts import CATALOG
from tests.e2e.conftest import GERMAN_REVENUE, GERMAN_START, Assistant, ask, http, verdicts

CONVERSATIONS = 32

GERMAN = [
    GERMAN_START,
    GERMAN_REVENUE,
    "Ja",
    "Ja, das darf ich",
    "Ja, den bieten wir",
    "PSfP",
    "sicher",
    intents.payload(intents.AFFIRM),
    "Zwei Managed Services",
]
ENGLISH = [
    "We have been an indirect reseller for 14 months with USD 350,000 in CSP revenue. "
    "Can we register?",
    "Yes",
    ask("What's the difference between ASfP and PSfP?"),
    "yes, that is me",
    "yes, that we offer",
    "PSfP",
    "I don't know",
    "No",
    "none",
]
GUARD_TEXTS = [variant for key, entry in CATALOG.items() if key.startswith("guard.")
               for variant in entry.values()]  # fmt: skip


def converse(assistant: Assistant, sender: str, script: list[str], start: threading.Event):
    start.wait()
    turns = []
    for text in script:
        status, replies = http(
            "POST", f"{assistant.base}/webhooks/rest/webhook", {"sender": sender, "message": text}
        )
        turns.append((text, status, replies or []))
    return turns


def test_32_conversations_at_once_lose_nothing(pg_assistant: Assistant, pg_cluster) -> None:
    run = uuid.uuid4().hex[:6]
    scripts = {
        f"load-{run}-{i:02d}-{'de' if i % 2 == 0 else 'en'}": GERMAN if i % 2 == 0 else ENGLISH
        for i in range(CONVERSATIONS)
    }
    start = threading.Event()
    with ThreadPoolExecutor(CONVERSATIONS) as pool:
        futures = {
            sender: pool.submit(converse, pg_assistant, sender, script, start)
            for sender, script in scripts.items()
        }
        started = time.monotonic()
        start.set()
        results = {sender: future.result() for sender, future in futures.items()}
    elapsed = time.monotonic() - started
    turns = sum(len(t) for t in results.values())
    print(f"\n{CONVERSATIONS} conversations, {turns} turns in {elapsed:.1f} s")

    repository = Repository(pg_cluster.url)
    shown_verdicts = 0
    for sender, turns_of_sender in results.items():
        for text, status, replies in turns_of_sender:
            assert status == 200, (sender, text, status)
            assert replies, (sender, text, "no answer")
            shown = " ".join(m.get("text", "") for m in replies)
            assert not any(g in shown for g in GUARD_TEXTS), (sender, text, shown)
        tracker = pg_assistant.tracker(sender)
        said = [e["text"] for e in tracker["events"] if e["event"] == "user"]
        assert said == scripts[sender], sender  # each once, in order, nothing of anyone else
        # Each message was answered before the next one was handled.
        kinds = [e["event"] for e in tracker["events"] if e["event"] in ("user", "bot")]
        answered = [kinds[i + 1 : i + 2] == ["bot"] for i, k in enumerate(kinds) if k == "user"]
        assert all(answered), (sender, kinds)
        shown_of_sender = [v for _, _, replies in turns_of_sender for v in verdicts(replies)]
        stored = repository.list_assessments(conversation_id=sender)
        assert len(stored) == len(shown_of_sender), sender
        assert {a.status for a in stored} == {v["status"] for v in shown_of_sender}
        shown_verdicts += len(shown_of_sender)
        if sender.endswith("-de"):  # the German script is decided by the rules to the end
            assert [v["status"] for v in shown_of_sender] == ["eligible"], sender
    assert shown_verdicts >= CONVERSATIONS // 2
