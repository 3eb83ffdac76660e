"""Whole conversations under load, as ratios against a baseline measured in the same run.

The baseline is Rasa's own starter project (the moodbot of `rasa init`), trained into a temporary
folder with the same Rasa and served the same way: the least a Rasa assistant does per turn, so the
ratios stay comparable across machines. Both bots run on free loopback ports (ours with its action
server and a scratch SQLite database) and are driven over the REST channel by Locust, in a process
of its own (Locust patches with gevent), at 1, 8 and 32 users for BENCH_SECONDS (default 20) per
level and bot, in BENCH_ROUNDS (default 4) stretches, the bots taking turns stretch by stretch.
Each user talks without pause, one whole conversation after the other under a new sender id: ours
alternate German and English, state facts up front, answer the form's questions, ask a FAQ question
in between and end in the verdict; the moodbot's follow its stories. A turn is one REST POST.
Measured per bot and level: turn latency, turns per second, failures (an error, or a conversation
without its ending), CPU seconds per turn of the server processes, peak RSS of each server process
with its children. Targets are printed next to the ratios; nothing here fails a build. Figures:
results/bench_conversation.json, the servers' output: results/bench_conversation.log.

`--profile` profiles turns of ours instead: the Rasa server runs under pyinstrument, which records
only while a few whole conversations are held one after the other (start-up is left out).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psutil

# Nothing above imports ssl: the Locust driver (--drive) patches with gevent after these imports.
from bot.conversation import intents
from bot.serve import (
    ROOT,
    ensure_model,
    quiet_env,
    server_env,
    start_action_server,
    start_servers,
)

LEVELS = (1, 8, 32)
TARGET_USERS = 8
P95_TARGET, THROUGHPUT_TARGET, MEMORY_TARGET = 1.5, 0.7, 3.0
TURN = "/webhooks/rest/webhook"
# The profile's call tree shows Rasa's frames and ours (other libraries' stay folded).
PROFILE_SHOWN = r".*/(site-packages/rasa|bot|actions)/"
# Our conversations (phrasings of tests/e2e/test_conversations.py): facts up front, the form's
# answers, a FAQ question in between; the last reply carries the verdict.
OURS = [
    [
        "Guten Tag, wir sind seit 14 Monaten indirekter Wiederverkäufer. "
        "Können wir uns als Partner mit direkter Abrechnung registrieren?",
        "Unser CSP-Umsatz lag bei 350.000 USD",
        "Ja",
        "Ja, das darf ich",
        "Was ist der Unterschied zwischen ASfP und PSfP?",
        "Ja, den bieten wir",
        "PSfP",
        "sicher",
        intents.payload(intents.AFFIRM),
        "Zwei Managed Services",
    ],
    [
        "We have been an indirect reseller for 14 months and made USD 350,000 in CSP revenue. "
        "Are we eligible?",
        "Yes",
        "yes, that is me",
        "What's the difference between ASfP and PSfP?",
        "yes, that we offer",
        "PSfP",
        "I don't know",
        "No",
        "none",
    ],
]
# The moodbot's stories: greet, a mood, whether the picture helped, goodbye.
MOODBOT = [["hello", "I am sad", "yes", "bye"], ["hi", "I am great", "bye"], ["hey", "sad", "no"]]


def ends_well(bot: str, replies: list[dict]) -> bool:
    """Whether a conversation's last reply is its ending: our verdict, the moodbot's goodbye."""
    if bot == "ours":
        return any((m.get("custom") or {}).get("type") == "eligibility_verdict" for m in replies)
    return any(m.get("text") == "Bye" for m in replies)


def drive(spec: dict) -> dict:
    """The Locust side (its own process): `users` users talk for `seconds`, then end their turn."""
    import gevent
    from locust import FastHttpUser, constant, task
    from locust.env import Environment
    from locust.exception import StopUser

    bot, scripts, deadline = spec["bot"], spec["scripts"], float("inf")
    latencies: list[float] = []
    failures: list[str] = []
    numbers = itertools.count()

    class Partner(FastHttpUser):
        host = spec["host"]
        wait_time = constant(0)
        network_timeout = connection_timeout = 120.0

        @task
        def conversation(self) -> None:
            script = scripts[next(numbers) % len(scripts)]
            sender = f"bench-{uuid.uuid4().hex[:12]}"
            for number, text in enumerate(script, 1):
                if time.monotonic() >= deadline:
                    raise StopUser()
                body = {"sender": sender, "message": text}
                with self.client.post(TURN, json=body, name="turn", catch_response=True) as reply:
                    last = reply.status_code == 200 and number == len(script)
                    if last and not ends_well(bot, reply.json() or []):
                        reply.failure(f"no ending after {text!r}")

    def on_request(response_time: float, exception: Exception | None, **_: object) -> None:
        latencies.append(response_time)
        if exception is not None:
            failures.append(str(exception)[:200])

    env = Environment(user_classes=[Partner])
    env.events.request.add_listener(on_request)
    runner = env.create_local_runner()
    started = time.monotonic()
    deadline = started + spec["seconds"]
    runner.start(spec["users"], spawn_rate=spec["users"])
    gevent.sleep(spec["seconds"])
    while runner.user_count and time.monotonic() < deadline + 180:
        gevent.sleep(0.05)  # each user ends with the turn it is in
    elapsed = time.monotonic() - started
    runner.quit()
    return {"latencies_ms": latencies, "failures": failures, "seconds": elapsed}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def http(url: str, body: dict | None = None, timeout: float = 120) -> tuple[int | None, object]:
    import urllib.request  # imports ssl: not at the top (see above)

    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except OSError:
        return None, None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Bot:
    """A bot's servers (Rasa, actions): readiness, conversations, CPU time, sampled peak RSS."""

    def __init__(self, name: str, port: int, rasa, actions, urls: tuple[str, str]) -> None:
        self.name, self.port, self.urls = name, port, urls
        self.popens = {"rasa": rasa, "actions": actions}
        self.processes = {role: psutil.Process(p.pid) for role, p in self.popens.items()}
        self.peak = dict.fromkeys(self.popens, 0)
        self.scripts = OURS if name == "ours" else MOODBOT

    def tree(self, role: str) -> list[psutil.Process]:
        process = self.processes[role]
        return [process, *process.children(recursive=True)]

    def sample(self) -> None:
        for role in self.processes:
            with contextlib.suppress(psutil.Error):  # a child came or went while being read
                rss = sum(p.memory_info().rss for p in self.tree(role))
                self.peak[role] = max(self.peak[role], rss)

    def cpu_seconds(self) -> dict[str, float]:
        """User and system CPU of each server, its children's (live and ended) included."""
        seconds = dict.fromkeys(self.processes, 0.0)
        for role in self.processes:
            for process in self.tree(role):
                with contextlib.suppress(psutil.Error):  # a child that just ended: in its parent's
                    seconds[role] += sum(process.cpu_times()[:4])
        return seconds

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.popens.values()):
                raise RuntimeError(f"a server of {self.name} exited during start-up")
            if all(http(url, timeout=5)[0] == 200 for url in self.urls):
                return
            time.sleep(1)
        raise RuntimeError(f"the servers of {self.name} did not become ready within 300 s")

    def converse(self, script: list[str]) -> int:
        sender, url = f"bench-{uuid.uuid4().hex[:12]}", f"http://127.0.0.1:{self.port}{TURN}"
        for text in script:
            status, replies = http(url, {"sender": sender, "message": text})
            if status != 200:
                raise RuntimeError(f"{self.name}: {text!r} answered with {status}")
        if not ends_well(self.name, replies or []):
            raise RuntimeError(f"{self.name}: the conversation {script[0]!r} had no ending")
        return len(script)

    def stop(self) -> None:
        for process in self.popens.values():
            if process.poll() is None:
                process.terminate()
        for process in self.popens.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def start_ours(tmp: str, env: dict, profile_to: str | None = None) -> Bot:
    """Our servers as bot.serve starts them, on a scratch database (the Rasa one profiled)."""
    model, port, action_port, token = ensure_model(), free_port(), free_port(), "bench"
    env = {**env, "DATABASE_URL": f"sqlite:///{tmp}/assistant.db"}
    if profile_to is None:
        servers = start_servers(model, token, port, action_port, env=env)
        rasa, actions = servers.rasa_server, servers.action_server
    else:  # start_servers' command, in this module's profiling wrapper
        env = server_env(dict(env), token, action_port)
        actions = start_action_server(env, action_port)
        command = [
            sys.executable, "-m", "bench.conversation", "--profiled-server", profile_to,
            "run", "--model", str(model), "--port", str(port), "--enable-api", "--auth-token", token,
            "--credentials", "credentials.yml", "--endpoints", "endpoints.yml",
        ]  # fmt: skip
        rasa = subprocess.Popen(command, cwd=ROOT, env=env)
    urls = (
        f"http://127.0.0.1:{port}/status?token={token}",
        f"http://127.0.0.1:{action_port}/health",
    )
    return Bot("ours", port, rasa, actions, urls)


