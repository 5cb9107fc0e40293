"""SQLite storage: every SQL statement and migration of the project lives here."""

from core.store.queries import *  # noqa: F403
