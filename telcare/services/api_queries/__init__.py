"""Read models for the REST API: paged lists and single resources, each access-checked.

Every resource is reached through the line (subscriber) it belongs to, and every
lookup runs :func:`telcare.domain.access.require_subscriber_access` on that line, so
a guessed ID of someone else's resource is refused before anything is read.

Resource IDs are stable: a line is its subscriber id, a product (inventory item)
its subscription id, a top-up its ledger entry id, a product order an ID made from
its line (see :mod:`.product_orders`).

Modules, lowest first: ``views`` (Page, Line, the API's messages, the access check
of a line, :func:`require_role`), ``catalog`` (TMF620), ``customers`` (lines and
customers: TMF629, TMF654 buckets), ``inventory`` (TMF637), ``product_orders``
(TMF622), ``replay`` (:func:`once`, idempotent replay of API actions) and ``topups``
(TMF654). Channels import the names below from this package.
"""

from __future__ import annotations

from telcare.services.api_queries.catalog import offering as offering
from telcare.services.api_queries.catalog import offerings as offerings
from telcare.services.api_queries.customers import CustomerView as CustomerView
from telcare.services.api_queries.customers import customer as customer
from telcare.services.api_queries.customers import customers as customers
from telcare.services.api_queries.customers import line_by_id as line_by_id
from telcare.services.api_queries.customers import line_by_msisdn as line_by_msisdn
from telcare.services.api_queries.customers import line_for as line_for
from telcare.services.api_queries.customers import lines as lines
from telcare.services.api_queries.inventory import InventoryItem as InventoryItem
from telcare.services.api_queries.inventory import inventory_item as inventory_item
from telcare.services.api_queries.inventory import inventory_items as inventory_items
from telcare.services.api_queries.inventory import product_status as product_status
from telcare.services.api_queries.product_orders import OrderView as OrderView
from telcare.services.api_queries.product_orders import current_pending as current_pending
from telcare.services.api_queries.product_orders import order as order
from telcare.services.api_queries.product_orders import orders_of as orders_of
from telcare.services.api_queries.replay import once as once
from telcare.services.api_queries.topups import ADJUST_ACTION as ADJUST_ACTION
from telcare.services.api_queries.topups import TOPUP_ACTION as TOPUP_ACTION
from telcare.services.api_queries.topups import TopupView as TopupView
from telcare.services.api_queries.topups import adjust_balance as adjust_balance
from telcare.services.api_queries.topups import cash_topup as cash_topup
from telcare.services.api_queries.topups import topup as topup
from telcare.services.api_queries.topups import topups as topups
from telcare.services.api_queries.views import Line as Line
from telcare.services.api_queries.views import Page as Page
from telcare.services.api_queries.views import require_role as require_role
from telcare.services.api_queries.views import visible_lines as visible_lines
