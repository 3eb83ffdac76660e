"""Shared fixtures; the running assistant is one per test session for every suite that needs it."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Keep TensorFlow quiet wherever a test imports Rasa.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from bot.serve import ensure_model  # noqa: E402
from tests.e2e.conftest import (  # noqa: E402
    E2E_RATE_LIMIT,
    PG_TURN_TIMEOUT,
    REST_TOKEN,
    WIDGET_HOST_PORT,
    WIDGET_SECRET,
    Assistant,
    free_port,
)
from tests.fake_botframework import FakeBotFramework  # noqa: E402
from tests.pg_cluster import PostgresCluster  # noqa: E402


@pytest.fixture(scope="session")
def model() -> Path:
    # BOT_E2E_MODEL runs the suite against a given model archive instead of the current data's.
    given = os.environ.get("BOT_E2E_MODEL")
    return Path(given) if given else ensure_model()


@pytest.fixture(scope="session")
def botframework() -> Iterator[FakeBotFramework]:
    fake = FakeBotFramework()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def assistant(model: Path, tmp_path_factory, botframework: FakeBotFramework) -> Iterator[Assistant]:
    # One assistant for every end-to-end suite; its Teams channel talks to the fake Bot Framework.
    database = tmp_path_factory.mktemp("e2e") / "assistant.db"
    env = {
        **botframework.env(),
        "BOT_WIDGET_ORIGINS": f"http://127.0.0.1:{WIDGET_HOST_PORT}",
        "BOT_WIDGET_SECRET": WIDGET_SECRET,
        # Tests talk faster than people: a burst of 30 per sender, then one message every 2 s.
        "BOT_RATE_LIMIT": E2E_RATE_LIMIT,
        "BOT_REST_TOKEN": REST_TOKEN,
        "BOT_TRUSTED_PROXIES": "127.0.0.1",
    }
    running = Assistant(f"sqlite:///{database}", model, env=env).start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    """A PostgreSQL cluster of the tests' own, which the fault tests may stop and start."""
    own = PostgresCluster(free_port()).init()
    own.start()
    yield own
    own.remove()


@pytest.fixture(scope="session")
def pg_log(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pg-assistant") / "servers.log"


@pytest.fixture(scope="session")
def pg_assistant(
    model: Path, pg_cluster: PostgresCluster, pg_log: Path, botframework: FakeBotFramework
) -> Iterator[Assistant]:
    """The assistant on that cluster with the product's default limits but a shorter turn
    timeout, its log in `pg_log`: for the load, fault and HTTP-surface tests."""
    env = {**botframework.env(), "BOT_TURN_TIMEOUT": str(PG_TURN_TIMEOUT)}
    running = Assistant(pg_cluster.url, model, env=env, log=pg_log).start()
    yield running
    running.stop()


REDIS_URL = os.environ.get("BOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_url() -> str:
    """The local Redis, skipped where none answers (BOT_TEST_REQUIRE_REDIS=1 makes that a
    failure, for CI). Tests keep to keys under a prefix of their own."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        if os.environ.get("BOT_TEST_REQUIRE_REDIS") == "1":
            raise
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {error}")
    finally:
        client.close()
    return REDIS_URL
