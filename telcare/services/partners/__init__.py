"""Partner (SP) governance: consented subscriptions, the monthly fee run, violations,
credit scores and tiers, disclosure, suspension and termination, settlement, the yearly report.

Consent has one path whatever the channel (SMS to the access code, the online hall,
the API): :func:`request` makes the subscription *pending* and sends the
confirmation SMS from 10086; only the subscriber's ``Y`` (the ``sp_subscribe``
confirmer in :mod:`.consent`) records a consent, activates the subscription and charges the
first month. Every fee row references a consent of its own subscription (see
:mod:`telcare.store.partner_models`). The rules live in :mod:`telcare.domain.partners`.

Modules: :mod:`.registry` (SPs, services, access), :mod:`.consent` (request and ``Y``),
:mod:`.cancellation` (``TD`` and the ``0000`` menu), :mod:`.fees`, :mod:`.violations`,
:mod:`.scoring` (the monthly run), :mod:`.disclosure`, :mod:`.sanctions` (suspension,
termination, refunds), :mod:`.settlement`, :mod:`.reports`, :mod:`.logins`,
:mod:`.messages` (SMS texts). Callers import from this package. The demo SPs are seeded by
:mod:`telcare.demo.partners`.
"""

from __future__ import annotations

from telcare.services.partners.cancellation import cancel as cancel
from telcare.services.partners.cancellation import cancel_subscription as cancel_subscription
from telcare.services.partners.consent import ACTION as ACTION
from telcare.services.partners.consent import PendingSp as PendingSp
from telcare.services.partners.consent import SpConfirmed as SpConfirmed
from telcare.services.partners.consent import SubscriptionView as SubscriptionView
from telcare.services.partners.consent import request as request
from telcare.services.partners.consent import subscriptions as subscriptions
from telcare.services.partners.disclosure import Disclosed as Disclosed
from telcare.services.partners.disclosure import disclosed as disclosed
from telcare.services.partners.fees import FeeRun as FeeRun
from telcare.services.partners.fees import run_fees as run_fees
from telcare.services.partners.logins import authenticate_sp as authenticate_sp
from telcare.services.partners.logins import set_sp_password as set_sp_password
from telcare.services.partners.registry import SYSTEM as SYSTEM
from telcare.services.partners.registry import ServiceView as ServiceView
from telcare.services.partners.registry import catalog as catalog
from telcare.services.partners.registry import launch_service as launch_service
from telcare.services.partners.registry import sp_of_number as sp_of_number
from telcare.services.partners.reports import ScoreView as ScoreView
from telcare.services.partners.reports import SpOverview as SpOverview
from telcare.services.partners.reports import YearReport as YearReport
from telcare.services.partners.reports import actions as actions
from telcare.services.partners.reports import all_sps as all_sps
from telcare.services.partners.reports import overview as overview
from telcare.services.partners.reports import yearly_report as yearly_report
from telcare.services.partners.sanctions import refund_fees as refund_fees
from telcare.services.partners.scoring import MonthResult as MonthResult
from telcare.services.partners.scoring import rate as rate
from telcare.services.partners.scoring import run_month as run_month
from telcare.services.partners.settlement import Settlement as Settlement
from telcare.services.partners.settlement import run_settlement as run_settlement
from telcare.services.partners.settlement import settlements as settlements
from telcare.services.partners.violations import ViolationView as ViolationView
from telcare.services.partners.violations import record_inspection as record_inspection
from telcare.services.partners.violations import sync_violations as sync_violations
