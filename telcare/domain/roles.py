"""The role matrix: which kind of caller may do which business operation.

One table, :data:`MATRIX`, maps each action (a business operation, named
``area.thing.verb``) to the roles allowed to do it. Services call
:func:`require` before they act; channels declare the same action on their routes
(``channels/guards.py``) and a test walks every route against this table. Which
*objects* a caller reaches is a second check, kept in :mod:`telcare.domain.access`
and the services: a subscriber only their own line, provincial staff only their
province, an SP only its own services.
"""

from __future__ import annotations

import enum

from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Forbidden
from telcare.domain.messages import N_
from telcare.domain.provinces import HQ


class Role(enum.StrEnum):
    """A kind of caller as the matrix sees it (staff split by seat and post)."""

    ANONYMOUS = "anonymous"
    SUBSCRIBER = "subscriber"
    SP = "sp"
    MERCHANT = "merchant"
    HQ_ADMIN = "hq-admin"
    HQ_AGENT = "hq-agent"
    PROVINCE_ADMIN = "province-admin"
    PROVINCE_AGENT = "province-agent"


class NotPermitted(Forbidden):
    """The caller's role may not do this action (403, whatever the object)."""

    code = "not-permitted"


ADMIN = "admin"  # the staff post that may administer; every other post is treated as an agent

_STAFF = frozenset({Role.HQ_ADMIN, Role.HQ_AGENT, Role.PROVINCE_ADMIN, Role.PROVINCE_AGENT})
_ADMINS = frozenset({Role.HQ_ADMIN, Role.PROVINCE_ADMIN})
_HQ = frozenset({Role.HQ_ADMIN, Role.HQ_AGENT})
_HQ_ADMIN = frozenset({Role.HQ_ADMIN})
_SUB = frozenset({Role.SUBSCRIBER})
_SUB_STAFF = _SUB | _STAFF

MATRIX: dict[str, frozenset[Role]] = {
    # staff console and reports
    "console.view": _STAFF,
    "quality.view": _STAFF,
    "quality.action.handle": _STAFF,  # actions, meetings, incidents and cases of their scope
    "quality.meeting.record": _STAFF,
    "quality.incident.record": _STAFF,
    "quality.discipline.handle": _STAFF,
    "quality.launch.manage": _HQ,  # products and SP services are national
    "audit.view": _HQ_ADMIN,
    "login.unlock": _HQ_ADMIN,
    "account.manage": _HQ_ADMIN,
    # lines, orders and balances
    "line.view": _SUB_STAFF,
    "order.place": _SUB_STAFF,
    "reminder.set": _SUB_STAFF,
    "balance.topup": _SUB_STAFF,
    "balance.cash_topup": _STAFF,
    "balance.adjust": _ADMINS,
    "balance.reserve": _ADMINS,
    "usage.manage": _ADMINS,
    "tmf.hub.manage": _ADMINS,  # TMF event listeners, their dead letters and replays
    "customer.edit": _STAFF,
    "catalog.edit": _HQ,  # the service admits HQ posts admin and catalog only
    "sms.outbound.view": _STAFF,
    # complaints
    "complaint.view": _SUB_STAFF,
    "complaint.file": _SUB_STAFF,
    "complaint.update": _SUB_STAFF,
    "complaint.queue.view": _STAFF,
    "complaint.file_for_caller": _STAFF,
    "complaint.handle": _STAFF,
    "complaint.send_back": _HQ,
    "complaint.taxonomy.edit": _HQ_ADMIN,
    # loyalty
    "loyalty.view": _SUB_STAFF,
    "loyalty.redeem": _SUB,
    "loyalty.order.view": _SUB_STAFF,
    "loyalty.order.handle": _SUB_STAFF,
    "loyalty.console.view": _STAFF,
    "loyalty.order.ship": _STAFF,
    "loyalty.rules.view": _STAFF,
    "loyalty.stock.edit": _STAFF,  # a province's own warehouse; HQ every one
    "loyalty.settlement.view": _ADMINS,
    "loyalty.catalog.edit": _HQ_ADMIN,
    "loyalty.accrual_rules.edit": _HQ_ADMIN,
    "loyalty.campaign.edit": _HQ_ADMIN,
    "merchant.view": _HQ,
    "merchant.create": _HQ_ADMIN,
    "merchant.service.edit": _HQ_ADMIN,
    # anti-spam
    "antispam.view": _SUB_STAFF,
    "antispam.report": _SUB_STAFF,
    "antispam.quarantine.release": _SUB_STAFF,
    "antispam.queue.view": _STAFF,
    "antispam.sender.flag": _HQ_ADMIN,
    "antispam.firewall.edit": _HQ,
    # service providers
    "sp.subscribe": _SUB_STAFF,
    "sp.view": _STAFF | {Role.SP},
    "sp.report.view": _STAFF,
    "sp.violation.record": _STAFF,
    "sp.month.run": _HQ_ADMIN,
    # surveys and the customer club
    "survey.answer": _SUB,
    "survey.results.view": _STAFF,
    "survey.follow_up": _STAFF,
    "survey.contact.record": _STAFF,
    "survey.template.edit": _STAFF,  # HQ any template, a province its own
    "club.join": _SUB_STAFF,  # staff enrol a line of their province
    "club.view": _SUB_STAFF,
    "club.opinion.submit": _SUB,
    "club.console.view": _STAFF,
    "club.event.manage": _STAFF,
    "club.attendance.record": _STAFF,
    "club.campaign.manage": _STAFF,
    "club.submission.moderate": _STAFF,
    # knowledge base and online chat
    "knowledge.edit": _HQ,
    "chat.desk.view": _STAFF,
    "chat.handle": _STAFF,
    # service van
    "van.view": _STAFF,
    "van.booking.close": _STAFF,
    # any logged-in caller with a bearer token
    "session.whoami": _SUB_STAFF | {Role.SP},
}


def role_of(who: Principal | None) -> Role:
    """The matrix role of a caller (``None``: nobody logged in)."""
    if who is None:
        return Role.ANONYMOUS
    if who.kind is Kind.SUBSCRIBER:
        return Role.SUBSCRIBER
    if who.kind is Kind.SP:
        return Role.SP
    admin = who.role == ADMIN
    if who.province == HQ:
        return Role.HQ_ADMIN if admin else Role.HQ_AGENT
    return Role.PROVINCE_ADMIN if admin else Role.PROVINCE_AGENT


def allowed(who: Principal | Role | None, action: str) -> bool:
    """Whether ``who`` (a caller or a role) may do ``action``; unknown actions: nobody."""
    role = who if isinstance(who, Role) else role_of(who)
    return role in MATRIX.get(action, frozenset())


def require(who: Principal | Role | None, action: str) -> None:
    """Raise :class:`NotPermitted` unless ``who`` may do ``action``."""
    if action not in MATRIX:
        raise KeyError(f"undeclared action {action!r}: add it to telcare.domain.roles.MATRIX")
    if not allowed(who, action):
        raise NotPermitted(N_("access.role"), action=action)


def markdown_table() -> str:
    """The matrix as a Markdown table (docs/security.md holds this text; a test keeps
    the two equal): one row an action, one column a role that some action allows."""
    columns = [role for role in Role if any(role in allowed for allowed in MATRIX.values())]
    lines = [
        "| action | " + " | ".join(role.value for role in columns) + " |",
        "| --- |" + " :-: |" * len(columns),
    ]
    for action, allowed_roles in MATRIX.items():
        marks = ["✓" if role in allowed_roles else "" for role in columns]
        lines.append(f"| `{action}` | " + " | ".join(marks) + " |")
    return "\n".join(lines) + "\n"
