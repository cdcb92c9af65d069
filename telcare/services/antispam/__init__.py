"""Anti-spam use cases: the delivery filter, the quarantine box, personal rules and the
10086999 reporting platform (reports, aggregation per sender, flags, audit, statistics).

The rules themselves live in :mod:`telcare.domain.antispam_rules`; these modules load
what they need, call them, and write the outcome in one transaction, queueing the
reporter's SMS (acknowledgement, outcome) through the notification outbox:

- :mod:`.rules`: personal block and allow lists, keywords and the sensitivity;
- :mod:`.delivery`: each MT SMS judged, the quarantine box, "not spam", purging;
- :mod:`.firewall`: a subscriber's SMS to another subscriber, judged before delivery, and
  the sender's behaviour (restriction); :mod:`.standing`: enterprise whitelist, staff review
  queue, appeals, the decisions feed;
- :mod:`.reports`: reports to 10086999 (SMS, API, a click in the box);
- :mod:`.flags`: when a reported sender is flagged or restricted, and the staff's actions;
- :mod:`.console`: the staff console's queries; :mod:`.stats`: statistics and keywords;
- :mod:`.classifier`: the spam classifier, handed over by the entry point
  (:func:`use_classifier`); :mod:`.common`: the time, retries, a sender's standing;
  :mod:`.texts`: the SMS texts.
"""

from telcare.services.antispam.classifier import use_classifier as use_classifier
from telcare.services.antispam.console import ActionRow as ActionRow
from telcare.services.antispam.console import ReportRow as ReportRow
from telcare.services.antispam.console import SenderRank as SenderRank
from telcare.services.antispam.console import actions as actions
from telcare.services.antispam.console import report_queue as report_queue
from telcare.services.antispam.console import sender_ranking as sender_ranking
from telcare.services.antispam.console import sender_status as sender_status
from telcare.services.antispam.console import violations as violations
from telcare.services.antispam.delivery import StoredMessage as StoredMessage
from telcare.services.antispam.delivery import deliver_mt as deliver_mt
from telcare.services.antispam.delivery import is_restricted as is_restricted
from telcare.services.antispam.delivery import purge as purge
from telcare.services.antispam.delivery import quarantine as quarantine
from telcare.services.antispam.delivery import received as received
from telcare.services.antispam.delivery import release as release
from telcare.services.antispam.firewall import P2PResult as P2PResult
from telcare.services.antispam.firewall import deliver_p2p as deliver_p2p
from telcare.services.antispam.flags import dismiss_reports as dismiss_reports
from telcare.services.antispam.flags import evaluate as evaluate
from telcare.services.antispam.flags import flag_sender as flag_sender
from telcare.services.antispam.flags import unflag_sender as unflag_sender
from telcare.services.antispam.reports import ReportResult as ReportResult
from telcare.services.antispam.reports import report as report
from telcare.services.antispam.reports import report_quarantined as report_quarantined
from telcare.services.antispam.rules import RuleSet as RuleSet
from telcare.services.antispam.rules import add_rule as add_rule
from telcare.services.antispam.rules import allow_sender as allow_sender
from telcare.services.antispam.rules import block_keyword as block_keyword
from telcare.services.antispam.rules import block_prefix as block_prefix
from telcare.services.antispam.rules import block_sender as block_sender
from telcare.services.antispam.rules import list_rules as list_rules
from telcare.services.antispam.rules import remove_rule as remove_rule
from telcare.services.antispam.rules import set_sensitivity as set_sensitivity
from telcare.services.antispam.rules import unblock_keyword as unblock_keyword
from telcare.services.antispam.rules import unblock_sender as unblock_sender
from telcare.services.antispam.standing import DecisionRow as DecisionRow
from telcare.services.antispam.standing import Enterprise as Enterprise
from telcare.services.antispam.standing import ReviewItem as ReviewItem
from telcare.services.antispam.standing import appeal as appeal
from telcare.services.antispam.standing import confirm as confirm
from telcare.services.antispam.standing import decisions as decisions
from telcare.services.antispam.standing import enterprises as enterprises
from telcare.services.antispam.standing import register_enterprise as register_enterprise
from telcare.services.antispam.standing import remove_enterprise as remove_enterprise
from telcare.services.antispam.standing import review_queue as review_queue
from telcare.services.antispam.stats import DayStats as DayStats
from telcare.services.antispam.stats import Statistics as Statistics
from telcare.services.antispam.stats import statistics as statistics
from telcare.services.antispam.stats import top_keywords as top_keywords
