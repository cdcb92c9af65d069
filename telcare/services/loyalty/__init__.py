"""Loyalty use cases: earning and expiring points, the points mall, delivery orders,
partner-merchant codes and the merchant settlement report.

Every points movement goes through :func:`post_points` (one entry on the points
ledger, with the account's cached ``points`` moved under its row lock), so a
subscriber's points always equal the sum of their ledger. Rules live in
:mod:`telcare.domain.loyalty`; this package loads the data they need, locks and
writes.

Redemption is a double confirmation like any order: :func:`request_redemption`
holds a pending ``redeem`` (:func:`telcare.services.orders.hold_for_confirmation`)
and ``Y`` by SMS, the hall's confirm button or the API carry it out through the
confirmer registered in :mod:`.redemption`. Stock is taken with a conditional
``UPDATE ... WHERE quantity >= 1`` (nearest warehouse first), so concurrent
redemptions never oversell; a cancelled or returned order gives its points back
once, under the order's row lock.

Modules, lowest first: ``texts`` (messages), ``days`` (operator time), ``points``
(the ledger), ``accrual``, ``expiry``, ``gifts`` (the mall, stock), ``addresses``,
``codes`` (merchant codes and their throttle), ``delivery`` (orders),
``redemption``, ``refunds`` (expired codes), ``settlement_report``, ``admin`` (HQ
gift catalog and form checks), ``rules_admin`` (rules, tiers, campaigns) and
``merchant_accounts`` (merchant login, HQ merchant records). Callers import the
names below from this package; the demo data is seeded by :mod:`telcare.demo.loyalty`.
"""

from __future__ import annotations

from .accrual import AccrualSummary as AccrualSummary
from .accrual import accrue as accrue
from .addresses import default_address as default_address
from .addresses import put_address as put_address
from .addresses import save_address as save_address
from .admin import GiftForm as GiftForm
from .admin import gift_form as gift_form
from .admin import save_gift as save_gift
from .codes import CHECK_WINDOW as CHECK_WINDOW
from .codes import MAX_CHECK_FAILURES as MAX_CHECK_FAILURES
from .codes import CodeRefused as CodeRefused
from .codes import CodeView as CodeView
from .codes import check_failures as check_failures
from .codes import merchant_codes as merchant_codes
from .codes import my_codes as my_codes
from .codes import qr_svg as qr_svg
from .codes import verify_code as verify_code
from .delivery import Event as Event
from .delivery import OrderView as OrderView
from .delivery import advance_order as advance_order
from .delivery import cancel_order as cancel_order
from .delivery import fulfilment_queue as fulfilment_queue
from .delivery import my_orders as my_orders
from .delivery import order_for as order_for
from .expiry import ExpirySummary as ExpirySummary
from .expiry import expire as expire
from .gifts import GiftView as GiftView
from .gifts import catalog as catalog
from .gifts import mall as mall
from .gifts import set_gift_active as set_gift_active
from .gifts import set_stock as set_stock
from .merchant_accounts import MerchantInfo as MerchantInfo
from .merchant_accounts import MerchantView as MerchantView
from .merchant_accounts import ServiceView as ServiceView
from .merchant_accounts import authenticate_merchant as authenticate_merchant
from .merchant_accounts import issue_merchant_token as issue_merchant_token
from .merchant_accounts import merchants as merchants
from .merchant_accounts import read_merchant_token as read_merchant_token
from .merchant_accounts import save_merchant as save_merchant
from .merchant_accounts import save_service as save_service
from .merchant_accounts import set_merchant_password as set_merchant_password
from .points import BATCH_ACCOUNTS as BATCH_ACCOUNTS
from .points import PointsRow as PointsRow
from .points import points_history as points_history
from .points import points_sum as points_sum
from .points import post_points as post_points
from .points import spendable_points as spendable_points
from .redemption import ACTION as ACTION
from .redemption import OutOfStock as OutOfStock
from .redemption import PendingRedemption as PendingRedemption
from .redemption import Redeemed as Redeemed
from .redemption import RedemptionPending as RedemptionPending
from .redemption import confirm_redemption as confirm_redemption
from .redemption import pending_redemption as pending_redemption
from .redemption import request_redemption as request_redemption
from .refunds import CodeRefundSummary as CodeRefundSummary
from .refunds import refund_expired_codes as refund_expired_codes
from .rules_admin import CampaignView as CampaignView
from .rules_admin import RuleView as RuleView
from .rules_admin import accrual_rules as accrual_rules
from .rules_admin import campaigns as campaigns
from .rules_admin import save_campaign as save_campaign
from .rules_admin import save_rule as save_rule
from .rules_admin import tiers as tiers
from .settlement_report import SettlementRow as SettlementRow
from .settlement_report import settlement as settlement
from .settlement_report import settlement_csv as settlement_csv
