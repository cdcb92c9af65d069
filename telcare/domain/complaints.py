"""Complaints: the layered taxonomy, the ticket life cycle, major-complaint accountability.

Pure rules, no I/O. The taxonomy is a tree of at least three levels, versioned and
edited at headquarters only; a ticket is filed against a leaf and keeps the version
it was filed under. A ticket moves new > acknowledged > in progress > resolved >
closed, and can be reopened; a major complaint closes only with a named
responsible unit and a recorded outcome.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from telcare.domain.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from telcare.domain.inputs import check_plain
from telcare.domain.messages import N_
from telcare.domain.provinces import HQ

MIN_LEVELS = 3
MAX_SUMMARY = 200
MAX_TEXT = 4000
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 5
ATTACHMENT_TYPES: Mapping[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "application/pdf": (".pdf",),
    "text/plain": (".txt",),
}


class InvalidTransition(Conflict):
    code = "invalid-transition"


class UnknownCategory(NotFound):
    code = "unknown-category"


class UnknownTicket(NotFound):
    code = "unknown-ticket"


class AccountabilityMissing(DomainError):
    code = "accountability-missing"


# --- taxonomy ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Category:
    """One node of the taxonomy; ``parent`` is None for a top-level category."""

    code: str
    name_zh: str
    name_en: str
    parent: str | None = None

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    def as_dict(self) -> dict[str, str | None]:
        return {
            "code": self.code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "parent": self.parent,
        }


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """One version of the category tree. Build with :meth:`build` to validate it."""

    version: int
    categories: tuple[Category, ...]

    @classmethod
    def build(cls, version: int, categories: Iterable[Category]) -> Taxonomy:
        """A validated tree: unique codes, known parents, no cycles, leaves ≥ 3 deep."""
        nodes = tuple(categories)
        if version < 1:
            raise InvalidInput(N_("complaint.taxonomy_invalid"), reason="version")
        by_code: dict[str, Category] = {}
        for node in nodes:
            if not node.code or len(node.code) > 40 or not node.name_zh or not node.name_en:
                raise InvalidInput(N_("complaint.taxonomy_invalid"), reason=node.code or "code")
            if node.code in by_code:
                raise InvalidInput(
                    N_("complaint.taxonomy_invalid"), reason=f"duplicate {node.code}"
                )
            by_code[node.code] = node
        for node in nodes:
            if node.parent is not None and node.parent not in by_code:
                raise InvalidInput(N_("complaint.taxonomy_invalid"), reason=f"parent {node.parent}")
        taxonomy = cls(version, nodes)
        parents = {n.parent for n in nodes if n.parent is not None}
        leaves = [n for n in nodes if n.code not in parents]
        if not leaves:
            raise InvalidInput(N_("complaint.taxonomy_invalid"), reason="empty")
        for leaf in leaves:
            if len(taxonomy.path(leaf.code)) < MIN_LEVELS:
                raise InvalidInput(N_("complaint.taxonomy_invalid"), reason=f"shallow {leaf.code}")
        return taxonomy

    def get(self, code: str) -> Category:
        for node in self.categories:
            if node.code == code:
                return node
        raise UnknownCategory(N_("complaint.unknown_category"), code=code)

    def path(self, code: str) -> tuple[Category, ...]:
        """The category and its ancestors, top level first."""
        chain: list[Category] = []
        node: Category | None = self.get(code)
        while node is not None:
            if len(chain) > len(self.categories):
                raise InvalidInput(N_("complaint.taxonomy_invalid"), reason=f"cycle {code}")
            chain.append(node)
            node = self.get(node.parent) if node.parent is not None else None
        return tuple(reversed(chain))

    def children(self, code: str | None) -> tuple[Category, ...]:
        return tuple(n for n in self.categories if n.parent == code)

    def is_leaf(self, code: str) -> bool:
        self.get(code)
        return not self.children(code)

    def leaf(self, code: str) -> Category:
        """The leaf ``code``; tickets are filed against leaves only."""
        node = self.get(code)
        if self.children(code):
            raise InvalidInput(N_("complaint.not_leaf"), code=code)
        return node

    def leaves(self) -> tuple[Category, ...]:
        return tuple(n for n in self.categories if not self.children(n.code))

    def as_dict(self) -> dict[str, Any]:
        return {"version": self.version, "categories": [c.as_dict() for c in self.categories]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Taxonomy:
        return cls.build(
            int(data["version"]),
            (
                Category(str(c["code"]), str(c["name_zh"]), str(c["name_en"]), c.get("parent"))
                for c in data["categories"]
            ),
        )


def next_version(
    current: Taxonomy, categories: Iterable[Category], editor_province: str
) -> Taxonomy:
    """A new version edited by ``editor_province``: headquarters only."""
    if editor_province != HQ:
        raise Forbidden(N_("complaint.taxonomy_hq_only"))
    return Taxonomy.build(current.version + 1, categories)


# --- tickets ----------------------------------------------------------------------


class Status(enum.StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "inProgress"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Action(enum.StrEnum):
    ACKNOWLEDGE = "acknowledge"
    START = "start"
    RESOLVE = "resolve"
    CLOSE = "close"
    REOPEN = "reopen"
    WITHDRAW = "withdraw"  # the subscriber takes back an open ticket (closes it)


class Severity(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    CRITICAL = "critical"


class Channel(enum.StrEnum):
    HALL = "hall"
    API = "api"
    CONSOLE = "console"
    SMS = "sms"


class Queue(enum.StrEnum):
    GENERAL = "general"
    G3 = "g3"


OPEN_STATES = frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS})

TRANSITIONS: Mapping[tuple[Status, Action], Status] = {
    (Status.NEW, Action.ACKNOWLEDGE): Status.ACKNOWLEDGED,
    (Status.ACKNOWLEDGED, Action.START): Status.IN_PROGRESS,
    (Status.NEW, Action.START): Status.IN_PROGRESS,
    (Status.IN_PROGRESS, Action.RESOLVE): Status.RESOLVED,
    (Status.RESOLVED, Action.CLOSE): Status.CLOSED,
    (Status.RESOLVED, Action.REOPEN): Status.IN_PROGRESS,
    (Status.CLOSED, Action.REOPEN): Status.IN_PROGRESS,
    (Status.NEW, Action.WITHDRAW): Status.CLOSED,
    (Status.ACKNOWLEDGED, Action.WITHDRAW): Status.CLOSED,
    (Status.IN_PROGRESS, Action.WITHDRAW): Status.CLOSED,
}
# What the subscriber may do to their own ticket (staff do everything else, never these).
SUBSCRIBER_ACTIONS = frozenset({Action.CLOSE, Action.REOPEN, Action.WITHDRAW})


def transition(status: Status, action: Action) -> Status:
    """The state after ``action``; refuses any move not in :data:`TRANSITIONS`."""
    target = TRANSITIONS.get((status, action))
    if target is None:
        raise InvalidTransition(
            N_("complaint.bad_transition"), status=status.value, action=action.value
        )
    return target


def action_to(status: Status, target: Status) -> Action:
    """The action that moves ``status`` to ``target`` (TMF621 PATCHes set the status)."""
    for (source, action), goal in TRANSITIONS.items():
        if source == status and goal == target and action is not Action.WITHDRAW:
            return action
    raise InvalidTransition(
        N_("complaint.bad_transition"), status=status.value, action=target.value
    )


def is_g3(product_names: Iterable[str]) -> bool:
    """A G3 (3G) subscriber holds a package in force whose name marks it G3."""
    return any("G3" in name.upper() for name in product_names)


def queue_for(g3: bool) -> Queue:
    """G3 green channel: a G3 subscriber's tickets go to the G3 service desk."""
    return Queue.G3 if g3 else Queue.GENERAL


