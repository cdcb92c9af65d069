"""Subscribing and cancelling packages, with double confirmation for anything charged.

Every channel goes through :func:`request_subscription` then :func:`confirm`:
SMS answers ``Y``, the business hall shows a confirm button, the API confirms
the order. Nothing is charged before the confirmation.

Modules, lowest first: ``offers`` (Offer and the outcomes Pending, Subscribed,
Cancelled), ``hooks`` (what other capabilities register: ``hooks.on_subscribed``,
:func:`register_confirmer`, :func:`register_menu_source`), ``plan_change`` (a base
plan changed from the 1st of next month: check, schedule, show, cancel),
``confirmation`` (requesting, holding, confirming, declining; the hot path's
prebuilt statements, ADR 0004) and ``cancellation`` (cancel, the ``0000`` menu,
``QX<n>``). Callers import the names below from this package; the ``on_subscribed``
list is reached as
``orders.hooks.on_subscribed`` (the module that reads it).
"""

from __future__ import annotations

from telcare.services.orders import hooks as hooks
from telcare.services.orders.cancellation import cancel as cancel
from telcare.services.orders.cancellation import cancel_from_menu as cancel_from_menu
from telcare.services.orders.cancellation import paid_menu as paid_menu
from telcare.services.orders.confirmation import confirm as confirm
from telcare.services.orders.confirmation import decline as decline
from telcare.services.orders.confirmation import hold_for_confirmation as hold_for_confirmation
from telcare.services.orders.confirmation import pending as pending
from telcare.services.orders.confirmation import request_subscription as request_subscription
from telcare.services.orders.hooks import Confirmation as Confirmation
from telcare.services.orders.hooks import Confirmer as Confirmer
from telcare.services.orders.hooks import MenuCanceller as MenuCanceller
from telcare.services.orders.hooks import PaidLister as PaidLister
from telcare.services.orders.hooks import SubscribedHook as SubscribedHook
from telcare.services.orders.hooks import register_confirmer as register_confirmer
from telcare.services.orders.hooks import register_menu_source as register_menu_source
from telcare.services.orders.offers import Cancelled as Cancelled
from telcare.services.orders.offers import Offer as Offer
from telcare.services.orders.offers import Pending as Pending
from telcare.services.orders.offers import Subscribed as Subscribed
from telcare.services.orders.plan_change import PlanChange as PlanChange
from telcare.services.orders.plan_change import cancel_change as cancel_change
from telcare.services.orders.plan_change import pending_change as pending_change
