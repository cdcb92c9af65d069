"""Knowledge-base API under ``/api/knowledge``.

Searching the articles in force is public (the same answers the SMS help and the chat
give); writing a version, approving it (a second HQ staff member), retiring and reading
an article's history need a headquarters staff token.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from telcare.channels.api.tmf.common import Caller, Db, TmfRoute
from telcare.channels.guards import public, requires
from telcare.domain import knowledge as kb
from telcare.services import knowledge

router = APIRouter(prefix="/api/knowledge", tags=["knowledge base"], route_class=TmfRoute)

Slug = Annotated[str, Path(pattern=kb.SLUG.pattern, max_length=60)]
Language = Annotated[str, Path(pattern="^(zh-CN|en)$")]


class ArticleIn(BaseModel):
    slug: str = Field(pattern=kb.SLUG.pattern, max_length=60)
    language: str = Field(pattern="^(zh-CN|en)$")
    category: str = Field(max_length=20, description=", ".join(kb.CATEGORIES))
    title: str = Field(min_length=1, max_length=kb.MAX_TITLE)
    body: str = Field(min_length=1, max_length=kb.MAX_BODY)
    sms_answer: str = Field(min_length=1, max_length=kb.MAX_SMS_ANSWER)
    questions: list[str] = Field(default_factory=list, max_length=kb.MAX_QUESTIONS)
    valid_from: date | None = None
    valid_to: date | None = None


class ArticleOut(BaseModel):
    slug: str
    language: str
    version: int
    category: str
    title: str
    body: str
    sms_answer: str
    questions: list[str]
    valid_from: date | None
    valid_to: date | None


class HitOut(ArticleOut):
    confidence: float = Field(description="Share of the question's words the article covers.")


class VersionOut(ArticleOut):
    status: str
    author: str
    approver: str | None
    created_at: datetime
    approved_at: datetime | None


def _article(a: kb.Article, version: int) -> dict[str, object]:
    return {
        "slug": a.slug,
        "language": a.language,
        "version": version,
        "category": a.category,
        "title": a.title,
        "body": a.body,
        "sms_answer": a.sms_answer,
        "questions": list(a.questions),
        "valid_from": a.valid_from,
        "valid_to": a.valid_to,
    }


def _version(v: knowledge.ArticleVersion) -> VersionOut:
    return VersionOut(
        **_article(v.article, v.version),  # type: ignore[arg-type]
        status=v.status,
        author=v.author,
        approver=v.approver,
        created_at=v.created_at,
        approved_at=v.approved_at,
    )


@router.get(
    "/search",
    summary="Articles in force that answer a question (public)",
    dependencies=[public("knowledge base search")],
)
def search(
    db: Db,
    q: Annotated[str, Query(min_length=1, max_length=200, description="The question.")],
    lang: Annotated[str, Query(pattern="^(zh-CN|en)$")] = "zh-CN",
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> list[HitOut]:
    return [
        HitOut(**_article(h.article, h.version), confidence=round(h.confidence, 3))  # type: ignore[arg-type]
        for h in knowledge.search(db, q, lang, limit=limit)
    ]


@router.post(
    "/articles",
    status_code=201,
    summary="Write a new version (HQ staff; a draft)",
    dependencies=[requires("knowledge.edit")],
)
def write(body: ArticleIn, db: Db, who: Caller) -> VersionOut:
    return _version(knowledge.write_draft(db, who, body.model_dump()))


@router.get(
    "/articles/{slug}/{language}",
    summary="An article's versions, newest first (HQ staff)",
    dependencies=[requires("knowledge.edit")],
)
def history(slug: Slug, language: Language, db: Db, who: Caller) -> list[VersionOut]:
    kb.require_editor(who)
    return [_version(v) for v in knowledge.versions(db, slug, language)]


@router.post(
    "/articles/{slug}/{language}/versions/{version}/approve",
    summary="Approve a draft (an HQ colleague other than its author); in force from now",
    dependencies=[requires("knowledge.edit")],
)
def approve(
    slug: Slug,
    language: Language,
    version: Annotated[int, Path(ge=1, le=1_000_000)],
    db: Db,
    who: Caller,
) -> VersionOut:
    return _version(knowledge.approve(db, who, slug, language, version))


@router.delete(
    "/articles/{slug}/{language}",
    status_code=204,
    summary="Retire an article (HQ staff)",
    dependencies=[requires("knowledge.edit")],
)
def retire(slug: Slug, language: Language, db: Db, who: Caller) -> None:
    knowledge.retire(db, who, slug, language)
