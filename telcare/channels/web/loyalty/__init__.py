"""Loyalty pages: the points mall in the business hall (``/hall/points``), the partner
merchant's code check (``/merchant``) and the staff console (``/staff/loyalty``).

Thin: each handler parses its form, calls :mod:`telcare.services.loyalty` once and
answers (GET renders; POST redirects with a flash). A redemption is confirmed on
this page's own confirm step (the package page's confirm is for packages).
Merchants log in with their merchant ID and password; their session holds a
merchant token, apart from the subscriber's login.

Modules: ``subscriber`` (the points mall), ``merchant`` (the merchant's page),
``staff`` (stock, fulfilment, settlement), ``hq`` (headquarters' catalog, rules,
campaigns and merchants) and ``shared`` (paths and dependencies). :data:`router`
holds all their routes, in that order.
"""

from __future__ import annotations

from fastapi import APIRouter

from . import hq, merchant, staff, subscriber

router = APIRouter(include_in_schema=False)
router.include_router(subscriber.router)  # /hall/points
router.include_router(merchant.router)  # /merchant
router.include_router(staff.router)  # /staff/loyalty: stock, orders, settlement
router.include_router(hq.router)  # /staff/loyalty: gift, rules, campaigns, merchants, services