@dataclass(frozen=True, slots=True)
class Accountability:
    """Who answers for a major complaint and what came of it."""

    responsible_unit: str
    outcome: str


def check_close(major: bool, responsible_unit: str | None, outcome: str | None) -> None:
    """A major complaint closes only with a responsible unit and a recorded outcome."""
    if major and not ((responsible_unit or "").strip() and (outcome or "").strip()):
        raise AccountabilityMissing(N_("complaint.major_needs_accountability"))


def check_text(summary: str, description: str) -> tuple[str, str]:
    """Trimmed summary (required, one line, ≤ 200) and description (≤ 4000); no NUL or
    other control characters (the description may hold tabs and line breaks)."""
    summary = check_plain(summary.strip())
    description = check_plain(description.strip(), multiline=True)
    if not summary or len(summary) > MAX_SUMMARY:
        raise InvalidInput(N_("complaint.summary"), limit=MAX_SUMMARY)
    if len(description) > MAX_TEXT:
        raise InvalidInput(N_("complaint.description"), limit=MAX_TEXT)
    return summary, description


def check_note(text: str) -> str:
    """A trimmed note (required, ≤ 4000, tabs and line breaks but no other control character)."""
    text = check_plain(text.strip(), multiline=True)
    if not text or len(text) > MAX_TEXT:
        raise InvalidInput(N_("complaint.note"), limit=MAX_TEXT)
    return text


def check_attachment(name: str, content_type: str, size: int, existing: int = 0) -> None:
    """Size- and type-checked attachments: the extension must match the declared type."""
    if existing >= MAX_ATTACHMENTS:
        raise InvalidInput(N_("complaint.attachment_count"), limit=MAX_ATTACHMENTS)
    allowed = ATTACHMENT_TYPES.get(content_type.split(";")[0].strip().lower())
    if allowed is None or not name.lower().endswith(allowed) or "/" in name or "\\" in name:
        raise InvalidInput(N_("complaint.attachment_type"), name=name)
    if size <= 0 or size > MAX_ATTACHMENT_BYTES:
        raise InvalidInput(N_("complaint.attachment_size"), limit_mb=MAX_ATTACHMENT_BYTES // 2**20)


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for each field that differs (the audit trail's diff)."""
    keys: Sequence[str] = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}
