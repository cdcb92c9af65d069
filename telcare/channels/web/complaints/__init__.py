"""Complaint pages: filing on the business hall (``/hall/complaints``) and the staff
console (``/staff/complaints/``): the queue with filters and SLA countdowns, the ticket
page, and the taxonomy editor at headquarters.

Handlers parse the form, call one service of :mod:`telcare.services.complaints` and
render or redirect. Who sees what is decided there: provincial staff their province,
headquarters everything, a subscriber their own line.

Modules: :mod:`.hall`, :mod:`.console` (queue), :mod:`.taxonomy`, :mod:`.ticket`, and
:mod:`.common` (texts, paths, helpers); :data:`router` holds the routes of all four.
"""

from __future__ import annotations

from fastapi import APIRouter

from telcare.channels.web.complaints import console, hall, taxonomy, ticket

router = APIRouter(include_in_schema=False)
for _pages in (hall.router, console.router, taxonomy.router, ticket.router):
    router.include_router(_pages)
