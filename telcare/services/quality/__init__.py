"""Service-quality indicators computed by SQL aggregation, per province and month.

Each indicator of :data:`telcare.domain.quality.INDICATORS` with inputs has a spec
(:mod:`.specs`; the SQL in :mod:`.complaint_specs`, :mod:`.antispam_specs`,
:mod:`.callcentre_specs` and :mod:`.charging_specs`, portable functions in :mod:`.sql`).
:mod:`.figures` computes them (one ``SELECT … GROUP BY province, month`` per indicator)
and drills down, :mod:`.snapshots` stores them and :mod:`.dashboard` builds what the
dashboards and the monthly report show.
"""

from __future__ import annotations

from telcare.services.quality.dashboard import Overview as Overview
from telcare.services.quality.dashboard import Row as Row
from telcare.services.quality.dashboard import fmt_value as fmt_value
from telcare.services.quality.dashboard import overview as overview
from telcare.services.quality.figures import Result as Result
from telcare.services.quality.figures import breakdown as breakdown
from telcare.services.quality.figures import compute as compute
from telcare.services.quality.figures import details as details
from telcare.services.quality.figures import subscriber_base as subscriber_base
from telcare.services.quality.snapshots import load_snapshot as load_snapshot
from telcare.services.quality.snapshots import store_snapshot as store_snapshot
from telcare.services.quality.specs import E_CHANNELS as E_CHANNELS
from telcare.services.quality.specs import PROVINCE_CODES as PROVINCE_CODES
from telcare.services.quality.specs import SPECS as SPECS
from telcare.services.quality.specs import Period as Period
from telcare.services.quality.specs import Spec as Spec
from telcare.services.quality.specs import spec as spec