def start_moodbot(folder: str, env: dict) -> Bot:
    """`rasa init` writes the starter project and trains it (offline); then its two servers."""
    os.mkdir(folder)
    rasa = [sys.executable, "-m", "rasa"]
    subprocess.run([*rasa, "init", "--no-prompt", "--init-dir", folder], env=env, check=True)
    if not list(Path(folder, "models").glob("*.tar.gz")):
        subprocess.run([*rasa, "train"], cwd=folder, env=env, check=True)
    port, action_port = free_port(), free_port()
    endpoints = Path(folder, "endpoints.yml")
    commented = '#action_endpoint:\n#  url: "http://localhost:5055/webhook"'
    if commented not in endpoints.read_text("utf-8"):
        raise RuntimeError("the moodbot's endpoints.yml has no action_endpoint to set")
    endpoints.write_text(
        endpoints.read_text("utf-8").replace(
            commented, f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"'
        ),
        "utf-8",
    )
    actions = [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)]
    return Bot(
        "moodbot",
        port,
        subprocess.Popen([*rasa, "run", "--enable-api", "--port", str(port)], cwd=folder, env=env),
        subprocess.Popen(actions, cwd=folder, env=env),
        (f"http://127.0.0.1:{port}/status", f"http://127.0.0.1:{action_port}/health"),
    )


