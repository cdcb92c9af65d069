"""Unit of work: one transaction per use case, committed explicitly or rolled back."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from telcare.store.db import READ_ONLY, make_engine, make_session_factory


class UnitOfWork:
    """``with uow: ...; uow.commit()`` — leaving the block without commit rolls back."""

    session: Session

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._session_factory = session_factory
        self.events: list[object] = []

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        self.events = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back whatever was not committed and detaches the objects with
        # their loaded state, so that what a use case returns stays readable.
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


class Database:
    """The engine and a factory of units of work for one database URL."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine or make_engine(url)
        self._sessions: sessionmaker[Session] = make_session_factory(self.engine)
        if self.is_postgresql:
            reader = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        else:
            reader = self.engine.execution_options(**{READ_ONLY: True})
        self._reads = make_session_factory(reader)
        self._autocommit = reader if self.is_postgresql else None

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self._sessions)

    def read(self) -> UnitOfWork:
        """A unit of work that only reads; it must not write or lock. On PostgreSQL each
        statement runs on its own (autocommit, no BEGIN/COMMIT round trips), which under
        READ COMMITTED sees what a transaction would; on SQLite it begins deferred, so it
        does not queue behind a writer."""
        return UnitOfWork(self._reads)

    def single_statement(self) -> Connection | None:
        """On PostgreSQL, a connection whose every statement commits by itself, for a write
        that is one statement (no BEGIN/COMMIT round trips); None on SQLite."""
        return None if self._autocommit is None else self._autocommit.connect()

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def dispose(self) -> None:
        self.engine.dispose()
