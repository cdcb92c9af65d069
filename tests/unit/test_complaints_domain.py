"""Complaint rules: taxonomy, ticket life cycle, accountability, attachments."""

from __future__ import annotations

import pytest

from telcare.domain import complaints as c
from telcare.domain.errors import Forbidden, InvalidInput
from telcare.domain.messages import known, render
from telcare.services.complaints.taxonomies import DEFAULT_TAXONOMY


def test_default_taxonomy_has_three_levels_and_the_examples() -> None:
    t = DEFAULT_TAXONOMY
    assert [n.name_zh for n in t.path("NET.COV.INDOOR")] == ["网络质量", "覆盖", "室内无信号"]
    assert [n.name_en for n in t.path("BIL.DISPUTE.DATA")][-1] == "Data fees"
    assert t.path("VAS.UNCONFIRMED.SP")[1].name_en == "Charged without confirmation"
    assert all(len(t.path(leaf.code)) >= 3 for leaf in t.leaves())


def test_tickets_are_filed_against_leaves() -> None:
    with pytest.raises(InvalidInput):
        DEFAULT_TAXONOMY.leaf("NET.COV")
    with pytest.raises(c.UnknownCategory):
        DEFAULT_TAXONOMY.leaf("NOPE")


@pytest.mark.parametrize(
    "nodes",
    [
        [c.Category("A", "甲", "A"), c.Category("A.B", "乙", "B", "A")],  # two levels
        [c.Category("A", "甲", "A", "Z")],  # unknown parent
        [c.Category("A", "甲", "A"), c.Category("A", "甲", "A")],  # duplicate
        [c.Category("A", "甲", "A", "B"), c.Category("B", "乙", "B", "A")],  # cycle
    ],
)
def test_invalid_trees_are_refused(nodes: list[c.Category]) -> None:
    with pytest.raises(InvalidInput):
        c.Taxonomy.build(2, nodes)


def test_only_headquarters_publishes_a_new_version() -> None:
    nodes = [
        *DEFAULT_TAXONOMY.categories,
        c.Category("NET.COV.METRO", "地铁", "Metro", "NET.COV"),
    ]
    with pytest.raises(Forbidden):
        c.next_version(DEFAULT_TAXONOMY, nodes, "BJ")
    v2 = c.next_version(DEFAULT_TAXONOMY, nodes, "HQ")
    assert v2.version == 2 and v2.is_leaf("NET.COV.METRO")
    assert c.Taxonomy.from_dict(v2.as_dict()) == v2


S, A = c.Status, c.Action
LIFE = [
    (S.NEW, A.ACKNOWLEDGE, S.ACKNOWLEDGED),
    (S.ACKNOWLEDGED, A.START, S.IN_PROGRESS),
    (S.NEW, A.START, S.IN_PROGRESS),
    (S.IN_PROGRESS, A.RESOLVE, S.RESOLVED),
    (S.RESOLVED, A.CLOSE, S.CLOSED),
    (S.RESOLVED, A.REOPEN, S.IN_PROGRESS),
    (S.CLOSED, A.REOPEN, S.IN_PROGRESS),
]


@pytest.mark.parametrize(("status", "action", "target"), LIFE)
def test_allowed_moves(status: c.Status, action: c.Action, target: c.Status) -> None:
    assert c.transition(status, action) is target
    assert c.action_to(status, target) is action or (status, target) == (S.CLOSED, S.IN_PROGRESS)


# The subscriber takes back a ticket not yet resolved: it closes (never a staff move).
WITHDRAWALS = [(s, A.WITHDRAW, S.CLOSED) for s in (S.NEW, S.ACKNOWLEDGED, S.IN_PROGRESS)]


@pytest.mark.parametrize(("status", "action", "target"), WITHDRAWALS)
def test_a_subscriber_may_withdraw_an_open_ticket(
    status: c.Status, action: c.Action, target: c.Status
) -> None:
    assert c.transition(status, action) is target
    with pytest.raises(c.InvalidTransition):  # a status PATCH never withdraws
        c.action_to(status, target)


def test_every_other_move_is_refused() -> None:
    allowed = {(s, a) for s, a, _ in LIFE + WITHDRAWALS}
    for status in S:
        for action in A:
            if (status, action) not in allowed:
                with pytest.raises(c.InvalidTransition):
                    c.transition(status, action)


def test_major_complaint_needs_accountability_to_close() -> None:
    c.check_close(False, None, None)
    with pytest.raises(c.AccountabilityMissing):
        c.check_close(True, "北京分公司网络部", " ")
    c.check_close(True, "北京分公司网络部", "新建室分系统，已回访")


@pytest.mark.parametrize(
    ("name", "ctype", "size", "ok"),
    [
        ("bill.pdf", "application/pdf", 1000, True),
        ("shot.PNG", "image/png", 5 * 2**20, True),
        ("shot.png", "image/png", 5 * 2**20 + 1, False),
        ("shot.exe", "image/png", 10, False),
        ("run.sh", "text/x-sh", 10, False),
        ("empty.txt", "text/plain", 0, False),
        ("../x.txt", "text/plain", 10, False),
    ],
)
def test_attachments_are_size_and_type_checked(name: str, ctype: str, size: int, ok: bool) -> None:
    if ok:
        c.check_attachment(name, ctype, size)
    else:
        with pytest.raises(InvalidInput):
            c.check_attachment(name, ctype, size)


def test_texts_exist_in_both_languages() -> None:
    assert known("complaint.bad_transition")
    zh = render("complaint.bad_transition", "zh", status="closed", action="resolve")
    en = render("complaint.bad_transition", "en", status="closed", action="resolve")
    assert "投诉单" in zh and "cannot resolve" in en


def test_g3_green_channel_queue() -> None:
    assert c.queue_for(True) is c.Queue.G3 and c.queue_for(False) is c.Queue.GENERAL
    assert c.changed_fields({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": [2, 3]}
