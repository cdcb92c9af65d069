"""The customer club (membership, member events, attendance) and opinion campaigns
(opinions and essays with moderation), with reportable counts.

Rules (kinds, categories, moderation) are in :mod:`telcare.domain.club`.
"""

from telcare.services.club.member_events import EventCounts as EventCounts
from telcare.services.club.member_events import EventView as EventView
from telcare.services.club.member_events import create_event as create_event
from telcare.services.club.member_events import event_counts as event_counts
from telcare.services.club.member_events import events as events
from telcare.services.club.member_events import record_attendance as record_attendance
from telcare.services.club.member_events import register_for_event as register_for_event
from telcare.services.club.member_events import registrations as registrations
from telcare.services.club.membership import is_member as is_member
from telcare.services.club.membership import join as join
from telcare.services.club.membership import leave as leave
from telcare.services.club.opinions import CampaignView as CampaignView
from telcare.services.club.opinions import SubmissionView as SubmissionView
from telcare.services.club.opinions import campaigns as campaigns
from telcare.services.club.opinions import create_campaign as create_campaign
from telcare.services.club.opinions import moderate as moderate
from telcare.services.club.opinions import submissions as submissions
from telcare.services.club.opinions import submit as submit
from telcare.services.club.reports import CampaignReport as CampaignReport
from telcare.services.club.reports import ClubReport as ClubReport
from telcare.services.club.reports import report as report
