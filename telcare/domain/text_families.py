"""Text keys built at run time (statuses, kinds, reasons, codes, buttons), marked for extraction.

Code and templates render these as ``prefix + value`` (``t('web.cmp.status.' ~ tk.status)``), so
``pybabel extract`` cannot see them; listing each family here with :func:`N_` keeps them in the
catalogs.  A new value of an enum shown to users needs its key here and in every catalog
(tests/unit/test_catalogs.py fails otherwise).  docs/i18n.md explains the rest.
"""

from __future__ import annotations

from telcare.domain.messages import N_

ANTISPAM_OUTCOMES = (
    # TRANSLATORS: SMS to a spam reporter on the outcome; {sender} is the number reported.
    N_("antispam.outcome.flagged"),
    # TRANSLATORS: SMS to a spam reporter on the outcome; {sender} is the number reported.
    N_("antispam.outcome.no_action"),
    # TRANSLATORS: SMS to a spam reporter on the outcome; {sender} is the number reported.
    N_("antispam.outcome.restricted"),
    # TRANSLATORS: SMS to a spam reporter on the outcome; {sender} is the number reported.
    N_("antispam.outcome.sp_violation"),
)
CHAT_QUEUES = (
    # TRANSLATORS: chat queues (G3 data, general) shown to agents.
    N_("chat.queue.G3"),
    # TRANSLATORS: chat queues (G3 data, general) shown to agents.
    N_("chat.queue.GEN"),
)
CHAT_STATES = (
    # TRANSLATORS: states of a chat session.
    N_("chat.state.agent"),
    # TRANSLATORS: states of a chat session.
    N_("chat.state.bot"),
    # TRANSLATORS: states of a chat session.
    N_("chat.state.closed"),
    # TRANSLATORS: states of a chat session.
    N_("chat.state.queued"),
)
LOYALTY_STATES = (
    # TRANSLATORS: gift order state (also the staff button that moves an order there).
    N_("loyalty.state.cancelled"),
    # TRANSLATORS: gift order state (also the staff button that moves an order there).
    N_("loyalty.state.delivered"),
    # TRANSLATORS: gift order state (also the staff button that moves an order there).
    N_("loyalty.state.picked"),
    # TRANSLATORS: gift order state (also the staff button that moves an order there).
    N_("loyalty.state.placed"),
    # TRANSLATORS: gift order state (also the staff button that moves an order there).
    N_("loyalty.state.returned"),
    # TRANSLATORS: gift order state (also the staff button that moves an order there).
    N_("loyalty.state.shipped"),
)
STARTUP_SECRET = (
    # TRANSLATORS: why the server refuses this session secret; {n} is the minimum length.
    N_("startup.secret_advice"),
    # TRANSLATORS: why the server refuses this session secret; {n} is the minimum length.
    N_("startup.secret_default"),
    # TRANSLATORS: why the server refuses this session secret; {n} is the minimum length.
    N_("startup.secret_missing"),
    # TRANSLATORS: why the server refuses this session secret; {n} is the minimum length.
    N_("startup.secret_short"),
)
SURVEY_ASKS = (
    # TRANSLATORS: a survey question sent by SMS, by answer kind; {question} is the question.
    N_("survey.ask.scale5"),
    # TRANSLATORS: a survey question sent by SMS, by answer kind; {question} is the question.
    N_("survey.ask.three"),
)
CLUB_CATEGORIES = (
    # TRANSLATORS: customer club: topic of an opinion.
    N_("web.club.category.channels"),
    # TRANSLATORS: customer club: topic of an opinion.
    N_("web.club.category.network"),
    # TRANSLATORS: customer club: topic of an opinion.
    N_("web.club.category.products"),
    # TRANSLATORS: customer club: topic of an opinion.
    N_("web.club.category.service"),
)
CLUB_KINDS = (
    # TRANSLATORS: customer club: kind of event or submission.
    N_("web.club.kind.essay"),
    # TRANSLATORS: customer club: kind of event or submission.
    N_("web.club.kind.hotline_tour"),
    # TRANSLATORS: customer club: kind of event or submission.
    N_("web.club.kind.meeting"),
    # TRANSLATORS: customer club: kind of event or submission.
    N_("web.club.kind.opinion"),
    # TRANSLATORS: customer club: kind of event or submission.
    N_("web.club.kind.shop_visit"),
)
CLUB_STATES = (
    # TRANSLATORS: customer club: review state of a submission.
    N_("web.club.state.approved"),
    # TRANSLATORS: customer club: review state of a submission.
    N_("web.club.state.featured"),
    # TRANSLATORS: customer club: review state of a submission.
    N_("web.club.state.pending"),
    # TRANSLATORS: customer club: review state of a submission.
    N_("web.club.state.rejected"),
)
COMPLAINT_ACTIONS = (
    # TRANSLATORS: complaint ticket: buttons for the next step.
    N_("web.cmp.action.acknowledge"),
    # TRANSLATORS: complaint ticket: buttons for the next step.
    N_("web.cmp.action.close"),
    # TRANSLATORS: complaint ticket: buttons for the next step.
    N_("web.cmp.action.reopen"),
    # TRANSLATORS: complaint ticket: buttons for the next step.
    N_("web.cmp.action.resolve"),
    # TRANSLATORS: complaint ticket: buttons for the next step.
    N_("web.cmp.action.start"),
)
COMPLAINT_QUEUES = (
    # TRANSLATORS: complaint queues.
    N_("web.cmp.queue.g3"),
    # TRANSLATORS: complaint queues.
    N_("web.cmp.queue.general"),
)
COMPLAINT_SEVERITIES = (
    # TRANSLATORS: complaint severity.
    N_("web.cmp.severity.critical"),
    # TRANSLATORS: complaint severity.
    N_("web.cmp.severity.high"),
    # TRANSLATORS: complaint severity.
    N_("web.cmp.severity.low"),
    # TRANSLATORS: complaint severity.
    N_("web.cmp.severity.normal"),
)
COMPLAINT_STATUSES = (
    # TRANSLATORS: complaint status (TMF621 values).
    N_("web.cmp.status.acknowledged"),
    # TRANSLATORS: complaint status (TMF621 values).
    N_("web.cmp.status.closed"),
    # TRANSLATORS: complaint status (TMF621 values).
    N_("web.cmp.status.inProgress"),
    # TRANSLATORS: complaint status (TMF621 values).
    N_("web.cmp.status.new"),
    # TRANSLATORS: complaint status (TMF621 values).
    N_("web.cmp.status.resolved"),
)
FIREWALL_ACTIONS = (
    # TRANSLATORS: SMS firewall review: buttons.
    N_("web.fw.confirm"),
    # TRANSLATORS: SMS firewall review: buttons.
    N_("web.fw.lift"),
)
LEDGER_KINDS = (
    # TRANSLATORS: balance ledger: kind of entry.
    N_("web.kind_adjustment"),
    # TRANSLATORS: balance ledger: kind of entry.
    N_("web.kind_all"),
    # TRANSLATORS: balance ledger: kind of entry.
    N_("web.kind_charge"),
    # TRANSLATORS: balance ledger: kind of entry.
    N_("web.kind_recharge"),
    # TRANSLATORS: balance ledger: kind of entry.
    N_("web.kind_refund"),
)
GIFT_KINDS = (
    # TRANSLATORS: points mall: kind of gift.
    N_("web.points.kind.evoucher"),
    # TRANSLATORS: points mall: kind of gift.
    N_("web.points.kind.physical"),
    # TRANSLATORS: points mall: kind of gift.
    N_("web.points.kind.service"),
)
POINTS_KINDS = (
    # TRANSLATORS: points ledger: kind of entry.
    N_("web.points.kind_accrual"),
    # TRANSLATORS: points ledger: kind of entry.
    N_("web.points.kind_adjustment"),
    # TRANSLATORS: points ledger: kind of entry.
    N_("web.points.kind_expiry"),
    # TRANSLATORS: points ledger: kind of entry.
    N_("web.points.kind_redemption"),
    # TRANSLATORS: points ledger: kind of entry.
    N_("web.points.kind_reversal"),
)
QUALITY_LOOP_TABS = (N_("web.ql.rule"),)
QUALITY_DIMENSIONS = (
    # TRANSLATORS: quality indicator: breakdown dimension.
    N_("web.quality.dim.channel"),
    # TRANSLATORS: quality indicator: breakdown dimension.
    N_("web.quality.dim.product"),
    # TRANSLATORS: quality indicator: breakdown dimension.
    N_("web.quality.dim.sp"),
)
QUALITY_OUTCOMES = (
    # TRANSLATORS: quality indicator: outcome of a standard.
    N_("web.quality.pass"),
    # TRANSLATORS: quality indicator: outcome of a standard.
    N_("web.quality.fail"),
    # TRANSLATORS: quality indicator: outcome of a standard.
    N_("web.quality.no_data"),
    # TRANSLATORS: quality indicator: outcome of a standard.
    N_("web.quality.no_data_outcome"),
)
SERVICES = (
    # TRANSLATORS: usage allowance: service name.
    N_("web.service_data"),
    # TRANSLATORS: usage allowance: service name.
    N_("web.service_sms"),
    # TRANSLATORS: usage allowance: service name.
    N_("web.service_voice"),
)
USAGE_LINES = (
    # TRANSLATORS: usage allowance line; {used} {total} {left} are counts.
    N_("web.usage_sms"),
    # TRANSLATORS: usage allowance line; {used} {total} {left} are counts.
    N_("web.usage_voice"),
    # TRANSLATORS: usage allowance line; {used} {total} {left} are counts.
    N_("web.usage_mb"),
)
SP_STATES = (
    # TRANSLATORS: SP subscription state.
    N_("web.sp.state.active"),
    # TRANSLATORS: SP subscription state.
    N_("web.sp.state.pending"),
)
SP_STATUSES = (
    # TRANSLATORS: SP (content partner) status.
    N_("web.sp.status.active"),
    # TRANSLATORS: SP (content partner) status.
    N_("web.sp.status.suspended"),
    # TRANSLATORS: SP (content partner) status.
    N_("web.sp.status.terminated"),
)
SP_VIOLATIONS = (
    # TRANSLATORS: SP violation type.
    N_("web.sp.vtype.false_advertising"),
    # TRANSLATORS: SP violation type.
    N_("web.sp.vtype.illegal_content"),
    # TRANSLATORS: SP violation type.
    N_("web.sp.vtype.inspection_minor"),
    # TRANSLATORS: SP violation type.
    N_("web.sp.vtype.spam"),
    # TRANSLATORS: SP violation type.
    N_("web.sp.vtype.unconfirmed_charge"),
    # TRANSLATORS: SP violation type.
    N_("web.sp.vtype.unsub_obstruction"),
)
SPAM_RULE_KINDS = (
    # TRANSLATORS: spam box rule kind.
    N_("web.spam.kind.allow"),
    # TRANSLATORS: spam box rule kind.
    N_("web.spam.kind.keyword"),
    # TRANSLATORS: spam box rule kind.
    N_("web.spam.kind.number"),
    # TRANSLATORS: spam box rule kind.
    N_("web.spam.kind.prefix"),
)
SPAM_LEVELS = (
    # TRANSLATORS: spam filter sensitivity.
    N_("web.spam.level.normal"),
    # TRANSLATORS: spam filter sensitivity.
    N_("web.spam.level.off"),
    # TRANSLATORS: spam filter sensitivity.
    N_("web.spam.level.strict"),
)
SPAM_REASONS = (
    # TRANSLATORS: why an SMS was put in the spam box.
    N_("web.spam.reason.blocked_number"),
    # TRANSLATORS: why an SMS was put in the spam box.
    N_("web.spam.reason.blocked_prefix"),
    # TRANSLATORS: why an SMS was put in the spam box.
    N_("web.spam.reason.classifier"),
    # TRANSLATORS: why an SMS was put in the spam box.
    N_("web.spam.reason.keyword"),
    # TRANSLATORS: why an SMS was put in the spam box.
    N_("web.spam.reason.sender_flagged"),
)
CLUB_STAFF_ACTIONS = (
    # TRANSLATORS: customer club review: buttons.
    N_("web.staff.club.action.approve"),
    # TRANSLATORS: customer club review: buttons.
    N_("web.staff.club.action.feature"),
    # TRANSLATORS: customer club review: buttons.
    N_("web.staff.club.action.reject"),
    # TRANSLATORS: customer club review: buttons.
    N_("web.staff.club.action.unfeature"),
)
SENDER_ACTIONS = (
    # TRANSLATORS: anti-spam senders: buttons.
    N_("web.staff.dismiss"),
    # TRANSLATORS: anti-spam senders: buttons.
    N_("web.staff.flag"),
    # TRANSLATORS: anti-spam senders: buttons.
    N_("web.staff.unflag"),
)
SURVEY_SEND_OUTCOMES = (
    # TRANSLATORS: result of sending a survey by hand.
    N_("web.staff.surveys.outcome.duplicate"),
    # TRANSLATORS: result of sending a survey by hand.
    N_("web.staff.surveys.outcome.no_template"),
    # TRANSLATORS: result of sending a survey by hand.
    N_("web.staff.surveys.outcome.not_sampled"),
    # TRANSLATORS: result of sending a survey by hand.
    N_("web.staff.surveys.outcome.recent"),
    # TRANSLATORS: result of sending a survey by hand.
    N_("web.staff.surveys.outcome.surveyed"),
    # TRANSLATORS: result of sending a survey by hand.
    N_("web.staff.surveys.outcome.unknown"),
)
THREE_POINT_ANSWERS = (
    # TRANSLATORS: three-point survey answers (the value is the zh label).
    N_("web.survey.three.一般"),
    # TRANSLATORS: three-point survey answers (the value is the zh label).
    N_("web.survey.three.不满意"),
    # TRANSLATORS: three-point survey answers (the value is the zh label).
    N_("web.survey.three.满意"),
)
VAN_STATES = (
    # TRANSLATORS: G3 service van booking state.
    N_("web.van.state.booked"),
    # TRANSLATORS: G3 service van booking state.
    N_("web.van.state.cancelled"),
    # TRANSLATORS: G3 service van booking state.
    N_("web.van.state.closed"),
)
REPORT_TEXTS = (
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.actions"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.actions_closed"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.actions_open"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.change"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.due"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.escalated"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.evidence"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.fail"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.indicator"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.indicators"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.movers"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.national"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.no_data"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.no_data_note"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.none"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.owner"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.pass"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.previous"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.problems"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.rank"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.ranking"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.result"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.standard"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.standards"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.status"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.target"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.title"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.trend"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.page_of"),
    # TRANSLATORS: the monthly service-quality report (PDF and HTML).
    N_("report.value"),
)
CODES = (
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.sp_action.none"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.sp_action.suspend"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.sp_action.reinstate"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.sp_action.terminate"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.answer_kind.scale5"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.answer_kind.three"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.answer_kind.text"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.score_by.province"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.score_by.channel"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.score_by.shop"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.score_by.template,version"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.score_by.month"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.score_by.province,channel"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.score_by.province,month"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.account_kind.merchant"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.account_kind.sp"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.account_kind.staff"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.account_kind.subscriber"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.actor.system"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.any"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.cadence.daily"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.cadence.hourly"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.cadence.monthly"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.cadence.yearly"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.channel.api"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.channel.console"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.channel.hall"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.channel.sms"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.channel.web"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.flag_reason.behaviour"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.flag_reason.high_score"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.flag_reason.reporters"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.flag_reason.staff"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.flag_reason.system"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.fw_action.deliver"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.fw_action.quarantine"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.fw_action.stop"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.fw_reason.allowlist"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.fw_reason.blocked_number"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.fw_reason.blocked_prefix"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.fw_reason.classifier"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.fw_reason.clean"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.fw_reason.enterprise"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.fw_reason.keyword"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.fw_reason.sender_flagged"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.fw_reason.sender_restricted"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.launch_kind.product"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.launch_kind.sp_service"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.no"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.points_source.recharge"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.points_source.spend"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.post.admin"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.post.agent"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.sender_action.dismiss"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.sender_action.flag"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.sender_action.restrict_outbound"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.sender_action.sp_violation"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.sender_action.unflag"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.sender_kind.off_net"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.sender_kind.on_net"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.sender_kind.sp"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.sender_status.clear"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.sender_status.flagged"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.sender_status.restricted"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.survey_trigger.chat"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.survey_trigger.g3"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.survey_trigger.hotline"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.survey_trigger.online"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.survey_trigger.shop"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.survey_trigger.ticket"),
    # TRANSLATORS: a code shown on a page (value|code(family) in the templates).
    N_("code.yes"),
)
JOBS = (
    # TRANSLATORS: a periodic job's name (staff console, telcare jobs).
    N_("job.code_refunds"),
    # TRANSLATORS: a periodic job's name (staff console, telcare jobs).
    N_("job.discipline_detect"),
    # TRANSLATORS: a periodic job's name (staff console, telcare jobs).
    N_("job.fee_reminders"),
    # TRANSLATORS: a periodic job's name (staff console, telcare jobs).
    N_("job.points_accrual"),
    # TRANSLATORS: a periodic job's name (staff console, telcare jobs).
    N_("job.points_expiry"),
    # TRANSLATORS: a periodic job's name (staff console, telcare jobs).
    N_("job.quality_month"),
    # TRANSLATORS: a periodic job's name (staff console, telcare jobs).
    N_("job.renewals"),
    # TRANSLATORS: a periodic job's name (staff console, telcare jobs).
    N_("job.sla_escalation"),
    # TRANSLATORS: a periodic job's name (staff console, telcare jobs).
    N_("job.sp_month"),
    # TRANSLATORS: a periodic job's name (staff console, telcare jobs).
    N_("job.statements"),
    # TRANSLATORS: a periodic job's name (staff console, telcare jobs).
    N_("job.survey_expiry"),
)

