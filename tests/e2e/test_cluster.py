"""Three Rasa servers behind HAProxy on PostgreSQL and Redis (`make cluster`'s topology, started by
bot/cluster.py): 64 conversations at once in German and English over REST, with bursts of two
messages sent at once to one conversation, and the busiest Rasa server SIGKILLed in the middle.
Afterwards every message of every conversation is in its tracker exactly once and in order, every
one was answered, each conversation holds its own facts only, and the killed server's
conversations continued on the others. A client whose request died with the server sends the message again
with the same id, as Bot Framework does, and so does one told "please try again"; it is processed
once (bot/channels/redelivery.py).

Every step is decided by the rules, or is a training example of its intent (conftest.MODEL_DECIDED).
"""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.channels.widget.sessions import SENDER_PREFIX
from bot.cluster import Cluster
from bot.texts import CATALOG
from tests.e2e.conftest import GERMAN_START, TOKEN, ask, free_port, http
from tests.e2e.test_load import ENGLISH, GERMAN
from tests.e2e.test_teams import activity
from tests.e2e.test_widget_channel import Widget, post_into
from tests.fake_botframework import FakeBotFramework
from tests.pg_cluster import PostgresCluster

SERVERS = 3
CONVERSATIONS = 64
FAQ = ask("What's the difference between ASfP and PSfP?")
BURST = (FAQ, FAQ)  # two messages sent at once; their order is the lock's, not the client's
GUARD_TEXTS = [variant for key, entry in CATALOG.items() if key.startswith("guard.")
               for variant in entry.values()]  # fmt: skip


def german(revenue: int) -> list[str | tuple[str, str]]:
    """The load test's German conversation with a revenue of its own and a burst."""
    start, _, yes, *rest = GERMAN
    return [start, f"Unser CSP-Umsatz lag bei {revenue:,} USD".replace(",", "."), yes, BURST, *rest]


def english(revenue: int) -> list[str | tuple[str, str]]:
    """The load test's English conversation with a revenue of its own, its FAQ question a burst."""
    start, *rest = ENGLISH
    assert "USD 350,000" in start and FAQ in rest
    return [start.replace("USD 350,000", f"USD {revenue:,}"),
            *(BURST if text == FAQ else text for text in rest)]  # fmt: skip


@pytest.fixture(scope="module")
def cluster_botframework() -> Iterator[FakeBotFramework]:
    """Microsoft's side for the cluster's servers alone: the Teams suite counts the token requests
    its one server makes to the session's fake."""
    fake = FakeBotFramework()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def cluster(
    model: Path,
    pg_cluster: PostgresCluster,
    cluster_botframework: FakeBotFramework,
    tmp_path_factory,
) -> Iterator[Cluster]:
    log = tmp_path_factory.mktemp("cluster") / "servers.log"
    with log.open("ab") as output:
        running = Cluster(
            model,
            TOKEN,
            {"DATABASE_URL": pg_cluster.url, "REDIS_URL": "redis://127.0.0.1:6379/0",
             "BOT_RATE_LIMIT": "off", **cluster_botframework.env()},
            rasa_ports=[free_port() for _ in range(SERVERS)],
            action_ports=[free_port() for _ in range(SERVERS)],
            port=free_port(),
            stats_port=free_port(),
            config_dir=tmp_path_factory.mktemp("haproxy"),
            output=output,
        ).start()  # fmt: skip
        yield running
        running.stop()


# Answers that ask the user to try again: a turn that waited out the turn timeout behind a dead
# server's lease in the pile-up after the kill. Sent again with its id, as the answer asks.
TRY_AGAIN = [CATALOG["guard.unavailable"][lang] for lang in ("de", "en")]
tried_again: list[str] = []


