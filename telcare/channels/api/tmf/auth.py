"""Logging in to the API: a one-time SMS code for subscribers, a password for staff."""

from __future__ import annotations

from fastapi import APIRouter, Request

from telcare.channels.api.deps import client_address
from telcare.channels.api.tmf.common import BASE, Caller, Db, TmfRoute, problems
from telcare.channels.api.tmf.schemas import Identity, OtpRequest, OtpSent, Token, TokenRequest
from telcare.channels.guards import public, requires
from telcare.config import secret_key
from telcare.domain.access import Principal
from telcare.services import auth

router = APIRouter(prefix=f"{BASE}/auth", tags=["authentication"], route_class=TmfRoute)


def _token(who: Principal) -> Token:
    return Token(
        access_token=auth.issue_token(who, secret_key()),
        expires_in=int(auth.token_ttl().total_seconds()),
        kind=who.kind.value,
        subject=who.subject,
        province=who.province,
        role=who.role,
    )


@router.post(
    "/otp",
    status_code=202,
    response_model=OtpSent,
    responses=problems(400, 422, 429),
    dependencies=[public("subscriber login")],
)
def send_code(body: OtpRequest, db: Db, request: Request) -> OtpSent:
    """Send a one-time login code to the line by SMS if it is a subscriber's (one a
    minute and five an hour a number). Every well-formed number gets the same answer."""
    auth.request_login_code(db, body.msisdn, address=client_address(request))
    return OtpSent(msisdn=body.msisdn, expiresIn=int(auth.CODE_TTL.total_seconds()))


@router.post(
    "/token",
    response_model=Token,
    responses=problems(400, 403, 404, 422, 429),
    dependencies=[public("login")],
)
def get_token(body: TokenRequest, db: Db, request: Request) -> Token:
    """A bearer token: `otp` grant (msisdn + SMS code) or `password` grant (staff)."""
    if body.grant_type == "otp":
        who = auth.verify_login_code(db, body.msisdn, body.code)
    else:
        who = auth.authenticate_staff(
            db, body.username, body.password, address=client_address(request)
        )
    return _token(who)


@router.get(
    "/me",
    response_model=Identity,
    responses=problems(401),
    dependencies=[requires("session.whoami")],
)
def whoami(who: Caller) -> Identity:
    """The caller behind the bearer token."""
    return Identity(kind=who.kind.value, subject=who.subject, province=who.province, role=who.role)
