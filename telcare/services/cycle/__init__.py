"""The monthly cycle: the worker that runs every periodic job once per period, and the
monthly renewals of base plans and add-ons.

Modules, lowest first: ``texts`` (SMS and error texts), ``runs`` (``job_run``: the
claim, the lease, the outcome), ``renewals`` (the 1st's recurring fees),
``reminders`` (fees the balance will not cover, on the 25th), ``statements`` (a
line's month from the ledger, its CSV, the "statement ready" SMS), ``jobs`` (the job
table: each periodic job and the service it runs) and ``worker``
(:func:`run_due`, :func:`status`). The rules are in :mod:`telcare.domain.schedule`
and :mod:`telcare.domain.renewals`.
"""

from __future__ import annotations

from telcare.services.cycle.jobs import JOBS as JOBS
from telcare.services.cycle.reminders import remind_fees as remind_fees
from telcare.services.cycle.renewals import RenewalRun as RenewalRun
from telcare.services.cycle.renewals import renew_month as renew_month
from telcare.services.cycle.runs import Claim as Claim
from telcare.services.cycle.runs import claim as claim
from telcare.services.cycle.statements import Item as Item
from telcare.services.cycle.statements import Statement as Statement
from telcare.services.cycle.statements import bill_months as bill_months
from telcare.services.cycle.statements import check_month as check_month
from telcare.services.cycle.statements import entry_line as entry_line
from telcare.services.cycle.statements import ledger_csv as ledger_csv
from telcare.services.cycle.statements import notify_ready as notify_ready
from telcare.services.cycle.statements import statement as statement
from telcare.services.cycle.worker import LEASE as LEASE
from telcare.services.cycle.worker import JobStatus as JobStatus
from telcare.services.cycle.worker import Ran as Ran
from telcare.services.cycle.worker import default_owner as default_owner
from telcare.services.cycle.worker import run_due as run_due
from telcare.services.cycle.worker import status as status
