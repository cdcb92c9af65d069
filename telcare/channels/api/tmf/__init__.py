"""TM Forum Open API routers under ``/tmf-api`` (see ``docs/api.md``)."""

from __future__ import annotations

from fastapi import APIRouter

from telcare.channels.api.tmf import (
    auth,
    hub,
    tmf620,
    tmf620_admin,
    tmf621,
    tmf622,
    tmf629,
    tmf635,
    tmf635_admin,
    tmf637,
    tmf654,
    tmf654_reserve,
    tmf658,
    tmf678,
)

ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    tmf620.router,
    tmf620_admin.router,
    tmf622.router,
    tmf637.router,
    tmf654.router,
    tmf654_reserve.router,
    tmf629.router,
    tmf658.router,
    tmf635.router,
    tmf635_admin.router,
    tmf621.router,  # /tmf-api/troubleTicket/v4 (complaints)
    tmf678.router,  # /tmf-api/customerBillManagement/v4 (monthly statements)
    *hub.ROUTERS,  # …/v4/hub of the APIs that publish events
)