def send(cluster: Cluster, sender: str, text: str) -> tuple[str, list[dict]]:
    """One message, sent again with its id while the answer is a server error, a broken
    connection or "please try again"; the server that answered and the answers."""
    body = json.dumps({"sender": sender, "message": text, "message_id": uuid.uuid4().hex})
    for attempt in range(20):
        request = urllib.request.Request(
            f"{cluster.base}/webhooks/rest/webhook",
            data=body.encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                replies = json.loads(response.read())
                if not any(m.get("text") in TRY_AGAIN for m in replies):
                    return response.headers["X-Served-By"], replies
                tried_again.append(sender)
        except urllib.error.HTTPError as error:
            assert error.code >= 500, (sender, text, error.code)
        except OSError:
            pass  # the connection died with its server
        time.sleep(0.5 * (attempt + 1))
    raise AssertionError(f"{sender}: no answer to {text!r} after 20 attempts")


class Progress:
    """Turns answered so far, for killing a server when a share of the load is done."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.served_by: Counter[str] = Counter()
        self._changed = threading.Condition()

    def one_more(self, served_by: str) -> None:
        with self._changed:
            self.done += 1
            self.served_by[served_by] += 1
            self._changed.notify_all()

    def busiest(self) -> str:
        """The server that has answered the most turns so far: it holds conversations still."""
        with self._changed:
            return self.served_by.most_common(1)[0][0]

    def wait_for(self, share: float, timeout: float = 300) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: self.done >= share * self.total, timeout)


def converse(
    cluster: Cluster, sender: str, script: list, start: threading.Event, progress: Progress
) -> list:
    start.wait()
    time.sleep(random.Random(sender).uniform(0, 2))  # not all in the same instant
    turns = []
    for step in script:
        if isinstance(step, tuple):
            sent = time.monotonic()
            with ThreadPoolExecutor(len(step)) as burst:
                for text, result in zip(step, burst.map(lambda t: send(cluster, sender, t), step),
                                        strict=True):  # fmt: skip
                    turns.append((text, sent, *result))
                    progress.one_more(result[0])
        else:
            turns.append((step, time.monotonic(), *send(cluster, sender, step)))
            progress.one_more(turns[-1][2])
    return turns


def flattened(script: list) -> list[str]:
    return [text for step in script for text in (step if isinstance(step, tuple) else (step,))]


def test_64_conversations_on_three_servers_one_killed(cluster: Cluster) -> None:
    run = uuid.uuid4().hex[:6]
    scripts, revenues = {}, {}
    for i in range(CONVERSATIONS):
        lang = "de" if i % 2 == 0 else "en"
        sender = f"cluster-{run}-{i:02d}-{lang}"
        revenues[sender] = 350_000 + 1_000 * i  # a fact of this conversation alone
        scripts[sender] = (german if lang == "de" else english)(revenues[sender])
    start = threading.Event()
    progress = Progress(sum(len(flattened(script)) for script in scripts.values()))
    with ThreadPoolExecutor(CONVERSATIONS) as pool:
        futures = {s: pool.submit(converse, cluster, s, script, start, progress)
                   for s, script in scripts.items()}  # fmt: skip
        started = time.monotonic()
        start.set()
        progress.wait_for(0.35)
        # The hash gives servers unequal shares: the busiest surely has conversations to hand on.
        victim = next(n for n in cluster.nodes if n.name == progress.busiest())
        cluster.kill(victim)
        killed = time.monotonic()
        taken_out = sessions_once_down(cluster, victim.name)
        down = time.monotonic()
        results = {sender: future.result() for sender, future in futures.items()}
    elapsed = time.monotonic() - started
    turns = sum(len(t) for t in results.values())
    print(f"\n{CONVERSATIONS} conversations, {turns} turns in {elapsed:.1f} s; "
          f"{victim.name} killed after {killed - started:.1f} s; "
          f"{len(tried_again)} answered 'please try again' and sent again; turns by server: "
          f"{Counter(s for turns in results.values() for _, _, s, _ in turns)}")  # fmt: skip

    survivor = next(n for n in cluster.nodes if n is not victim)
    moved: dict[str, set[str]] = defaultdict(set)
    for sender, turns_of_sender in results.items():
        for text, _, _, replies in turns_of_sender:
            assert replies, (sender, text, "no answer")
            shown = " ".join(m.get("text") or "" for m in replies)
            assert not any(g in shown for g in GUARD_TEXTS), (sender, text, shown)
        status, tracker = http(
            "GET", f"{survivor.base}/conversations/{sender}/tracker?token={TOKEN}"
        )
        assert status == 200
        said = [e["text"] for e in tracker["events"] if e["event"] == "user"]
        assert said == flattened(scripts[sender]), sender  # once each, in order, no one else's
        kinds = [e["event"] for e in tracker["events"] if e["event"] in ("user", "bot")]
        answered = [kinds[i + 1 : i + 2] == ["bot"] for i, k in enumerate(kinds) if k == "user"]
        assert all(answered), (sender, kinds)
        assert tracker["slots"]["csp_revenue_usd"] == revenues[sender], sender
        # `at`: when the turn was sent. One sent after the kill was answered by another server.
        before = {s for _, at, s, _ in turns_of_sender if at < killed}
        after = {s for _, at, s, _ in turns_of_sender if at > killed}
        if victim.name in before and after:
            moved[sender] = after
    # Conversations the killed server had went on, on the others, and lost nothing (above).
    assert moved, "no conversation of the killed server went on after the kill"
    assert all(victim.name not in after for after in moved.values()), moved
    # HAProxy's statistics: once it had taken the killed server out, the others took every turn,
    # its conversations' besides their own.
    rows = conversation_servers(cluster)
    assert rows[victim.name]["status"].startswith("DOWN")
    survivors = [n.name for n in cluster.nodes if n is not victim]
    served_after = sum(int(rows[n]["stot"]) - int(taken_out[n]["stot"]) for n in survivors)
    sent_after = sum(1 for turns in results.values() for _, at, _, _ in turns if at > down)
    assert sent_after and served_after >= sent_after, (served_after, sent_after)
    for node in cluster.nodes:
        if node is not victim:
            assert rows[node.name]["status"].startswith("UP")


def conversation_servers(cluster: Cluster) -> dict[str, dict[str, str]]:
    """HAProxy's statistics of the servers of the backend that holds conversations."""
    return {r["svname"]: r for r in cluster.stats()
            if r["pxname"] == "conversation" and r["svname"].startswith("rasa")}  # fmt: skip


def sessions_once_down(cluster: Cluster, name: str) -> dict[str, dict[str, str]]:
    """The statistics at the moment HAProxy has taken the server out."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        rows = conversation_servers(cluster)
        if rows[name]["status"].startswith("DOWN"):
            return rows
        time.sleep(0.1)
    raise AssertionError(f"HAProxy did not take {name} out within 30 s")


def test_a_message_into_a_conversation_reaches_its_socket_on_another_server(cluster: Cluster):
    alive = [n for n in cluster.nodes if n.rasa and n.rasa.poll() is None]
    connected, other = alive[0], alive[-1]
    assert connected is not other
    widget = Widget(connected.base, ["websocket"]).connect()
    session = widget.session(locale="de-DE")
    widget.say("Unser CSP-Umsatz lag bei 350.000 USD")
    since = len(widget.events)
    sender = SENDER_PREFIX + session["conversation_id"]
    assert post_into(other.base, sender, "Ihr Antrag ist eingegangen.") == 200
    assert widget.wait_for("bot_uttered", since) == {"text": "Ihr Antrag ist eingegangen."}
    widget.close()


@pytest.mark.parametrize("transport", ["polling", "websocket"])
def test_a_widget_talks_through_haproxy(cluster: Cluster, transport: str) -> None:
    # Long-polling is a series of requests: without HAProxy's cookie they would reach servers
    # that do not know the socket.
    widget = Widget(cluster.base, [transport]).connect()
    widget.session(locale="de-DE")
    for text, confirmed in (
        (GERMAN_START, "14 Monate"),
        ("Unser CSP-Umsatz lag bei 350.000 USD", "350.000 USD"),
    ):
        replies = widget.say(text)
        assert confirmed in " ".join(r.get("text") or "" for r in replies), replies
    widget.close()


def served_by(cluster: Cluster, path: str, body: dict, token: str | None = None) -> str:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        cluster.base + path, data=json.dumps(body).encode(), method="POST", headers=headers
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.status == 200
        return response.headers["X-Served-By"]


def test_each_conversation_stays_on_one_server(
    cluster: Cluster, cluster_botframework: FakeBotFramework
) -> None:
    """Affinity: REST by the body's sender, Teams by the activity's conversation id, each time to
    the same live server (one message after the other, no load)."""
    run = uuid.uuid4().hex[:6]
    servers: dict[str, set[str]] = {}
    for i in range(8):
        sender = f"affinity-{run}-{i}"
        servers[sender] = {
            served_by(cluster, "/webhooks/rest/webhook", {"sender": sender, "message": text})
            for text in german(350_000)[:3]
        }
    for _ in range(8):
        user = str(uuid.uuid4())
        servers[user] = {
            served_by(cluster, "/webhooks/teams/api/messages",
                      activity(cluster_botframework, user, text), cluster_botframework.token())
            for text in ("Hallo", "Wie viel Umsatz brauchen wir?", "Danke")
        }  # fmt: skip
    assert all(len(each) == 1 for each in servers.values()), servers
    assert len(set().union(*servers.values())) > 1  # and the conversations are spread
