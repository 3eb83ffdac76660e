"""One Rasa server against three, both behind HAProxy on PostgreSQL and Redis (bot/cluster.py's
Cluster: `make cluster`'s configuration, its supervisord a child of this process).

The same load as bench/conversation.py's (its Locust driver and our conversations, German and
English, each to its verdict) at 32 users for BENCH_SECONDS (default 20), first against a cluster
of one server, then of three, on a scratch PostgreSQL database of the local server
(BENCH_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres) and the local Redis
(REDIS_URL). Printed side by side: turns per second, p50/p95 latency, failures, and the CPU the
servers used per turn, from which the README's capacity estimate is worked out. On a machine of
two cores three servers cannot be three times faster: the point is the measured figures.
Figures: results/bench_cluster.json; the servers' output: results/bench_cluster.log.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psutil
import psycopg2
from psycopg2 import sql
from sqlalchemy.engine import make_url

from bench.conversation import OURS, ends_well, free_port, http, output_to_log, percentile
from bot.cluster import Cluster
from bot.serve import ROOT, ensure_model, quiet_env

USERS = 32
SIZES = (1, 3)
TOKEN = "bench"


@contextlib.contextmanager
def scratch_database(admin_url: str):
    name = f"bench_{uuid.uuid4().hex[:12]}"
    url = make_url(admin_url)
    admin = psycopg2.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password,
        dbname=url.database,
    )  # fmt: skip
    admin.autocommit = True  # CREATE/DROP DATABASE cannot run inside a transaction
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        admin.close()


def cpu_seconds(cluster: Cluster) -> float:
    """User and system CPU of every process of the cluster: supervisord and what it runs (the
    servers, HAProxy), children included."""
    total = 0.0
    with contextlib.suppress(psutil.Error):
        process = psutil.Process(cluster.supervisord.pid)
        for each in [process, *process.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                total += sum(each.cpu_times()[:4])
    return total


def load(cluster: Cluster, seconds: float, tmp: str) -> dict:
    """The conversation benchmark's Locust driver, against HAProxy."""
    spec = {"bot": "ours", "host": cluster.base, "scripts": OURS, "users": USERS,
            "seconds": seconds}  # fmt: skip
    spec_file, out_file = Path(tmp, "drive.json"), Path(tmp, "driven.json")
    spec_file.write_text(json.dumps(spec), "utf-8")
    before = cpu_seconds(cluster)
    command = [sys.executable, "-m", "bench.conversation", "--drive", str(spec_file), str(out_file)]
    subprocess.run(command, cwd=ROOT, check=True, timeout=seconds + 300)
    cpu = cpu_seconds(cluster) - before
    driven = json.loads(out_file.read_text("utf-8"))
    latencies = driven["latencies_ms"]
    return {
        "servers": len(cluster.nodes),
        "users": USERS,
        "turns": len(latencies),
        "turns_per_s": len(latencies) / driven["seconds"],
        **{f"p{q}_ms": percentile(latencies, q / 100) for q in (50, 95, 99)},
        "failures": len(driven["failures"]),
        "failure_examples": sorted(set(driven["failures"]))[:3],
        "cpu_s_per_turn": cpu / max(len(latencies), 1),
    }


def warm_up(cluster: Cluster) -> None:
    """Each server directly, not through HAProxy, which would send the warm-up's two senders to
    two servers at most: a cold server's first turns (TensorFlow traces its graphs) took seconds
    and were measured as the load."""
    for base in [node.base for node in cluster.nodes]:
        for script in OURS:
            sender = f"bench-{uuid.uuid4().hex[:12]}"
            for text in script:
                status, replies = http(f"{base}/webhooks/rest/webhook",
                                       {"sender": sender, "message": text})  # fmt: skip
                if status != 200:
                    raise RuntimeError(f"warm-up: {text!r} answered with {status}")
            if not ends_well("ours", replies or []):
                raise RuntimeError(f"warm-up: {script[0]!r} had no ending")


def benchmark(tmp: str, progress) -> dict:
    seconds = float(os.environ.get("BENCH_SECONDS", "20"))
    admin = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("REDIS_URL", "").strip() or "redis://127.0.0.1:6379/0"
    model = ensure_model()
    rows = []
    for size in SIZES:
        with scratch_database(admin) as database:
            progress(f"{size} server(s) behind HAProxy: starting ...")
            cluster = Cluster(
                model, TOKEN,
                {**quiet_env(), "DATABASE_URL": database, "REDIS_URL": redis_url,
                 "BOT_RATE_LIMIT": "off"},
                rasa_ports=[free_port() for _ in range(size)],
                action_ports=[free_port() for _ in range(size)],
                port=free_port(), stats_port=free_port(),
                config_dir=Path(tmp, f"haproxy-{size}"),
            )  # fmt: skip
            cluster.start()
            try:
                warm_up(cluster)
                progress(f"{size} server(s): {USERS} users for {seconds:.0f} s ...")
                rows.append(load(cluster, seconds, tmp))
            finally:
                cluster.stop()
    return {"seconds": seconds, "cores": os.cpu_count(), "rows": rows}


def report(figures: dict) -> None:
    print(f"\none server against three behind HAProxy, {USERS} users, "
          f"{figures['seconds']:.0f} s each, {figures['cores']} cores")  # fmt: skip
    print(f"{'servers':>7}{'turns':>7}{'turns/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"{'failed':>7}{'CPU ms/turn':>12}")  # fmt: skip
    for r in figures["rows"]:
        print(f"{r['servers']:>7}{r['turns']:>7}{r['turns_per_s']:>9.1f}{r['p50_ms']:>9.0f}"
              f"{r['p95_ms']:>9.0f}{r['p99_ms']:>9.0f}{r['failures']:>7}"
              f"{r['cpu_s_per_turn'] * 1000:>12.1f}")  # fmt: skip
        for example in r["failure_examples"]:
            print(f"      failure: {example}")
    one, three = figures["rows"][0], figures["rows"][-1]
    print(f"three / one: turns/s {three['turns_per_s'] / one['turns_per_s']:.2f}×, "
          f"p95 {three['p95_ms'] / one['p95_ms']:.2f}×; "
          f"turns per CPU-second (one server): {1 / one['cpu_s_per_turn']:.1f}")  # fmt: skip


def main() -> None:
    results = ROOT / "results"
    with (
        tempfile.TemporaryDirectory() as tmp,
        output_to_log(results / "bench_cluster.log") as progress,
    ):
        figures = benchmark(tmp, progress)
    report(figures)
    (results / "bench_cluster.json").write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