def level(bot: Bot, users: int, seconds: float, tmp: str) -> dict:
    """One stretch of load on one bot: Locust in a process of its own, the servers' CPU around it."""
    spec = {"bot": bot.name, "host": f"http://127.0.0.1:{bot.port}", "scripts": bot.scripts}
    spec_file, out_file = Path(tmp, "drive.json"), Path(tmp, "driven.json")
    spec_file.write_text(json.dumps({**spec, "users": users, "seconds": seconds}), "utf-8")
    cpu = bot.cpu_seconds()
    command = [sys.executable, "-m", "bench.conversation", "--drive", str(spec_file), str(out_file)]
    subprocess.run(command, cwd=ROOT, check=True, timeout=seconds + 300)
    driven = json.loads(out_file.read_text("utf-8"))
    driven["cpu_s"] = {role: seconds - cpu[role] for role, seconds in bot.cpu_seconds().items()}
    return driven


def summary(users: int, stretches: list[dict], peak: dict[str, int]) -> dict:
    """A level's figures over all its stretches."""
    latencies = [ms for s in stretches for ms in s["latencies_ms"]]
    failures = [f for s in stretches for f in s["failures"]]
    cpu = {role: sum(s["cpu_s"][role] for s in stretches) for role in stretches[0]["cpu_s"]}
    turns = max(len(latencies), 1)
    return {
        "users": users,
        "turns": len(latencies),
        "turns_per_s": len(latencies) / sum(s["seconds"] for s in stretches),
        **{f"p{q}_ms": percentile(latencies, q / 100) for q in (50, 95, 99)},
        "failures": len(failures),
        "failure_examples": sorted(set(failures))[:3],
        "cpu_s_per_turn": sum(cpu.values()) / turns,
        "cpu_s_per_turn_by_server": {role: s / turns for role, s in cpu.items()},
        "peak_rss_mb": {role: rss / 2**20 for role, rss in peak.items()},
    }


