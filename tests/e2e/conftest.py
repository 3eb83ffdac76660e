"""The real assistant for end-to-end tests: the trained model, the action server and the Rasa server
on free local ports, with a scratch database. Nothing is mocked. (The fixtures that start it are in
tests/conftest.py, so that the end-to-end and browser suites share one running assistant.)"""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.conversation import intents
from bot.serve import Servers, quiet_env, server_env, start_action_server, start_rasa_server

TOKEN = "e2e-" + uuid.uuid4().hex


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http(
    method: str,
    url: str,
    body: Any = None,
    timeout: float = 60,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """Status and parsed JSON answer (None for an error status); `body` as JSON, or as given
    when it is bytes; `headers` added to (or replacing) the JSON content type."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, None


# The port of the browser tests' host page (another origin) that may embed the widget.
WIDGET_HOST_PORT = free_port()
WIDGET_SECRET = "e2e-widget-" + uuid.uuid4().hex
# The REST channel's token for callers from elsewhere; the session's assistant believes the
# client address a proxy on loopback forwards, as the cluster's servers believe HAProxy.
REST_TOKEN = "e2e-rest-" + uuid.uuid4().hex
E2E_RATE_LIMIT = "30/60"
# The turn timeout of the assistant on PostgreSQL (`pg_assistant`), whose fault tests wait for it.
PG_TURN_TIMEOUT = 15


@dataclass
class Assistant:
    """A running assistant: talk to it over REST, read it over the token-protected HTTP API."""

    database_url: str
    model: Path
    rasa_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    servers: Servers | None = None
    env: dict[str, str] = field(default_factory=dict)
    # Where both servers write their log; None: the test run's own output.
    log: Path | None = None
    _env: dict[str, str] = field(default_factory=dict, repr=False)
    _output: Any = field(default=None, repr=False)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def start(self) -> Assistant:
        self._env = server_env(
            {**quiet_env(), **self.env, "DATABASE_URL": self.database_url}, TOKEN, self.action_port
        )
        self._output = self.log.open("ab") if self.log else None
        self.servers = Servers(
            start_action_server(self._env, self.action_port, self._output),
            start_rasa_server(self.model, self.rasa_port, self._env, self._output),
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()  # never leave a half-started server behind
            raise
        return self

    def kill_action_server(self) -> None:
        self.servers.action_server.kill()
        self.servers.action_server.wait()

    def restart_action_server(self) -> None:
        self.servers.action_server = start_action_server(self._env, self.action_port, self._output)
        self._wait_until_ready()

    def kill_rasa_server(self) -> None:
        self.servers.rasa_server.kill()
        self.servers.rasa_server.wait()

    def restart_rasa_server(self, env: dict[str, str] | None = None) -> None:
        """The Rasa server started again, with `env` added to its environment for this start."""
        self.servers.rasa_server = start_rasa_server(
            self.model, self.rasa_port, {**self._env, **(env or {})}, self._output
        )
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if (
                self.servers.rasa_server.poll() is not None
                or self.servers.action_server.poll() is not None
            ):
                raise RuntimeError("a server exited during start-up")
            try:
                ready = http("GET", f"{self.base}/status?token={TOKEN}", timeout=5)[0] == 200
                actions = (
                    http("GET", f"http://127.0.0.1:{self.action_port}/health", timeout=5)[0] == 200
                )
                if ready and actions:
                    return
            except OSError:
                pass
            time.sleep(1)
        raise RuntimeError("the servers did not become ready within 300 s")

    def stop(self) -> None:
        if self.servers:
            self.servers.stop()
            self.servers = None
        if self._output:
            self._output.close()
            self._output = None

    def say(self, sender: str, text: str, metadata: dict | None = None) -> list[dict]:
        body = {"sender": sender, "message": text, **({"metadata": metadata} if metadata else {})}
        status, messages = http("POST", f"{self.base}/webhooks/rest/webhook", body)
        assert status == 200, status
        return messages or []

    def tracker(self, sender: str) -> dict:
        status, tracker = http("GET", f"{self.base}/conversations/{sender}/tracker?token={TOKEN}")
        assert status == 200, status
        return tracker


# The few steps whose outcome the trained model decides, by its intent for these messages. Each is
# a training example of that intent (checked below without a model), which any model trained from
# this data classifies as trained; every other step is decided by the rules.
MODEL_DECIDED = {
    "Can I register as a direct bill partner?": intents.ASK_ELIGIBILITY,
    "What's the difference between ASfP and PSfP?": f"{intents.FAQ}/asfp_psfp",
    "stop": intents.STOP,  # not an intent: the key is the text typed
    "What do I still lack?": intents.ASK_MISSING,
    "in English please": intents.SWITCH_LANGUAGE,
}


# Conversation openings decided by the rules, not the model: an eligibility question that states
# facts starts the check; the amount answers the revenue question the form then asks.
GERMAN_START = (
    "Guten Tag, wir sind seit 14 Monaten indirekter Wiederverkäufer. "
    "Können wir uns als Partner mit direkter Abrechnung registrieren?"
)
GERMAN_REVENUE = "Unser CSP-Umsatz lag bei 350.000 USD"
ENGLISH_START = (
    "We have been an indirect reseller for 14 months and made USD 350,000 in CSP revenue. "
    "Are we eligible?"
)


def training_intents() -> dict[str, str]:
    """Every training example's text and its full intent ("faq/revenue"), both languages."""
    from rasa.shared.nlu.training_data.loading import load_data

    root = Path(__file__).resolve().parents[2]
    examples = {}
    for path in sorted((root / "data" / "nlu").rglob("*.yml")):
        for example in load_data(str(path)).intent_examples:
            examples[example.get("text")] = example.get_full_intent()
    return examples


def ask(text: str) -> str:
    assert text in MODEL_DECIDED, text
    return text


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages if m.get("text"))


def verdicts(messages: list[dict]) -> list[dict]:
    return [
        m["custom"]
        for m in messages
        if (m.get("custom") or {}).get("type") == "eligibility_verdict"
    ]