FAMILIES: tuple[tuple[str, ...], ...] = (
    JOBS,
    CODES,
    ANTISPAM_OUTCOMES,
    CHAT_QUEUES,
    CHAT_STATES,
    LOYALTY_STATES,
    STARTUP_SECRET,
    SURVEY_ASKS,
    CLUB_CATEGORIES,
    CLUB_KINDS,
    CLUB_STATES,
    COMPLAINT_ACTIONS,
    COMPLAINT_QUEUES,
    COMPLAINT_SEVERITIES,
    COMPLAINT_STATUSES,
    FIREWALL_ACTIONS,
    LEDGER_KINDS,
    GIFT_KINDS,
    POINTS_KINDS,
    QUALITY_LOOP_TABS,
    QUALITY_DIMENSIONS,
    QUALITY_OUTCOMES,
    REPORT_TEXTS,
    SERVICES,
    USAGE_LINES,
    SP_STATES,
    SP_STATUSES,
    SP_VIOLATIONS,
    SPAM_RULE_KINDS,
    SPAM_LEVELS,
    SPAM_REASONS,
    CLUB_STAFF_ACTIONS,
    SENDER_ACTIONS,
    SURVEY_SEND_OUTCOMES,
    THREE_POINT_ANSWERS,
    VAN_STATES,
)