def benchmark(tmp: str, env: dict, progress) -> dict:
    seconds = float(os.environ.get("BENCH_SECONDS", "20"))
    # This machine's speed drifts by more than the difference measured when other work shares
    # its host: each level is split into stretches, the bots taking turns stretch by stretch
    # (and who goes first alternating), so both see the same machine.
    rounds = max(1, int(os.environ.get("BENCH_ROUNDS", "4")))
    bots: list[Bot] = []
    sampling = threading.Event()

    def sampler() -> None:
        while not sampling.wait(0.2):
            for bot in bots:
                bot.sample()

    try:
        progress("training the moodbot (rasa init), starting both bots ...")
        bots.append(start_moodbot(f"{tmp}/moodbot", env))
        bots.insert(0, start_ours(tmp, env))
        for bot in bots:
            bot.wait_until_ready()
            for script in bot.scripts:
                bot.converse(script)  # warm-up; each script reaches its ending
        threading.Thread(target=sampler, daemon=True).start()
        rows: dict[str, list[dict]] = {bot.name: [] for bot in bots}
        for users in LEVELS:
            progress(f"{users} users, {seconds:.0f} s a bot in {rounds} stretches each ...")
            stretches: dict[str, list[dict]] = {bot.name: [] for bot in bots}
            for bot in bots:
                bot.peak = dict.fromkeys(bot.peak, 0)
            for number in range(rounds):
                for bot in bots if number % 2 == 0 else bots[::-1]:
                    stretches[bot.name].append(level(bot, users, seconds / rounds, tmp))
            for bot in bots:
                rows[bot.name].append(summary(users, stretches[bot.name], bot.peak))
        return {"seconds_per_level": seconds, "stretches_per_level": rounds, "levels": rows}
    finally:
        sampling.set()
        for bot in bots:
            bot.stop()


def print_table(name: str, rows: list[dict]) -> None:
    print(f"\n{name}")
    print(
        f"{'users':>5}{'turns':>7}{'turns/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'failed':>7}{'CPU ms/turn':>12}{'RSS Rasa MB':>12}{'RSS actions MB':>15}"
    )
    for r in rows:
        print(
            f"{r['users']:>5}{r['turns']:>7}{r['turns_per_s']:>9.1f}{r['p50_ms']:>9.0f}"
            f"{r['p95_ms']:>9.0f}{r['p99_ms']:>9.0f}{r['failures']:>7}"
            f"{r['cpu_s_per_turn'] * 1000:>12.1f}{r['peak_rss_mb']['rasa']:>12.0f}"
            f"{r['peak_rss_mb']['actions']:>15.0f}"
        )
        for example in r["failure_examples"]:
            print(f"      failure: {example}")


def report(figures: dict) -> None:
    ours, base = figures["levels"]["ours"], figures["levels"]["moodbot"]
    print(
        f"baseline: Rasa's starter project (moodbot), {figures['seconds_per_level']:.0f} s a level"
        f" in {figures['stretches_per_level']} stretches, the bots taking turns"
    )
    print_table("ours", ours)
    print_table("moodbot", base)
    print("\nours / moodbot")
    print(f"{'users':>5}{'p50 ×':>8}{'p95 ×':>8}{'p99 ×':>8}{'turns/s ×':>11}{'CPU/turn ×':>12}")
    ratios = []
    for o, b in zip(ours, base, strict=True):
        keys = ("p50_ms", "p95_ms", "p99_ms", "turns_per_s", "cpu_s_per_turn")
        ratios.append({"users": o["users"], **{k: o[k] / b[k] for k in keys}})
        widths = zip(keys, (8, 8, 8, 11, 12), strict=True)
        print(f"{o['users']:>5}" + "".join(f"{ratios[-1][k]:>{w}.2f}" for k, w in widths))
    at = next(r for r in ratios if r["users"] == TARGET_USERS)
    rss = [max(r["peak_rss_mb"]["rasa"] for r in rows) for rows in (ours, base)]
    targets = {
        f"p95 at {TARGET_USERS} users": (at["p95_ms"], "<=", P95_TARGET),
        f"throughput at {TARGET_USERS} users": (at["turns_per_s"], ">=", THROUGHPUT_TARGET),
        "peak Rasa-server RSS": (rss[0] / rss[1], "<=", MEMORY_TARGET),
    }
    print(f"\n{'target':<26}{'×':>7}{'target':>9}  verdict")
    figures["ratios"], figures["targets"] = ratios, {}
    for name, (value, sense, target) in targets.items():
        ok = value <= target if sense == "<=" else value >= target
        figures["targets"][name] = {"ratio": value, "target": f"{sense} {target}", "ok": ok}
        print(f"{name:<26}{value:>7.2f}{sense:>5}{target:>4}  {'ok' if ok else 'missed'}")


