"""Demo activity: months of realistic service events for the demo operator.

:func:`generate` plays a few months of life of a sample of the demo subscribers
through the real services, in time order, each call with its own ``now=``:
complaint tickets (filed, acknowledged, resolved, closed; some late and swept to
escalation, some major, some reopened, some about SP 1066000005 charging without
confirmation, refunded), satisfaction surveys and their SMS replies (low scores
followed up by a ticket), spam reports (senders flagged by reporters, quarantined
messages, SP 1066000003 flagged into a violation, the rest dismissed by staff), card
recharges (some wrong PINs) and shop recharges, SP subscriptions, points gift orders by SMS,
web, API and the online hall (picked, shipped, delivered; a few cancelled or returned), data
reminder opt-outs and rated usage files with their reminders. The quality
indicators of :mod:`telcare.services.quality` then have figures to show. Who takes part
and what they complain about, answer or are sent: ``data/activity.yaml``.

Deterministic (``random.Random(seed)``) and idempotent: a marker row
(``idempotency_record`` key ``demo-activity:<seed>``) is written at the end, and a
second call with the same seed adds nothing.

Rows written directly, because the services stamp them with the wall clock (they
have no ``now=``), each in a clearly named helper:

* :func:`.play._backdate_lines`: the demo lines, their customers, base subscriptions,
  opening balances and points were created "today" by the seed; they are moved to
  the day before the first month, so that the months have a subscriber base.
* :func:`.schedule._backdate_entry`: a ledger entry posted by ``cards.recharge_with_card`` or
  ``accounts.post`` gets the time of the simulated recharge or refund.
* :func:`.recharges._add_cards`: the recharge cards sold (one PIN hash shared by the batch).
"""

from telcare.demo.activity.play import generate as generate
from telcare.demo.activity.schedule import MARKER as MARKER
from telcare.demo.activity.schedule import Progress as Progress
