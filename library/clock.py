"""The time as the library writes it (a module of its own: the catalog needs it at
import, the add path only when adding)."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> str:
    """The time now, ISO 8601 UTC to the millisecond (``2024-05-01T12:00:00.000Z``)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
