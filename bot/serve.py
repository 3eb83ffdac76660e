"""`make run`: API token, trained model, action server and Rasa server in the foreground.

Ctrl-C (SIGINT) or SIGTERM stops both servers.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
MODELS = ROOT / "models"
TOKEN_FILE = VAR / "api_token"
# Everything a trained model depends on: a change to any of these trains anew.
MODEL_INPUTS = ("config.yml", "domain.yml", "data", "bot/nlu")


def api_token() -> tuple[str, str]:
    """The HTTP API token and where it came from: BOT_API_TOKEN, or a generated, git-ignored file."""
    token = os.environ.get("BOT_API_TOKEN", "").strip()
    if token:
        return token, "BOT_API_TOKEN"
    if TOKEN_FILE.exists():
        return TOKEN_FILE.read_text("utf-8").strip(), str(TOKEN_FILE)
    VAR.mkdir(mode=0o700, exist_ok=True)
    token = secrets.token_urlsafe(32)
    TOKEN_FILE.touch(mode=0o600)
    TOKEN_FILE.write_text(token + "\n", "utf-8")
    return token, str(TOKEN_FILE)


def model_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in MODEL_INPUTS:
        path = ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts:
                continue
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


# Training as reproducible as TensorFlow allows: deterministic kernels, a fixed thread layout (one
# op at a time, each on both cores), Python's hash order fixed. The seeds are in config.yml.
TRAINING_ENV = {
    "TF_DETERMINISTIC_OPS": "1",
    "TF_INTER_OP_PARALLELISM_THREADS": "1",
    "TF_INTRA_OP_PARALLELISM_THREADS": "2",
    "PYTHONHASHSEED": "0",
}


def ensure_model() -> Path:
    """The model for the current data and config, trained only when none exists for them."""
    name = f"assistant-{model_fingerprint()}"
    model = MODELS / f"{name}.tar.gz"
    if model.exists():
        print(f"Model up to date: {model.relative_to(ROOT)}", flush=True)
        return model
    print("Training the model (data or configuration changed) ...", flush=True)
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "rasa", "train", "--fixed-model-name", name, "--out", str(MODELS)],
        cwd=ROOT,
        check=True,
        env={**quiet_env(), **TRAINING_ENV},
    )
    print(
        f"Model trained in {time.monotonic() - started:.0f} s: {model.relative_to(ROOT)}",
        flush=True,
    )
    return model


def quiet_env() -> dict[str, str]:
    # No telemetry or error reports: the product sends nothing beyond its own channels.
    return {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONWARNINGS": "ignore",
        "RASA_TELEMETRY_ENABLED": "false",
    }


@dataclass
class Servers:
    action_server: subprocess.Popen
    rasa_server: subprocess.Popen

    def stop(self) -> None:
        for process in (self.rasa_server, self.action_server):
            if process.poll() is None:
                process.terminate()
        for process in (self.rasa_server, self.action_server):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


# The largest request body any server reads (Sanic's own default is 100 MB, read before any check):
# a message at the guard's length limit, JSON-escaped, is far below it. HAProxy caps the same.
MAX_REQUEST_BYTES = 1024 * 1024


def action_server_command(port: int) -> list[str]:
    """The action server on loopback, answering only the shared secret (bot/action_server.py)."""
    return [sys.executable, "-m", "bot.action_server", "--port", str(port)]


def rasa_server_command(model: Path, port: int, interface: str = "0.0.0.0") -> list[str]:
    """The Rasa server; the API token travels in the environment (bot/rasa_server.py)."""
    return [
        sys.executable, "-m", "bot.rasa_server", "--model", str(model), "--port", str(port),
        "--interface", interface, "--enable-api",
        "--credentials", "credentials.yml", "--endpoints", "endpoints.yml",
    ]  # fmt: skip


def server_env(env: dict[str, str], token: str, action_port: int) -> dict[str, str]:
    """`env` completed with what both servers read: the database, the action server's URL and
    shared secret (generated once per `env`, so a restarted server keeps talking to the other),
    the API token and the request size limit. Changes `env` and returns it."""
    from bot.storage import database_url

    env["DATABASE_URL"] = database_url(env)
    env["ACTION_SERVER_URL"] = f"http://127.0.0.1:{action_port}/webhook"
    env.setdefault("REDIS_URL", "")  # endpoints.yml's lock store: empty means one server
    if not env.get("BOT_ACTION_SERVER_TOKEN", "").strip():
        env["BOT_ACTION_SERVER_TOKEN"] = secrets.token_urlsafe(32)
    env["BOT_API_TOKEN"] = token
    env["SANIC_REQUEST_MAX_SIZE"] = str(MAX_REQUEST_BYTES)
    return env


def start_action_server(
    env: dict[str, str], port: int, output: IO | None = None, migrated: bool = False
) -> subprocess.Popen:
    """The action server on the database, migrated first unless `migrated`; `env` must have been
    completed by `server_env`. `output`: where the server writes its log (default: this
    process's stdout and stderr)."""
    from bot.storage import migrate

    if not migrated:
        migrate.upgrade(env["DATABASE_URL"])
    return subprocess.Popen(action_server_command(port), cwd=ROOT, env=env, **_log_to(output))


def start_rasa_server(
    model: Path, port: int, env: dict[str, str], output: IO | None = None
) -> subprocess.Popen:
    """The Rasa server; `env` completed by `server_env`."""
    return subprocess.Popen(rasa_server_command(model, port), cwd=ROOT, env=env, **_log_to(output))


def _log_to(output: IO | None) -> dict[str, Any]:
    return {} if output is None else {"stdout": output, "stderr": subprocess.STDOUT}


def start_servers(
    model: Path,
    token: str,
    rasa_port: int = 5005,
    action_port: int = 5055,
    env: dict | None = None,
    output: IO | None = None,
) -> Servers:
    """Both servers on one database, whose schema is migrated first."""
    env = server_env({**quiet_env(), **(env or {})}, token, action_port)
    action_server = start_action_server(env, action_port, output)
    rasa_server = start_rasa_server(model, rasa_port, env, output)
    return Servers(action_server, rasa_server)


def shell(model: Path, action_port: int = 5055) -> int:
    """A terminal chat: the action server in the background, `rasa shell` in the foreground."""
    env = server_env(quiet_env(), api_token()[0], action_port)
    actions = start_action_server(env, action_port)
    try:
        command = [
            sys.executable,
            "-m",
            "rasa",
            "shell",
            "--model",
            str(model),
            "--endpoints",
            "endpoints.yml",
        ]
        return subprocess.run(command, cwd=ROOT, env=env).returncode
    finally:
        actions.terminate()
        actions.wait(timeout=20)


def main(argv: list[str] | None = None) -> int:
    from bot.channels.teams.settings import status_line
    from bot.channels.widget.assets import widget_line
    from bot.storage.config import database_url, shown_url

    if "--shell" in (argv if argv is not None else sys.argv[1:]):
        return shell(ensure_model())
    token, source = api_token()
    model = ensure_model()
    servers = start_servers(model, token)
    where = "the environment variable BOT_API_TOKEN" if source == "BOT_API_TOKEN" else source
    print(
        f"Rasa server: http://localhost:5005 (REST: /webhooks/rest/webhook)\n"
        f"Web widget: http://localhost:5005/chat (embed: /widget.js; {widget_line()})\n"
        f"Action server: http://127.0.0.1:5055 (answers only this Rasa server's secret)\n"
        f"{status_line()}\n"
        f"HTTP API token: from {where} (pass it as ?token=...)\n"
        f"Database: {shown_url(database_url())}\n"
        f"Ctrl-C stops everything.",
        flush=True,
    )
    run_in_foreground(
        lambda: servers.rasa_server.poll() is None and servers.action_server.poll() is None
    )
    servers.stop()
    return 0


def run_in_foreground(running: Callable[[], bool]) -> None:
    """Returns on Ctrl-C (SIGINT), SIGTERM, or once `running()` is false (a process ended)."""
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping and running():
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
