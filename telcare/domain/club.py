"""Customer club and opinion collection: submission kinds, categories, moderation."""

from __future__ import annotations

import enum

from telcare.domain.errors import Conflict, InvalidInput
from telcare.domain.messages import N_

MAX_TITLE = 120
MAX_OPINION = 500
MAX_ESSAY = 20_000


class EventKind(enum.StrEnum):
    SHOP_VISIT = "shop_visit"
    HOTLINE_TOUR = "hotline_tour"
    MEETING = "meeting"


class SubmissionKind(enum.StrEnum):
    OPINION = "opinion"  # a short opinion or suggestion
    ESSAY = "essay"  # a story or essay, with a title


class Category(enum.StrEnum):
    NETWORK = "network"
    PRODUCTS = "products"  # new products
    CHANNELS = "channels"
    SERVICE = "service"


class State(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    FEATURED = "featured"


_MODERATION: dict[tuple[State, str], State] = {
    (State.PENDING, "approve"): State.APPROVED,
    (State.PENDING, "reject"): State.REJECTED,
    (State.APPROVED, "feature"): State.FEATURED,
    (State.APPROVED, "reject"): State.REJECTED,
    (State.FEATURED, "unfeature"): State.APPROVED,
    (State.REJECTED, "approve"): State.APPROVED,
}


def moderate(state: State, action: str) -> State:
    """The state after a moderator's ``action`` (approve, reject, feature, unfeature)."""
    target = _MODERATION.get((state, action))
    if target is None:
        raise Conflict(N_("club.moderation_invalid"), state=state.value, action=action)
    return target


def check_submission(kind: SubmissionKind, title: str, text: str) -> tuple[str, str]:
    """Trimmed title and text: an essay needs a title; lengths are bounded."""
    title, text = title.strip(), text.strip()
    if not text:
        raise InvalidInput(N_("club.text_required"))
    if kind is SubmissionKind.ESSAY and not title:
        raise InvalidInput(N_("club.title_required"))
    limit = MAX_ESSAY if kind is SubmissionKind.ESSAY else MAX_OPINION
    if len(title) > MAX_TITLE or len(text) > limit:
        raise InvalidInput(N_("club.too_long"), limit=limit)
    return title, text
