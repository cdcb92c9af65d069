"""Customer club and opinion collection: submission kinds, categories, moderation."""

from __future__ import annotations

import enum

from telcare.domain.errors import Conflict, InvalidInput
from telcare.domain.messages import register

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
        raise Conflict("club.moderation_invalid", state=state.value, action=action)
    return target


def check_submission(kind: SubmissionKind, title: str, text: str) -> tuple[str, str]:
    """Trimmed title and text: an essay needs a title; lengths are bounded."""
    title, text = title.strip(), text.strip()
    if not text:
        raise InvalidInput("club.text_required")
    if kind is SubmissionKind.ESSAY and not title:
        raise InvalidInput("club.title_required")
    limit = MAX_ESSAY if kind is SubmissionKind.ESSAY else MAX_OPINION
    if len(title) > MAX_TITLE or len(text) > limit:
        raise InvalidInput("club.too_long", limit=limit)
    return title, text


register(
    {
        "club.moderation_invalid": (
            "状态为{state}的投稿不能执行{action}。",
            "A {state} submission cannot be {action}d.",
        ),
        "club.text_required": ("请填写内容。", "Please write something."),
        "club.title_required": ("征文请填写标题。", "An essay needs a title."),
        "club.too_long": ("内容过长（最多{limit}字）。", "Too long (at most {limit} characters)."),
        "club.not_member": ("您还不是客户俱乐部会员。", "You are not a club member."),
        "club.event_full": ("该活动名额已满。", "This event is full."),
        "club.unknown_event": ("没有该活动。", "There is no such event."),
        "club.unknown_campaign": ("没有征集活动{code}。", "There is no campaign {code}."),
        "club.campaign_closed": ("该征集活动已结束。", "This campaign is closed."),
        "club.unknown_submission": ("没有该投稿。", "There is no such submission."),
        "club.value_invalid": ("无效的取值：{value}", "Invalid value: {value}"),
    }
)
