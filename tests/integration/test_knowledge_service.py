"""The knowledge base's versions, four-eyes approval, validity and search, on both stores."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from telcare import clock
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Forbidden, InvalidInput, NotFound
from telcare.services import knowledge
from telcare.store.uow import Database

HQ_ADMIN = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
HQ_EDITOR = Principal(Kind.STAFF, "hq-editor", "HQ", "admin")
BJ_AGENT = Principal(Kind.STAFF, "bj-agent", "BJ", "agent")
SUBSCRIBER = Principal(Kind.SUBSCRIBER, "13800138000", "BJ")

ROAMING = {
    "slug": "roaming",
    "language": "zh-CN",
    "category": "packages",
    "title": "国际漫游",
    "questions": ["出国怎么用手机", "国际漫游怎么开通"],
    "body": "出国前发送KTGJMY开通国际漫游，资费以目的地为准。",
    "sms_answer": "发送KTGJMY开通国际漫游。",
}


def slugs(db: Database, question: str, language: str = "zh-CN") -> list[str]:
    return [h.article.slug for h in knowledge.search(db, question, language)]


def test_a_draft_is_invisible_until_a_second_person_approves_it(db: Database) -> None:
    draft = knowledge.write_draft(db, HQ_EDITOR, ROAMING)
    assert draft.version == 1 and draft.status == "draft"
    assert "roaming" not in slugs(db, "国际漫游怎么开通")
    with pytest.raises(Forbidden):
        knowledge.approve(db, HQ_EDITOR, "roaming", "zh-CN", 1)  # the author
    knowledge.approve(db, HQ_ADMIN, "roaming", "zh-CN", 1)
    assert slugs(db, "国际漫游怎么开通")[0] == "roaming"
    assert knowledge.approve(db, HQ_ADMIN, "roaming", "zh-CN", 1).status == "approved"  # retry
    with pytest.raises(InvalidInput):
        knowledge.approve(db, HQ_EDITOR, "roaming", "zh-CN", 1)  # not a draft any more


def test_a_retried_draft_is_the_same_draft(db: Database) -> None:
    first = knowledge.write_draft(db, HQ_EDITOR, ROAMING)
    assert knowledge.write_draft(db, HQ_EDITOR, ROAMING).version == first.version
    assert knowledge.write_draft(db, HQ_EDITOR, {**ROAMING, "body": "改过的正文"}).version == 2


def test_only_headquarters_staff_write_and_approve(db: Database) -> None:
    for who in (BJ_AGENT, SUBSCRIBER):
        with pytest.raises(Forbidden):
            knowledge.write_draft(db, who, ROAMING)
    knowledge.write_draft(db, HQ_EDITOR, ROAMING)
    with pytest.raises(Forbidden):
        knowledge.approve(db, BJ_AGENT, "roaming", "zh-CN", 1)


def test_a_new_version_supersedes_the_old_and_history_is_kept(db: Database) -> None:
    v2 = knowledge.write_draft(
        db, HQ_EDITOR, {**knowledge.articles.BUILTIN[2], "body": "新正文 CXTC"}
    )
    knowledge.approve(db, HQ_ADMIN, v2.article.slug, "zh-CN", v2.version)
    history = knowledge.versions(db, v2.article.slug, "zh-CN")
    assert [(v.version, v.status) for v in history] == [(2, "approved"), (1, "superseded")]
    hits = knowledge.search(db, "怎么查套餐")
    assert [(h.article.slug, h.version) for h in hits].count((v2.article.slug, 2)) == 1
    assert (v2.article.slug, 1) not in [(h.article.slug, h.version) for h in hits]


def test_retired_and_out_of_date_articles_are_not_found(db: Database) -> None:
    knowledge.retire(db, HQ_ADMIN, "spam", "zh-CN")
    assert "spam" not in slugs(db, "怎么举报垃圾短信")
    with pytest.raises(NotFound):
        knowledge.retire(db, HQ_ADMIN, "spam", "zh-CN")
    today = clock.today()
    ended = {**ROAMING, "valid_from": today - timedelta(days=30), "valid_to": today}
    knowledge.approve(
        db, HQ_ADMIN, "roaming", "zh-CN", knowledge.write_draft(db, HQ_EDITOR, ended).version
    )
    assert "roaming" not in slugs(db, "国际漫游怎么开通")
    assert "roaming" in [
        h.article.slug
        for h in knowledge.search(db, "国际漫游怎么开通", day=today - timedelta(days=1))
    ]


@pytest.mark.parametrize(
    "bad",
    [
        {"slug": "Not A Slug"},
        {"language": "fr"},
        {"category": "weather"},
        {"title": ""},
        {"sms_answer": "x" * 301},
        {"valid_from": date(2027, 1, 2), "valid_to": date(2027, 1, 1)},
        {"valid_from": "not a date"},
    ],
)
def test_bad_articles_are_refused(db: Database, bad: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        knowledge.write_draft(db, HQ_EDITOR, {**ROAMING, **bad})


def test_english_and_odd_queries(db: Database) -> None:
    assert slugs(db, "how do I report spam", "en")[0] == "spam"
    for odd in ("", "   ", '"', "OR", "*", "NEAR(", 'x" OR "y', "\x00", "🙂" * 50, "a" * 500):
        assert knowledge.search(db, odd) == [], odd  # FTS syntax is never passed through
    assert knowledge.search(db, "流量", "fr") == []
