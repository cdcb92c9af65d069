"""Versioned complaint taxonomies: built-in version 1, HQ publishing, provinces receiving."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from importlib.resources import files
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import complaints as dc
from telcare.domain import roles
from telcare.domain.access import Principal
from telcare.domain.messages import N_
from telcare.domain.provinces import HQ
from telcare.services.complaints.trail import (
    TAXONOMY_SUBJECT,
    Outcome,
    _dt,
    _mark_applied,
    _seen,
)
from telcare.store import complaint_models as cm
from telcare.store import outbox
from telcare.store.uow import Database

# The built-in version 1, shipped as data beside this module.
DEFAULT_TAXONOMY = dc.Taxonomy.from_dict(
    yaml.safe_load(files(__package__).joinpath("builtin_taxonomy.yaml").read_text(encoding="utf-8"))
)

_TAXONOMIES: dict[tuple[str, int], dc.Taxonomy] = {}


def _taxonomy(session: Session, version: int | None = None) -> dc.Taxonomy:
    """The given version (default: the latest); the built-in version 1 on a new node.
    Versions never change once published, so parsed ones are cached per database."""
    if version is not None:
        cached = _TAXONOMIES.get((str(session.get_bind().url), version))
        if cached is not None:
            return cached
    if version is None:
        version = session.scalar(select(func.max(cm.TaxonomyVersion.version)))
    if version is None:
        ensure_taxonomy_in(session)
        return DEFAULT_TAXONOMY
    row = session.get(cm.TaxonomyVersion, version)
    if row is None:
        if version == DEFAULT_TAXONOMY.version:
            ensure_taxonomy_in(session)
            return DEFAULT_TAXONOMY
        raise dc.UnknownCategory(N_("complaint.unknown_category"), code=f"v{version}")
    parsed = dc.Taxonomy.from_dict({"version": row.version, "categories": row.categories})
    _TAXONOMIES[(str(session.get_bind().url), version)] = parsed
    return parsed


def ensure_taxonomy_in(session: Session) -> None:
    if session.get(cm.TaxonomyVersion, DEFAULT_TAXONOMY.version) is None:
        session.add(
            cm.TaxonomyVersion(
                version=DEFAULT_TAXONOMY.version,
                categories=DEFAULT_TAXONOMY.as_dict()["categories"],
                published_by="system",
                published_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )
        session.flush()


def ensure_taxonomy(db: Database) -> None:
    """Store the built-in version 1 once (identical on every node)."""
    try:
        with db.uow() as uow:
            ensure_taxonomy_in(uow.session)
            uow.commit()
    except IntegrityError:
        pass  # another process stored it first


def taxonomy(db: Database, version: int | None = None) -> dc.Taxonomy:
    with db.uow() as uow:
        return _taxonomy(uow.session, version)


def publish_taxonomy(
    db: Database, who: Principal, categories: Iterable[dc.Category], *, now: datetime | None = None
) -> dc.Taxonomy:
    """A new taxonomy version (headquarters staff only), sent to every province."""
    roles.require(who, "complaint.taxonomy.edit")
    now = now or clock.now()
    with db.uow() as uow:
        s = uow.session
        new = dc.next_version(_taxonomy(s), categories, who.province)
        s.add(
            cm.TaxonomyVersion(
                version=new.version,
                categories=new.as_dict()["categories"],
                published_by=who.subject,
                published_at=now,
            )
        )
        outbox.append(
            s,
            TAXONOMY_SUBJECT,
            "taxonomy.published",
            "taxonomy",
            new.version,
            {"taxonomy": new.as_dict(), "by": who.subject},
            now,
        )
        uow.commit()
        return new


def apply_taxonomy_events(db: Database, events: Sequence[Mapping[str, Any]]) -> list[Outcome]:
    """Store each published version not yet held (a province receiving HQ's edits)."""
    outcomes: list[Outcome] = []
    now = clock.now()
    with db.uow() as uow:
        s = uow.session
        for event in events:
            if _seen(s, event):
                outcomes.append("duplicate")
                continue
            data = dc.Taxonomy.from_dict(event["taxonomy"])
            if s.get(cm.TaxonomyVersion, data.version) is None:
                s.add(
                    cm.TaxonomyVersion(
                        version=data.version,
                        categories=data.as_dict()["categories"],
                        published_by=str(event.get("by", HQ)),
                        published_at=_dt(event["occurred_at"]),
                    )
                )
            _mark_applied(s, event, now)
            outcomes.append("applied")
        uow.commit()
    return outcomes