def profiled_server(out: str, rasa_args: list[str]) -> None:
    """`rasa` in this process; SIGUSR1 starts pyinstrument, SIGUSR2 saves its session to `out`."""
    import runpy

    from pyinstrument import Profiler

    profiler = Profiler(async_mode="disabled")

    def stop(*_: object) -> None:
        profiler.stop().save(out + ".part")
        os.replace(out + ".part", out)

    signal.signal(signal.SIGUSR1, lambda *_: profiler.start())
    signal.signal(signal.SIGUSR2, stop)
    sys.argv = ["rasa", *rasa_args]
    runpy.run_module("rasa", run_name="__main__", alter_sys=True)


def profile(tmp: str, env: dict, progress, conversations: int = 4) -> str:
    from pyinstrument.renderers import ConsoleRenderer
    from pyinstrument.session import Session

    out = ROOT / "results" / "bench_conversation_profile.json"  # for `pyinstrument --load=`
    out.unlink(missing_ok=True)
    progress("starting ours with its Rasa server under pyinstrument ...")
    bot = start_ours(tmp, env, profile_to=str(out))
    try:
        bot.wait_until_ready()
        for script in bot.scripts:
            bot.converse(script)  # warm-up
        bot.popens["rasa"].send_signal(signal.SIGUSR1)
        time.sleep(0.5)
        turns = sum(bot.converse(OURS[n % len(OURS)]) for n in range(conversations))
        bot.popens["rasa"].send_signal(signal.SIGUSR2)
        deadline = time.monotonic() + 30
        while not out.exists():
            if time.monotonic() > deadline:
                raise RuntimeError("the profiled server saved no session")
            time.sleep(0.2)
    finally:
        bot.stop()
    session = Session.load(str(out))
    flat = ConsoleRenderer(flat=True).render(session)
    options = {"show_regex": PROFILE_SHOWN, "filter_threshold": 0.02}
    return (
        f"pyinstrument, our Rasa server: {conversations} conversations ({turns} turns) in a row, "
        f"session in {out.relative_to(ROOT)}\n"
        + ConsoleRenderer(unicode=True, processor_options=options).render(session)
        + "self time, the top 25 functions:\n"
        + "\n".join([line for line in flat.splitlines() if line[:1].isdigit()][:25])
    )


def main(argv: list[str]) -> None:
    if argv[:1] == ["--drive"]:
        result = drive(json.loads(Path(argv[1]).read_text("utf-8")))
        Path(argv[2]).write_text(json.dumps(result), "utf-8")
        os._exit(0)  # no interpreter shutdown under gevent's patches (it only adds noise)
    if argv[:1] == ["--profiled-server"]:
        return profiled_server(argv[1], argv[2:])
    results = ROOT / "results"
    with (
        tempfile.TemporaryDirectory() as tmp,
        output_to_log(results / "bench_conversation.log") as progress,
    ):
        if "--profile" in argv:
            printed = profile(tmp, quiet_env(), progress)
        else:
            figures = benchmark(tmp, quiet_env(), progress)
    if "--profile" in argv:
        print(printed)
        return
    report(figures)
    (results / "bench_conversation.json").write_text(json.dumps(figures, indent=2) + "\n")


@contextlib.contextmanager
def output_to_log(path: Path):
    """Everything this process and its children write goes to `path` (the servers' and the
    trainings' output); what the yielded `progress(line)` prints goes to the terminal."""
    path.parent.mkdir(exist_ok=True)
    sys.stdout.flush()
    terminal = os.fdopen(os.dup(1), "w", buffering=1)
    saved = os.dup(1), os.dup(2)
    with open(path, "wb") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            yield lambda line: print(line, file=terminal)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            terminal.close()


if __name__ == "__main__":
    main(sys.argv[1:])
