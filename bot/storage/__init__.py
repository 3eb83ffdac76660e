"""Persistence: the assessments the assistant gave, the fact audit trail, and deletion.

One database (DATABASE_URL, default SQLite under `var/`) holds these tables and Rasa's tracker
store. The schema is Alembic's (`bot.storage.migrate`); Rasa creates its own `events` table.
"""

from bot.storage.config import database_url, is_staff, staff_ids
from bot.storage.repository import (
    AssessmentDiff,
    AsyncRepository,
    Change,
    Repository,
    StorageInputError,
    StoredAssessment,
    StoredFactChange,
    default_async_repository,
    default_repository,
)

__all__ = [
    "AssessmentDiff", "AsyncRepository", "Change", "Repository", "StorageInputError",
    "StoredAssessment", "StoredFactChange", "database_url", "default_async_repository",
    "default_repository", "is_staff", "staff_ids",
]  # fmt: skip
