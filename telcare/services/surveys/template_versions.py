"""Survey templates as versioned data: the built-in ones, reading versions, saving new ones."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from importlib.resources import files
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import roles
from telcare.domain import surveys as sv
from telcare.domain.access import Principal
from telcare.domain.errors import NotFound
from telcare.domain.messages import N_
from telcare.domain.provinces import HQ
from telcare.store import survey_models as sm
from telcare.store.uow import Database

# --- built-in templates (version 1 of each; changed later as data) -----------------

# The built-in templates (version 1) are reference data shipped beside this module.
DEFAULT_TEMPLATES: dict[str, dict[str, Any]] = yaml.safe_load(
    files(__package__).joinpath("builtin_templates.yaml").read_text(encoding="utf-8")
)


def ensure_templates(db: Database, now: datetime | None = None) -> None:
    """Create the built-in templates once (idempotent; later versions are untouched)."""
    now = now or clock.now()
    with db.uow() as uow:
        s = uow.session
        have = set(s.scalars(select(sm.SurveyTemplate.code)))
        for code, spec in DEFAULT_TEMPLATES.items():
            if code not in have:
                _add_version(s, sv.template_from_dict(code, 1, HQ, spec), "system", now)
        try:
            uow.commit()
        except IntegrityError:  # another process created them first
            uow.rollback()


_ENSURED: set[str] = set()


def _ensure(db: Database) -> None:
    """Create the built-in templates on first use of a database (once per process)."""
    if db.url not in _ENSURED:
        ensure_templates(db)
        _ENSURED.add(db.url)


def _add_version(s: Session, t: sv.Template, author: str, now: datetime) -> None:
    row = s.get(sm.SurveyTemplate, t.code)
    if row is None:
        s.add(
            sm.SurveyTemplate(code=t.code, owner=t.owner, latest_version=t.version, created_at=now)
        )
    else:
        row.latest_version = t.version
    s.add(
        sm.SurveyTemplateVersion(
            template_code=t.code,
            version=t.version,
            spec=sv.template_to_dict(t),
            created_by=author,
            created_at=now,
        )
    )
    s.flush()


_VERSIONS: dict[tuple[str, str, int], sv.Template] = {}


def _version(s: Session, code: str, version: int) -> sv.Template:
    """One template version (immutable, so cached per database)."""
    key = (str(s.get_bind().engine.url), code, version)
    if key not in _VERSIONS:
        row = s.execute(
            select(sm.SurveyTemplateVersion.spec, sm.SurveyTemplate.owner)
            .join(sm.SurveyTemplate)
            .where(
                sm.SurveyTemplateVersion.template_code == code,
                sm.SurveyTemplateVersion.version == version,
            )
        ).one_or_none()
        if row is None:
            raise NotFound(N_("survey.template_unknown"), code=code)
        _VERSIONS[key] = sv.template_from_dict(code, version, row[1], row[0])
    return _VERSIONS[key]


# The latest version of every template, read on the contact path; built once.
_T = sm.SurveyTemplate.__table__
_LATEST = select(_T.c.code, _T.c.latest_version)


def _latest(s: Session) -> list[sv.Template]:
    return [_version(s, code, version) for code, version in s.execute(_LATEST)]


def templates(db: Database) -> list[sv.Template]:
    """The latest version of every template, by code."""
    _ensure(db)
    with db.uow() as uow:
        return sorted(_latest(uow.session), key=lambda t: t.code)


def template(db: Database, code: str, version: int | None = None) -> sv.Template:
    _ensure(db)
    with db.uow() as uow:
        s = uow.session
        if version is None:
            version = s.scalar(
                select(sm.SurveyTemplate.latest_version).where(
                    sm.SurveyTemplate.code == code.upper()
                )
            )
            if version is None:
                raise NotFound(N_("survey.template_unknown"), code=code)
        return _version(s, code.upper(), version)


def template_history(db: Database, code: str) -> list[tuple[int, str, datetime]]:
    """(version, author, created_at) of every version of ``code``, oldest first."""
    v = sm.SurveyTemplateVersion
    with db.uow() as uow:
        rows = uow.session.execute(
            select(v.version, v.created_by, v.created_at)
            .where(v.template_code == code.upper())
            .order_by(v.version)
        ).all()
    return [(r[0], r[1], r[2]) for r in rows]


def save_template(
    db: Database,
    editor: Principal,
    code: str,
    spec: Mapping[str, Any],
    now: datetime | None = None,
) -> sv.Template:
    """Change (or create) a template without a release: a new version, effective for
    surveys sent from now on; surveys already sent keep the version they were sent with.
    Headquarters edits any template; a province its own (created scoped to it)."""
    roles.require(editor, "survey.template.edit")
    _ensure(db)
    now = now or clock.now()
    code = code.strip().upper()
    with db.uow() as uow:
        s = uow.session
        row = s.get(sm.SurveyTemplate, code, with_for_update=True)
        owner = row.owner if row is not None else editor.province
        sv.may_edit(editor.province, owner)
        data = dict(spec)
        if owner != HQ:
            data["provinces"] = [owner]
        version = (row.latest_version + 1) if row is not None else 1
        t = sv.template_from_dict(code, version, owner, data)
        _add_version(s, t, editor.subject, now)
        uow.commit()
        return t
