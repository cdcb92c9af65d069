"""Satisfaction surveys: record contacts, send sampled surveys from 10086700, take
replies (SMS and web), expire, change templates without a release, score, follow up.

Every use case is one transaction. The rules (sampling, 7 days, quiet hours, 48 h,
parsing, scoring) live in :mod:`telcare.domain.surveys`; this package stores and
sends. Survey SMS are queued in the outbox (:func:`telcare.services.notify.queue_sms`)
in the same transaction as the survey row.

- :mod:`.template_versions`: the built-in templates (``builtin_templates.yaml`` beside it)
  and every version saved since;
- :mod:`.triggers`: :func:`record_visit`, :func:`record_call`, :func:`record_chat`,
  :func:`record_g3_subscription` and :func:`on_ticket_closed` (a local subscriber of
  the bus's ``ticket.closed``; connected by :func:`telcare.wiring.connect`), :func:`send_now`;
- :mod:`.sending`: :func:`record_contact`, sampling, the 7-day rule, quiet hours;
- :mod:`.replies`: SMS replies to 10086700 and expiry;
- :mod:`.online`: the online survey of the business hall;
- :mod:`.results`: scores with intervals and follow-up tickets.
"""

from __future__ import annotations

from telcare.services.surveys.online import WebSurvey as WebSurvey
from telcare.services.surveys.online import answer_web as answer_web
from telcare.services.surveys.online import web_survey as web_survey
from telcare.services.surveys.replies import Reply as Reply
from telcare.services.surveys.replies import expire as expire
from telcare.services.surveys.replies import handle_reply as handle_reply
from telcare.services.surveys.results import FollowUp as FollowUp
from telcare.services.surveys.results import follow_ups as follow_ups
from telcare.services.surveys.results import open_ticket as open_ticket
from telcare.services.surveys.results import scored as scored
from telcare.services.surveys.results import scores as scores
from telcare.services.surveys.sending import Outcome as Outcome
from telcare.services.surveys.sending import Sent as Sent
from telcare.services.surveys.sending import record_contact as record_contact
from telcare.services.surveys.template_versions import DEFAULT_TEMPLATES as DEFAULT_TEMPLATES
from telcare.services.surveys.template_versions import ensure_templates as ensure_templates
from telcare.services.surveys.template_versions import save_template as save_template
from telcare.services.surveys.template_versions import template as template
from telcare.services.surveys.template_versions import template_history as template_history
from telcare.services.surveys.template_versions import templates as templates
from telcare.services.surveys.triggers import g3_subscribed as g3_subscribed
from telcare.services.surveys.triggers import hook_orders as hook_orders
from telcare.services.surveys.triggers import on_ticket_closed as on_ticket_closed
from telcare.services.surveys.triggers import record_call as record_call
from telcare.services.surveys.triggers import record_chat as record_chat
from telcare.services.surveys.triggers import record_g3_subscription as record_g3_subscription
from telcare.services.surveys.triggers import record_visit as record_visit
from telcare.services.surveys.triggers import send_now as send_now
from telcare.services.surveys.triggers import (
    ticket_closed_subscriber as ticket_closed_subscriber,
)
