"""One run per usage file: a lock that dies with the process holding it.

PostgreSQL: a session advisory lock on a connection held for the whole run (per database
and schema). SQLite: ``flock`` on a lock file in the temporary directory, named for the
database and the file's fingerprint. Either way a killed run leaves no stale lock.
"""

from __future__ import annotations

import fcntl
import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from telcare.store.uow import Database

_KEY = "hashtext('telcare.ingest:' || current_database() || ':' || current_schema() || ':' || :fp)"


@contextmanager
def file_lock(db: Database, fingerprint: str) -> Iterator[bool]:
    """Hold the file's lock for the block; yields False (and holds nothing) if another has it."""
    if db.is_postgresql:
        with db.engine.connect() as conn:
            held = bool(
                conn.scalar(text(f"SELECT pg_try_advisory_lock({_KEY})"), {"fp": fingerprint})
            )
            conn.commit()
            try:
                yield held
            finally:
                if held:
                    conn.execute(text(f"SELECT pg_advisory_unlock({_KEY})"), {"fp": fingerprint})
                    conn.commit()
        return
    name = hashlib.sha256(f"{db.url}\n{fingerprint}".encode()).hexdigest()[:32]
    path = Path(tempfile.gettempdir()) / f"telcare-ingest-{name}.lock"
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
