"""Partner (SP) pages: the public A-tier disclosure (``/partners/disclosed``), the SP
portal (``/sp``), the staff console (``/staff/partners``) and the subscriber's SP
services on the business hall (``/hall/sp``).

Thin: each handler parses its form, calls :mod:`telcare.services.partners` (or
:mod:`telcare.services.orders` for the confirm step) and answers; GET renders, POST
redirects (303) with a flash. An SP order is held pending until the subscriber
confirms on the page (:func:`orders.confirm`, the same pending order as ``Y`` to
10086); nothing is charged before. Forms that change something carry a key, so a
double submit shows the first outcome and has one effect.

Modules: :mod:`.portal` (disclosure and the SP portal), :mod:`.hall` (the subscriber's
pages), :mod:`.console` (staff), :mod:`.common` (shared fields and answers),
:mod:`.texts`. :data:`router` has every page, in that order.
"""

from __future__ import annotations

from fastapi import APIRouter

from telcare.channels.web.partners import console, hall, portal
from telcare.channels.web.partners.hall import require_subscriber as require_subscriber
from telcare.channels.web.partners.portal import require_sp as require_sp

router = APIRouter(include_in_schema=False)
router.include_router(portal.router)
router.include_router(hall.router)
router.include_router(console.router)
