"""Customer club and opinion pages: ``/hall/club`` (join or leave, member events with
sign-up, opinions and essays to open campaigns) and ``/staff/club`` (events and
attendance, campaigns, moderation, the counts).

Thin: every rule is in :mod:`telcare.services.club` and :mod:`telcare.domain.club`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from telcare.channels.api.deps import get_db
from telcare.channels.guards import requires
from telcare.channels.web import staff
from telcare.channels.web.render import flash, page, redirect
from telcare.channels.web.security import RowId, require_csrf, require_msisdn, require_staff
from telcare.domain import club as dc
from telcare.domain.access import Principal
from telcare.domain.errors import DomainError, InvalidInput
from telcare.domain.messages import register
from telcare.domain.provinces import HQ
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import club, selfcare
from telcare.store.uow import Database

router = APIRouter(include_in_schema=False)
Db = Annotated[Database, Depends(get_db)]
Msisdn = Annotated[str, Depends(require_msisdn)]
Staff = Annotated[Principal, Depends(require_staff)]
CSRF = [Depends(require_csrf)]
HALL = "/hall/club"
STAFF = "/staff/club"

register(
    {
        "web.club.title": ("客户俱乐部", "Customer club"),
        "web.club.member": ("您是客户俱乐部会员。", "You are a club member."),
        "web.club.not_member": (
            "加入客户俱乐部，参加营业厅开放日、10086热线参观等会员活动。",
            "Join the club for member events such as shop open days and 10086 tours.",
        ),
        "web.club.join": ("加入俱乐部", "Join the club"),
        "web.club.leave": ("退出俱乐部", "Leave the club"),
        "web.club.joined": ("欢迎加入客户俱乐部！", "Welcome to the club!"),
        "web.club.left": ("您已退出客户俱乐部。", "You have left the club."),
        "web.club.unchanged": ("没有变化。", "Nothing changed."),
        "web.club.events": ("会员活动", "Member events"),
        "web.club.no_events": ("暂无活动。", "No events."),
        "web.club.sign_up": ("报名", "Sign up"),
        "web.club.signed_up": ("已报名", "Signed up"),
        "web.club.attended": ("已出席", "Attended"),
        "web.club.registered": ("报名成功。", "You are signed up."),
        "web.club.places": ("已报名{n}人", "{n} signed up"),
        "web.club.capacity": ("限{n}人", "{n} places"),
        "web.club.kind.shop_visit": ("营业厅开放日", "Shop visit"),
        "web.club.kind.hotline_tour": ("10086热线参观", "Hotline tour"),
        "web.club.kind.meeting": ("座谈会", "Meeting"),
        "web.club.opinions": ("意见征集", "Opinions"),
        "web.club.no_campaigns": ("目前没有进行中的征集活动。", "No campaign is open now."),
        "web.club.kind": ("类型", "Kind"),
        "web.club.kind.opinion": ("意见建议", "Opinion"),
        "web.club.kind.essay": ("征文", "Essay"),
        "web.club.category": ("类别", "Category"),
        "web.club.category.network": ("网络", "Network"),
        "web.club.category.products": ("新业务", "New products"),
        "web.club.category.channels": ("渠道", "Channels"),
        "web.club.category.service": ("服务", "Service"),
        "web.club.essay_title": ("标题（征文必填）", "Title (essays)"),
        "web.club.text": ("内容", "Text"),
        "web.club.send": ("提交", "Send"),
        "web.club.sent": ("感谢您的意见，审核后展示。", "Thank you; it will show once reviewed."),
        "web.club.mine": ("我的投稿", "My submissions"),
        "web.club.state.pending": ("待审核", "Pending"),
        "web.club.state.approved": ("已通过", "Approved"),
        "web.club.state.rejected": ("未采用", "Rejected"),
        "web.club.state.featured": ("精选", "Featured"),
        "web.staff.console.club": ("客户俱乐部与意见征集", "Club and opinions"),
        "web.staff.club.new_event": ("新建会员活动", "New member event"),
        "web.staff.club.event_title": ("活动名称", "Title"),
        "web.staff.club.starts_at": ("开始时间", "Starts at"),
        "web.staff.club.capacity": ("人数上限（选填）", "Places (optional)"),
        "web.staff.club.create": ("创建", "Create"),
        "web.staff.club.created": ("已创建。", "Created."),
        "web.staff.club.present": ("签到", "Mark present"),
        "web.staff.club.marked": ("已签到。", "Marked present."),
        "web.staff.club.campaigns": ("征集活动", "Campaigns"),
        "web.staff.club.new_campaign": ("新建征集活动", "New campaign"),
        "web.staff.club.code": ("代码", "Code"),
        "web.staff.club.ends_at": ("结束时间（选填）", "Ends at (optional)"),
        "web.staff.club.moderation": ("投稿审核", "Moderation"),
        "web.staff.club.no_pending": ("没有待审核的投稿。", "Nothing to review."),
        "web.staff.club.action.approve": ("通过", "Approve"),
        "web.staff.club.action.reject": ("不采用", "Reject"),
        "web.staff.club.action.feature": ("设为精选", "Feature"),
        "web.staff.club.action.unfeature": ("取消精选", "Unfeature"),
        "web.staff.club.moderated": ("已处理，状态：{state}。", "Done; now {state}."),
        "web.staff.club.report": (
            "会员{members}人",
            "{members} members",
        ),
        "web.staff.club.campaign_counts": (
            "参与{participants}人（会员{in_club}人），意见{opinions}条，征文{essays}篇",
            "{participants} participants ({in_club} members), {opinions} opinions, {essays} essays",
        ),
        "web.club.bad_time": ("时间格式不正确。", "The time is not valid."),
    }
)
staff.CONSOLES.append((f"{STAFF}/", "web.staff.console.club"))


def _when(value: str) -> datetime | None:
    """A ``datetime-local`` form value, in Beijing time; None when empty."""
    if not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=OPERATOR_TZ)
    except ValueError:
        raise InvalidInput("web.club.bad_time") from None


def _required_when(value: str) -> datetime:
    """:func:`_when` for a field that must be filled in."""
    when = _when(value)
    if when is None:
        raise InvalidInput("web.club.bad_time")
    return when


def _done(request: Request, to: str, key: str, **params: object) -> Response:
    flash(request, "ok", key, **params)
    return redirect(to)


def _failed(request: Request, to: str, err: DomainError) -> Response:
    flash(request, "error", err.key, **err.params)
    return redirect(to)


# --- the business hall ----------------------------------------------------------------------


@router.get(HALL, response_class=HTMLResponse)
def club_page(request: Request, db: Db, msisdn: Msisdn) -> Response:
    province = selfcare.overview(db, msisdn).province
    mine, _ = club.submissions(db, msisdn=msisdn, limit=20)
    return page(
        request,
        "club/hall.html",
        {
            "member": club.is_member(db, msisdn),
            "events": club.events(db, msisdn=msisdn, province=province),
            "campaigns": club.campaigns(db, open_only=True),
            "mine": mine,
            "kinds": [k.value for k in dc.SubmissionKind],
            "categories": [c.value for c in dc.Category],
        },
    )


@router.post(f"{HALL}/join", dependencies=CSRF)
def join(request: Request, db: Db, msisdn: Msisdn) -> Response:
    try:
        changed = club.join(db, msisdn)
    except DomainError as err:
        return _failed(request, HALL, err)
    return _done(request, HALL, "web.club.joined" if changed else "web.club.unchanged")


@router.post(f"{HALL}/leave", dependencies=CSRF)
def leave(request: Request, db: Db, msisdn: Msisdn) -> Response:
    changed = club.leave(db, msisdn)
    return _done(request, HALL, "web.club.left" if changed else "web.club.unchanged")


@router.post(f"{HALL}/events/{{event_id}}", dependencies=CSRF)
def sign_up(request: Request, db: Db, msisdn: Msisdn, event_id: RowId) -> Response:
    try:
        changed = club.register_for_event(db, event_id, msisdn)
    except DomainError as err:
        return _failed(request, HALL, err)
    return _done(request, HALL, "web.club.registered" if changed else "web.club.unchanged")


@router.post(f"{HALL}/opinions", dependencies=CSRF)
def submit(
    request: Request,
    db: Db,
    msisdn: Msisdn,
    campaign: Annotated[str, Form(max_length=30)],
    kind: Annotated[str, Form(max_length=10)],
    category: Annotated[str, Form(max_length=10)],
    text: Annotated[str, Form(max_length=dc.MAX_ESSAY)] = "",
    title: Annotated[str, Form(max_length=dc.MAX_TITLE)] = "",
) -> Response:
    try:
        club.submit(db, campaign, msisdn, kind, category, text, title)
    except DomainError as err:
        return _failed(request, HALL, err)
    return _done(request, HALL, "web.club.sent")


# --- staff ----------------------------------------------------------------------------------


@router.get(f"{STAFF}/", response_class=HTMLResponse, dependencies=[requires("club.console.view")])
def staff_page(request: Request, db: Db, who: Staff) -> Response:
    events = club.events(db, province=who.province)
    scope = None if who.province == HQ else who.province
    pending, _ = club.submissions(db, state="pending", province=scope, limit=100)
    featured, _ = club.submissions(db, state="approved", province=scope, limit=50)
    return page(
        request,
        "club/staff.html",
        {
            "staff": who,
            "events": [
                (e, club.registrations(db, who, e.id) if who.province in (HQ, e.province) else [])
                for e in events
            ],
            "campaigns": club.campaigns(db),
            "pending": pending,
            "approved": featured,
            "report": club.report(db),
            "event_kinds": [k.value for k in dc.EventKind],
        },
    )


@router.post(f"{STAFF}/events", dependencies=[*CSRF, requires("club.event.manage")])
def create_event(
    request: Request,
    db: Db,
    who: Staff,
    kind: Annotated[str, Form(max_length=20)],
    title: Annotated[str, Form(max_length=dc.MAX_TITLE)],
    starts_at: Annotated[str, Form(max_length=30)],
    capacity: Annotated[str, Form(max_length=6)] = "",
) -> Response:
    try:
        when = _required_when(starts_at)
        places = int(capacity) if capacity.strip().isdigit() else None
        club.create_event(db, who, kind, title, when, capacity=places)
    except DomainError as err:
        return _failed(request, f"{STAFF}/", err)
    return _done(request, f"{STAFF}/", "web.staff.club.created")


@router.post(
    f"{STAFF}/events/{{event_id}}/attendance",
    dependencies=[*CSRF, requires("club.attendance.record")],
)
def attendance(
    request: Request,
    db: Db,
    who: Staff,
    event_id: RowId,
    msisdn: Annotated[str, Form(max_length=20)],
) -> Response:
    try:
        club.record_attendance(db, who, event_id, msisdn)
    except DomainError as err:
        return _failed(request, f"{STAFF}/", err)
    return _done(request, f"{STAFF}/", "web.staff.club.marked")


@router.post(f"{STAFF}/campaigns", dependencies=[*CSRF, requires("club.campaign.manage")])
def create_campaign(
    request: Request,
    db: Db,
    who: Staff,
    code: Annotated[str, Form(max_length=30)],
    title: Annotated[str, Form(max_length=dc.MAX_TITLE)],
    starts_at: Annotated[str, Form(max_length=30)],
    ends_at: Annotated[str, Form(max_length=30)] = "",
) -> Response:
    try:
        start = _required_when(starts_at)
        club.create_campaign(db, who, code, title, start, _when(ends_at))
    except DomainError as err:
        return _failed(request, f"{STAFF}/", err)
    return _done(request, f"{STAFF}/", "web.staff.club.created")


@router.post(
    f"{STAFF}/submissions/{{submission_id}}",
    dependencies=[*CSRF, requires("club.submission.moderate")],
)
def moderate(
    request: Request,
    db: Db,
    who: Staff,
    submission_id: RowId,
    action: Annotated[str, Form(max_length=10)],
) -> Response:
    try:
        state = club.moderate(db, who, submission_id, action)
    except DomainError as err:
        return _failed(request, f"{STAFF}/", err)
    return _done(request, f"{STAFF}/", "web.staff.club.moderated", state=state)
