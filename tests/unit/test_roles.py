"""The role matrix (issue #15): who each caller is to the matrix, what each role may do,
and docs/security.md showing the table as the code has it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telcare.domain import roles
from telcare.domain.access import Kind, Principal
from telcare.domain.roles import MATRIX, NotPermitted, Role

DOC = Path(__file__).parents[2] / "docs" / "security.md"
SUBSCRIBER_ONLY = {"survey.answer", "club.opinion.submit", "loyalty.redeem"}


@pytest.mark.parametrize(
    ("who", "role"),
    [
        (None, Role.ANONYMOUS),
        (Principal(Kind.SUBSCRIBER, "13800138000", "BJ"), Role.SUBSCRIBER),
        (Principal(Kind.SP, "1066000001", "HQ", "sp"), Role.SP),
        (Principal(Kind.STAFF, "hq-admin", "HQ", "admin"), Role.HQ_ADMIN),
        (Principal(Kind.STAFF, "hq-agent", "HQ", "agent"), Role.HQ_AGENT),
        (Principal(Kind.STAFF, "bj-admin", "BJ", "admin"), Role.PROVINCE_ADMIN),
        (Principal(Kind.STAFF, "bj-agent", "BJ", "agent"), Role.PROVINCE_AGENT),
        (Principal(Kind.STAFF, "gd-x", "GD", ""), Role.PROVINCE_AGENT),  # unknown post: agent
    ],
)
def test_each_caller_has_one_role(who: Principal | None, role: Role) -> None:
    assert roles.role_of(who) is role


def test_an_hq_admin_may_do_every_staff_action() -> None:
    staff = {Role.HQ_AGENT, Role.PROVINCE_ADMIN, Role.PROVINCE_AGENT}
    for action, allowed in MATRIX.items():
        if allowed & staff or action not in SUBSCRIBER_ONLY:
            assert Role.HQ_ADMIN in allowed, action


def test_an_agent_serves_subscribers_but_administers_nothing() -> None:
    for action in (
        "merchant.create",
        "merchant.service.edit",
        "loyalty.accrual_rules.edit",
        "loyalty.campaign.edit",
        "loyalty.catalog.edit",
        "antispam.sender.flag",
        "login.unlock",
        "audit.view",
        "complaint.taxonomy.edit",
        "balance.adjust",
        "sp.month.run",
    ):
        assert not roles.allowed(Role.HQ_AGENT, action), action
        assert not roles.allowed(Role.PROVINCE_AGENT, action), action
    for action in ("complaint.handle", "complaint.file_for_caller", "balance.cash_topup"):
        assert roles.allowed(Role.PROVINCE_AGENT, action), action


def test_nobody_anonymous_and_no_outsider_does_staff_work() -> None:
    for action, allowed in MATRIX.items():
        assert Role.ANONYMOUS not in allowed, action
        if Role.SP in allowed or Role.MERCHANT in allowed:
            assert action in {"sp.view", "session.whoami"}, action


@given(st.sampled_from(list(Role)), st.sampled_from(sorted(MATRIX)))
def test_require_refuses_exactly_what_allowed_refuses(role: Role, action: str) -> None:
    if roles.allowed(role, action):
        roles.require(role, action)
    else:
        with pytest.raises(NotPermitted) as refused:
            roles.require(role, action)
        assert refused.value.status == 403 and refused.value.params == {"action": action}


def test_an_undeclared_action_is_a_programming_error() -> None:
    with pytest.raises(KeyError, match="MATRIX"):
        roles.require(Role.HQ_ADMIN, "no.such.action")
    assert not roles.allowed(Role.HQ_ADMIN, "no.such.action")


def test_docs_show_the_matrix_as_the_code_has_it() -> None:
    table = roles.markdown_table()
    assert table in DOC.read_text(encoding="utf-8"), (
        "docs/security.md's role matrix differs from telcare/domain/roles.py; paste "
        "the output of `python -c 'from telcare.domain import roles; "
        "print(roles.markdown_table())'` under '## The role matrix'"
    )
