import pytest

from bot.storage import default_async_repository, default_repository, migrate


@pytest.fixture()
def database(tmp_path, monkeypatch):
    """A migrated scratch SQLite database as the actions' DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'assistant.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    migrate.upgrade(url)
    default_repository.cache_clear()
    default_async_repository.cache_clear()
    yield url
    default_repository.cache_clear()
    default_async_repository.cache_clear()
