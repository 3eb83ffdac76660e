"""`make cluster`: several Rasa servers behind HAProxy, on PostgreSQL and Redis, under supervisord.

Each Rasa server has an action server of its own; all share the tracker store and our tables
(DATABASE_URL, PostgreSQL, migrated once here before supervisord starts), the conversation lock
(REDIS_URL, bot/storage/lock_store.py) and the widget's socket.io messages (the same Redis).

supervisord (PyPI's `supervisor`) runs every process: the action servers, the Rasa servers and
HAProxy (Debian's package). This module migrates the database, writes supervisord's and HAProxy's
configuration into BOT_CLUSTER_DIR (default var/cluster/, mode 0700, files 0600) and then becomes
supervisord (exec), in the foreground. A process that dies is started again by supervisord; the
others keep serving; only Ctrl-C (SIGINT) or SIGTERM stops the whole. The programs' output goes to
this process's stdout, supervisord's own log to supervisord.log there; `supervisorctl -c
var/cluster/supervisord.conf status` shows the programs (its socket is the owner's alone).
Secrets (the API token, the action servers' shared secret, DATABASE_URL's password, ...) are not
in the configuration files: supervisord and its programs inherit them from this process's
environment; a program's own settings (its action server's URL) are in its `environment=`.

The Rasa servers listen on loopback (BOT_CLUSTER_SERVER_INTERFACE, default 127.0.0.1), so they are
reached through HAProxy only; the action servers on loopback too (bot/action_server.py). HAProxy
listens where `make run` does and
- sends a REST message by its body's `sender` and a Teams activity by its conversation id to the
  same server each time (a consistent hash: when a server goes, only its conversations move);
- keeps a widget socket on one server for its life (a cookie for socket.io's polling requests);
- sends the HTTP API and the pages to any server;
- sets X-Forwarded-For to the client's address (whatever the client sent is replaced; the servers
  trust it from loopback, BOT_TRUSTED_PROXIES=127.0.0.1) and X-Served-By on each response;
- refuses with 413 a request whose Content-Length is over bot.serve.MAX_REQUEST_BYTES (a chunked
  body it cannot measure beyond its buffer: the servers' own limit refuses that one);
- gives each server at most SERVER_TURNS requests at once and queues the rest (a pile-up waits in
  HAProxy, not inside a server, where the turn timeout runs);
- takes a server out at a request's failed connection or after two failed health checks, back
  in after two good ones: a server that is starting (or restarting) joins once it answers.

Settings: BOT_CLUSTER_SERVERS (default 3), BOT_CLUSTER_PORT (5005), BOT_CLUSTER_STATS_PORT
(5099: HAProxy's statistics page, /stats, on loopback), BOT_CLUSTER_RASA_PORTS and
BOT_CLUSTER_ACTION_PORTS (comma-separated, one per server; default 5101, 5102, ... and 5151,
5152, ...), BOT_CLUSTER_SERVER_INTERFACE (127.0.0.1), BOT_CLUSTER_DIR (var/cluster),
BOT_CLUSTER_MODEL (a model archive; default the trained model of the current data), and those of
`make run`.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xmlrpc.client
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from bot.serve import (
    MAX_REQUEST_BYTES,
    ROOT,
    VAR,
    action_server_command,
    api_token,
    ensure_model,
    quiet_env,
    rasa_server_command,
    server_env,
)

DEFAULT_SERVERS = 3
DEFAULT_PORT = 5005
DEFAULT_STATS_PORT = 5099
# The servers' own ports: Rasa 5101, 5102, ...; action servers 5151, 5152, ...
RASA_PORT_BASE = 5100
ACTION_PORT_BASE = 5150
DEFAULT_INTERFACE = "127.0.0.1"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
HAPROXY = "/usr/sbin/haproxy"
# HAProxy reads a request body up to its buffer to find the conversation; a larger body (a message
# near the length limit) goes to any server, which is still correct, only not affine.
BUFFER_BYTES = 64 * 1024
# Turns a Rasa server is given at once (its one event loop); more wait in HAProxy's queue, for up
# to QUEUE_SECONDS, instead of inside the server, where BOT_TURN_TIMEOUT (30 s) runs: under a
# pile-up (a server lost, its conversations' leases running out) they then wait, not fail.
SERVER_TURNS = 8
QUEUE_SECONDS = 60
# The only address whose X-Forwarded-For the Rasa servers believe: HAProxy's, on this machine.
TRUSTED_PROXIES = "127.0.0.1"
SUPERVISORD_CONF = "supervisord.conf"
SOCKET = "supervisor.sock"


class ClusterError(RuntimeError):
    pass


def max_connections() -> int:
    """As many connections as the open-file limit lets HAProxy hold (two descriptors each: the
    client's and the server's), at most 20,000; an open widget socket is one of them."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        return 20_000
    return max(256, min(20_000, (hard - 100) // 2))


def haproxy_config(
    rasa_ports: list[int],
    port: int,
    stats_port: int,
    maxconn: int | None = None,
    server_address: str = "127.0.0.1",
) -> str:
    """HAProxy's configuration for Rasa servers on these ports of `server_address`."""
    servers = [f"rasa{i}" for i in range(1, len(rasa_ports) + 1)]
    checked = "\n".join(
        f"    server {name} {server_address}:{p} check inter 2s fall 2 rise 2"
        f" observe layer4 error-limit 1 on-error mark-down maxconn {SERVER_TURNS}"
        for name, p in zip(servers, rasa_ports, strict=True)
    )

    def tracking(extra: str = "") -> str:
        return "\n".join(
            f"    server {name} {server_address}:{p} track conversation/{name}"
            f"{extra.format(name=name)}"
            for name, p in zip(servers, rasa_ports, strict=True)
        )

    return f"""# Generated by bot/cluster.py for {len(rasa_ports)} Rasa servers; do not edit.
global
    maxconn {maxconn or max_connections()}
    tune.bufsize {BUFFER_BYTES}

defaults
    mode http
    timeout connect 5s
    # A turn is cut at BOT_TURN_TIMEOUT (30 s) by the server itself.
    timeout client 120s
    timeout server 120s
    # An open widget socket.
    timeout tunnel 1h
    # A request waiting for a free turn on its server (maxconn below).
    timeout queue {QUEUE_SECONDS}s
    # A request that never reached a server (refused: the server is down) goes to another;
    # one that did is not sent twice (a message may already be stored; clients retry with its id).
    option redispatch
    retries 2
    retry-on conn-failure

frontend assistant
    bind :{port}
    option http-buffer-request
    # No server reads a larger body (bot.serve.MAX_REQUEST_BYTES); refused before one is chosen.
    # A chunked body has no length to read here: the servers' own limit refuses it.
    http-request deny deny_status 413 if {{ req.hdr_val(content-length) gt {MAX_REQUEST_BYTES} }}
    # The client's address as HAProxy saw it, replacing whatever the client claimed.
    http-request set-header X-Forwarded-For %[src]
    # Which server answered: for operators following a conversation, and the cluster test.
    http-response set-header X-Served-By %s
    acl rest path /webhooks/rest/webhook
    acl teams path /webhooks/teams/api/messages
    acl socketio path_beg /socket.io/
    http-request set-var(txn.conversation) req.body,json_query('$.sender') if rest
    http-request set-var(txn.conversation) req.body,json_query('$.conversation.id') if teams
    use_backend conversation if rest || teams
    use_backend widget if socketio
    default_backend any

backend conversation
    balance hash var(txn.conversation)
    hash-type consistent
    option httpchk GET /
    # A busy server answers its check late, not never: only a check unanswered for 5 s, or a
    # refused connection (a dead or starting server), counts as failed. A connection of a
    # request that fails (refused, reset: the server died) takes the server out at once, so
    # that the request's retry, and every request after it, goes to another server (the hash
    # would pick the same one again until the checks noticed, up to 4 s later).
    timeout check 5s
{checked}

backend widget
    balance roundrobin
    cookie BOT_SERVER insert indirect nocache httponly
{tracking(" cookie {name}")}

backend any
    balance roundrobin
{tracking()}

listen stats
    bind 127.0.0.1:{stats_port}
    stats enable
    stats uri /stats
"""


def _value(text: str) -> str:
    """A value as supervisord's configuration reads it: `%` would start an expansion."""
    return text.replace("%", "%%")


def _program(
    name: str,
    command: list[str],
    priority: int,
    environment: dict[str, str] | None = None,
) -> str:
    pairs = []
    for key, value in (environment or {}).items():
        if '"' in value or "\n" in value:
            raise ClusterError(f"{key} cannot be passed to supervisord: {value!r}")
        pairs.append(f'{key}="{_value(value)}"')
    return f"""
[program:{name}]
command={_value(shlex.join(command))}
directory={_value(str(ROOT))}
{"environment=" + ",".join(pairs) if pairs else ""}
priority={priority}
autostart=true
; Started again whenever it exits, however it exits; only supervisord's own end stops it.
autorestart=true
startsecs=5
startretries=10
; The whole process group: a server's children go with it.
stopasgroup=true
killasgroup=true
stopwaitsecs=20
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
redirect_stderr=true
"""


@dataclass
class Node:
    """One Rasa server with its action server (supervisord's programs rasaN and actionsN)."""

    index: int
    rasa_port: int
    action_port: int
    interface: str = DEFAULT_INTERFACE

    @property
    def name(self) -> str:
        return f"rasa{self.index}"

    @property
    def actions_name(self) -> str:
        return f"actions{self.index}"

    @property
    def base(self) -> str:
        return f"http://{_reachable(self.interface)}:{self.rasa_port}"


def _reachable(interface: str) -> str:
    """Where this machine reaches a server bound to `interface`."""
    return "127.0.0.1" if interface in ("0.0.0.0", "", "::") else interface


@dataclass
class Cluster:
    """The cluster's configuration and, once started, its supervisord."""

    model: Path
    token: str
    env: dict[str, str]
    # One Rasa server per port, each with its action server on the port at the same place.
    rasa_ports: list[int]
    action_ports: list[int]
    port: int = DEFAULT_PORT
    stats_port: int = DEFAULT_STATS_PORT
    config_dir: Path = VAR / "cluster"
    # Where supervisord and so every program writes its output (default: this process's).
    output: IO | None = None
    interface: str = DEFAULT_INTERFACE
    nodes: list[Node] = field(default_factory=list)
    supervisord: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def supervisord_conf(self) -> Path:
        return self.config_dir / SUPERVISORD_CONF

    def prepare(self) -> list[str]:
        """Checks the settings, migrates the database, writes the configuration; supervisord's
        command line."""
        from bot.storage import migrate
        from bot.storage.config import shown_url

        haproxy = shutil.which("haproxy") or (HAPROXY if Path(HAPROXY).exists() else None)
        if haproxy is None:
            raise ClusterError("HAProxy is missing: `make haproxy` installs Debian's package")
        if len(self.rasa_ports) != len(self.action_ports) or not self.rasa_ports:
            raise ClusterError("one action server port per Rasa server port")
        self.env = {**quiet_env(), **self.env}
        self.env["REDIS_URL"] = self.env.get("REDIS_URL", "").strip() or DEFAULT_REDIS_URL
        # Once for all: one action-server secret shared by every program (each its own URL below).
        server_env(self.env, self.token, self.action_ports[0])
        if not self.env["DATABASE_URL"].startswith("postgresql"):
            raise ClusterError(
                "several servers need one shared database: set DATABASE_URL to PostgreSQL, "
                f"not {shown_url(self.env['DATABASE_URL'])}"
            )
        migrate.upgrade(self.env["DATABASE_URL"])  # once, before any server starts
        self.nodes = [
            Node(i, rasa, action, self.interface)
            for i, (rasa, action) in enumerate(
                zip(self.rasa_ports, self.action_ports, strict=True), start=1
            )
        ]
        self.config_dir.mkdir(parents=True, exist_ok=True)
        self.config_dir.chmod(0o700)
        haproxy_cfg = self.config_dir / "haproxy.cfg"
        _write_private(
            haproxy_cfg,
            haproxy_config(
                [n.rasa_port for n in self.nodes],
                self.port,
                self.stats_port,
                server_address=_reachable(self.interface),
            ),
        )
        _write_private(self.supervisord_conf, self.supervisord_config(haproxy, haproxy_cfg))
        return [
            sys.executable, "-m", "supervisor.supervisord", "--nodaemon",
            "--configuration", str(self.supervisord_conf),
        ]  # fmt: skip

    def supervisord_config(self, haproxy: str, haproxy_cfg: Path) -> str:
        directory = self.config_dir.resolve()
        socket = directory / SOCKET
        programs = []
        for node in self.nodes:
            programs.append(
                _program(node.actions_name, action_server_command(node.action_port), 100)
            )
            programs.append(
                _program(
                    node.name,
                    rasa_server_command(self.model, node.rasa_port, self.interface),
                    200,
                    {
                        "ACTION_SERVER_URL": f"http://127.0.0.1:{node.action_port}/webhook",
                        "BOT_TRUSTED_PROXIES": TRUSTED_PROXIES,
                    },
                )
            )
        # HAProxy with the servers, not after them: its health checks take each server in once
        # it answers (a Rasa server takes a minute to load its model), the same as after a restart.
        # -W: master-worker; -db: in the foreground, stopped by supervisord.
        programs.append(_program("haproxy", [haproxy, "-W", "-db", "-f", str(haproxy_cfg)], 300))
        return f"""; Generated by bot/cluster.py; do not edit. No secret is in here: supervisord and its
; programs inherit them from the environment of the process that started it.
[supervisord]
nodaemon=true
logfile={_value(str(directory / "supervisord.log"))}
logfile_maxbytes=10MB
logfile_backups=3
pidfile={_value(str(directory / "supervisord.pid"))}
childlogdir={_value(str(directory))}

; The control socket: its owner alone (supervisorctl -c {_value(str(self.supervisord_conf))}).
[unix_http_server]
file={_value(str(socket))}
chmod=0700

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{_value(str(socket))}
{"".join(programs)}"""

    def start(self, timeout: float = 900) -> Cluster:
        """supervisord started as a child of this process; returns once every server answers and
        HAProxy has each in its rotation."""
        command = self.prepare()
        self.supervisord = subprocess.Popen(command, cwd=ROOT, env=self.env, **_log_to(self.output))
        try:
            self.wait_until_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def exec(self, command: list[str]) -> None:
        """This process becomes supervisord (`make cluster`); `command`: prepare()'s."""
        sys.stdout.flush()
        sys.stderr.flush()
        os.chdir(ROOT)
        os.execve(command[0], command, self.env)

    def wait_until_ready(self, timeout: float = 900) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.supervisord is not None and self.supervisord.poll() is not None:
                raise ClusterError("supervisord exited during start-up (its output says why)")
            if all(self.node_ready(n) for n in self.nodes) and all_up(self.stats_port, self.nodes):
                return
            time.sleep(1)
        raise ClusterError(f"the cluster was not ready within {timeout:.0f} s")

    def node_ready(self, node: Node) -> bool:
        return _ok(f"{node.base}/status?token={self.token}") and _ok(
            f"http://127.0.0.1:{node.action_port}/health"
        )

    def control(self) -> xmlrpc.client.ServerProxy:
        """supervisord's XML-RPC interface over its socket (what supervisorctl uses)."""
        return control(self.config_dir)

    def pid(self, program: str) -> int:
        return int(self.control().supervisor.getProcessInfo(program)["pid"])

    def kill(self, node: Node) -> int:
        """SIGKILL for the node's Rasa server, as if it died; supervisord starts it again.
        Returns the killed pid."""
        pid = self.pid(node.name)
        os.kill(pid, signal.SIGKILL)
        return pid

    def running(self) -> bool:
        return self.supervisord is not None and self.supervisord.poll() is None

    def stats(self) -> list[dict[str, str]]:
        return stats(self.stats_port)

    def stop(self) -> None:
        """supervisord stops every program (each within 20 s, else killed) and exits."""
        if self.supervisord is None or self.supervisord.poll() is not None:
            return
        self.supervisord.terminate()
        try:
            self.supervisord.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.supervisord.kill()
            self.supervisord.wait()


def control(config_dir: Path) -> xmlrpc.client.ServerProxy:
    from supervisor.xmlrpc import SupervisorTransport

    transport = SupervisorTransport(None, None, f"unix://{Path(config_dir).resolve() / SOCKET}")
    return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport)


def stats(stats_port: int) -> list[dict[str, str]]:
    """HAProxy's statistics, one row per frontend, backend and server."""
    with urllib.request.urlopen(f"http://127.0.0.1:{stats_port}/stats;csv", timeout=10) as answer:
        lines = answer.read().decode().splitlines()
    header = lines[0].lstrip("# ").split(",")
    return [dict(zip(header, line.split(","), strict=False)) for line in lines[1:] if line]


def all_up(stats_port: int, nodes: list[Node]) -> bool:
    """Whether HAProxy has every server in the conversation backend's rotation."""
    try:
        rows = stats(stats_port)
    except (OSError, urllib.error.URLError, IndexError):
        return False
    status = {r["svname"]: r["status"] for r in rows if r.get("pxname") == "conversation"}
    return all(status.get(n.name) == "UP" for n in nodes)


def _write_private(path: Path, text: str) -> None:
    """Written for the owner alone, from the first byte."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)


def _ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def _log_to(output: IO | None) -> dict:
    return {} if output is None else {"stdout": output, "stderr": subprocess.STDOUT}


def _setting(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip() or str(default)
    if not raw.isdigit() or int(raw) < 1:
        raise ClusterError(f"{name} must be a positive whole number, not {raw!r}")
    return int(raw)


def _ports(env: dict[str, str], name: str, base: int, servers: int) -> list[int]:
    raw = env.get(name, "").strip()
    if not raw:
        return [base + i for i in range(1, servers + 1)]
    parts = [p.strip() for p in raw.split(",")]
    if not all(p.isdigit() and 0 < int(p) < 65536 for p in parts) or len(parts) != servers:
        raise ClusterError(
            f"{name} must be {servers} port numbers separated by commas (one per server), "
            f"not {raw!r}"
        )
    return [int(p) for p in parts]


def from_env(env: dict[str, str]) -> Cluster:
    """The cluster `make cluster` runs, from its settings."""
    servers = _setting(env, "BOT_CLUSTER_SERVERS", DEFAULT_SERVERS)
    model = env.get("BOT_CLUSTER_MODEL", "").strip()
    if model and not Path(model).is_file():
        raise ClusterError(f"BOT_CLUSTER_MODEL: no model archive at {model}")
    return Cluster(
        Path(model).resolve() if model else ensure_model(),
        api_token()[0],
        env,
        _ports(env, "BOT_CLUSTER_RASA_PORTS", RASA_PORT_BASE, servers),
        _ports(env, "BOT_CLUSTER_ACTION_PORTS", ACTION_PORT_BASE, servers),
        _setting(env, "BOT_CLUSTER_PORT", DEFAULT_PORT),
        _setting(env, "BOT_CLUSTER_STATS_PORT", DEFAULT_STATS_PORT),
        Path(env.get("BOT_CLUSTER_DIR", "").strip() or VAR / "cluster"),
        interface=env.get("BOT_CLUSTER_SERVER_INTERFACE", "").strip() or DEFAULT_INTERFACE,
    )


def main() -> int:
    from bot.storage.config import shown_url

    try:
        cluster = from_env(dict(os.environ))
        _, source = api_token()
        print(f"Starting {len(cluster.rasa_ports)} Rasa servers behind HAProxy ...", flush=True)
        command = cluster.prepare()
    except ClusterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    where = "the environment variable BOT_API_TOKEN" if source == "BOT_API_TOKEN" else source
    print(
        f"HAProxy: http://localhost:{cluster.port} (statistics: "
        f"http://127.0.0.1:{cluster.stats_port}/stats); each server joins once it has loaded "
        f"the model and answers HAProxy's health checks\n"
        + "".join(f"{n.name}: {n.base} (action server :{n.action_port})\n" for n in cluster.nodes)
        + f"HTTP API token: from {where}\n"
        f"Database: {shown_url(cluster.env['DATABASE_URL'])}\n"
        f"Lock store and socket.io: {shown_url(cluster.env['REDIS_URL'])}\n"
        f"supervisord: a process that exits is started again; "
        f"supervisorctl -c {cluster.supervisord_conf} status\n"
        f"Ctrl-C stops everything.",
        flush=True,
    )
    try:
        cluster.exec(command)
    except OSError as error:
        print(f"error: supervisord did not start: {error}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
