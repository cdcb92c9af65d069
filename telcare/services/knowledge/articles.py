"""Articles as versioned data: drafts by HQ staff, approval by a second person, retirement.

Approving a version makes it the one in force for its slug and language (the one before
is kept as ``superseded``) and puts it in the full-text index; retiring takes it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from importlib.resources import files
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import knowledge as kb
from telcare.domain.access import Principal
from telcare.domain.errors import InvalidInput, NotFound
from telcare.domain.messages import N_
from telcare.services.knowledge import segment
from telcare.services.knowledge.index import index_add, index_remove
from telcare.store import knowledge_models as km
from telcare.store.uow import Database

SYSTEM = "system"

BUILTIN: list[dict[str, Any]] = yaml.safe_load(
    files(__package__).joinpath("builtin_articles.yaml").read_text(encoding="utf-8")
)
"""The answers subscribers ask for most, shipped as data and approved by ``system``."""


@dataclass(frozen=True, slots=True)
class ArticleVersion:
    """One stored version and who wrote and approved it."""

    article: kb.Article
    version: int
    status: str
    author: str
    approver: str | None
    created_at: datetime
    approved_at: datetime | None


def article_from(data: dict[str, Any]) -> kb.Article:
    """An :class:`~telcare.domain.knowledge.Article` from plain data (YAML, API, form)."""
    try:
        article = kb.Article(
            slug=str(data["slug"]),
            language=str(data["language"]),
            category=str(data["category"]),
            title=str(data["title"]),
            body=str(data["body"]).strip(),
            sms_answer=str(data["sms_answer"]).strip(),
            questions=tuple(str(q) for q in data.get("questions") or ()),
            valid_from=_day(data.get("valid_from")),
            valid_to=_day(data.get("valid_to")),
        )
    except KeyError as err:
        raise InvalidInput(N_("kb.invalid"), field=str(err.args[0])) from None
    kb.check_article(article)
    return article


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(N_("kb.invalid"), field="valid_from/valid_to") from None


def _row_article(row: km.KbArticle) -> kb.Article:
    return kb.Article(
        slug=row.slug,
        language=row.language,
        category=row.category,
        title=row.title,
        body=row.body,
        sms_answer=row.sms_answer,
        questions=tuple(row.questions),
        valid_from=row.valid_from,
        valid_to=row.valid_to,
    )


def _version_of(row: km.KbArticle) -> ArticleVersion:
    return ArticleVersion(
        _row_article(row),
        row.version,
        row.status,
        row.author,
        row.approver,
        row.created_at,
        row.approved_at,
    )


def _add(s: Session, article: kb.Article, author: str, now: datetime) -> km.KbArticle:
    latest = s.scalar(
        select(func.max(km.KbArticle.version)).where(
            km.KbArticle.slug == article.slug, km.KbArticle.language == article.language
        )
    )
    row = km.KbArticle(
        slug=article.slug,
        language=article.language,
        version=(latest or 0) + 1,
        category=article.category,
        title=article.title,
        body=article.body,
        sms_answer=article.sms_answer,
        questions=list(article.questions),
        valid_from=article.valid_from,
        valid_to=article.valid_to,
        status=kb.Status.DRAFT.value,
        author=author,
        created_at=now,
        search_text=segment.index_text(article),
    )
    s.add(row)
    s.flush()
    return row


def _put_in_force(s: Session, row: km.KbArticle, approver: str, now: datetime) -> None:
    for old in s.scalars(
        select(km.KbArticle).where(
            km.KbArticle.slug == row.slug,
            km.KbArticle.language == row.language,
            km.KbArticle.status == kb.Status.APPROVED.value,
        )
    ):
        old.status = kb.Status.SUPERSEDED.value
        index_remove(s, old.id)
    row.status = kb.Status.APPROVED.value
    row.approver = approver
    row.approved_at = now
    s.flush()
    index_add(s, row.id, row.search_text)


def write_draft(db: Database, who: Principal, data: dict[str, Any]) -> ArticleVersion:
    """A new draft version of an article (HQ staff); it is not shown until approved.

    Sending the same draft again (a retry) gives the draft already written.
    """
    kb.require_editor(who)
    article = article_from(data)
    with db.uow() as uow:
        s = uow.session
        latest = s.scalar(
            select(km.KbArticle)
            .where(km.KbArticle.slug == article.slug, km.KbArticle.language == article.language)
            .order_by(km.KbArticle.version.desc())
            .limit(1)
        )
        same = latest is not None and latest.status == kb.Status.DRAFT.value
        if same and latest.author == who.subject and _row_article(latest) == article:
            return _version_of(latest)
        row = _add(s, article, who.subject, clock.now())
        uow.commit()
        return _version_of(row)


def approve(db: Database, who: Principal, slug: str, language: str, version: int) -> ArticleVersion:
    """Approve a draft (an HQ colleague other than its author): it is in force from now."""
    kb.require_editor(who)
    with db.uow() as uow:
        s = uow.session
        row = _find(s, slug, language, version)
        if row.status == kb.Status.APPROVED.value and row.approver == who.subject:
            return _version_of(row)  # a retried approval
        if row.status != kb.Status.DRAFT.value:
            raise InvalidInput(N_("kb.not_draft"))
        kb.require_second_person(who, row.author)
        _put_in_force(s, row, who.subject, clock.now())
        uow.commit()
        return _version_of(row)


def retire(db: Database, who: Principal, slug: str, language: str) -> None:
    """Take an article out of service (its versions are kept)."""
    kb.require_editor(who)
    with db.uow() as uow:
        s = uow.session
        rows = list(
            s.scalars(
                select(km.KbArticle).where(
                    km.KbArticle.slug == slug,
                    km.KbArticle.language == language,
                    km.KbArticle.status == kb.Status.APPROVED.value,
                )
            )
        )
        if not rows:
            raise NotFound(N_("kb.not_found"))
        for row in rows:
            row.status = kb.Status.RETIRED.value
            index_remove(s, row.id)
        uow.commit()


def versions(db: Database, slug: str, language: str) -> list[ArticleVersion]:
    """Every version of an article, newest first."""
    with db.uow() as uow:
        rows = uow.session.scalars(
            select(km.KbArticle)
            .where(km.KbArticle.slug == slug, km.KbArticle.language == language)
            .order_by(km.KbArticle.version.desc())
        )
        found = [_version_of(r) for r in rows]
    if not found:
        raise NotFound(N_("kb.not_found"))
    return found


def _find(s: Session, slug: str, language: str, version: int) -> km.KbArticle:
    row = s.scalar(
        select(km.KbArticle).where(
            km.KbArticle.slug == slug,
            km.KbArticle.language == language,
            km.KbArticle.version == version,
        )
    )
    if row is None:
        raise NotFound(N_("kb.not_found"))
    return row


def ensure_builtin(db: Database) -> int:
    """Create and approve the built-in articles not yet in the database; how many."""
    now = clock.now()
    made = 0
    with db.uow() as uow:
        s = uow.session
        have = {
            (r.slug, r.language)
            for r in s.execute(select(km.KbArticle.slug, km.KbArticle.language))
        }
        for data in BUILTIN:
            article = article_from(data)
            if (article.slug, article.language) in have:
                continue
            _put_in_force(s, _add(s, article, SYSTEM, now), SYSTEM, now)
            made += 1
        try:
            uow.commit()
        except IntegrityError:  # another process seeded them first
            uow.rollback()
            return 0
    return made
