"""Prometheus metrics: every counter, gauge and histogram of Telcare, in one place.

A leaf module (it imports only ``prometheus_client``), so services, the bus and the
channels count at the point where a thing happens. Names follow the Prometheus
conventions (``telcare_…_total`` for counters, base units). The web node serves them at
``/metrics`` (see :mod:`telcare.channels.api.metrics`), the other processes on their
``--health-port`` (:mod:`telcare.ops.health`). With ``serve --workers N`` set
``PROMETHEUS_MULTIPROC_DIR`` to an empty folder so that the workers' figures are summed.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

# --- HTTP (web node) -----------------------------------------------------------------
HTTP_LATENCY = Histogram(
    "telcare_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template (not the raw path).",
    ["method", "route", "status"],
)

# --- SMS ---------------------------------------------------------------------------
SMS_MO = Counter("telcare_sms_mo_total", "Mobile-originated SMS handled, by command.", ["command"])
SMS_MT = Counter(
    "telcare_sms_mt_total", "Mobile-terminated SMS parts produced, by command.", ["command"]
)
SMS_LATENCY = Histogram(
    "telcare_sms_handle_seconds",
    "Time from an MO received to its replies, by command.",
    ["command"],
)
SMS_FIREWALL = Counter(
    "telcare_sms_firewall_decisions_total",
    "Decisions of the SMS firewall (deliver, quarantine, stop) by rule: service MTs and"
    " person-to-person SMS.",
    ["decision", "rule"],
)

# --- SMPP gateway ------------------------------------------------------------------
SMPP_BOUND = Gauge(
    "telcare_smpp_bound",
    "1 while the SMPP transceiver session is bound.",
    multiprocess_mode="livemax",
)
SMPP_BINDS = Counter("telcare_smpp_binds_total", "Successful SMPP binds (reconnections + 1).")
SMPP_ERRORS = Counter(
    "telcare_smpp_errors_total",
    "SMPP responses with a non-zero command_status, by command and status (hex).",
    ["command", "command_status"],
)

# --- outboxes and the bus ------------------------------------------------------------
# Set at each scrape from the database: with several workers, the latest scrape's figure.
OUTBOX_BACKLOG = Gauge(
    "telcare_outbox_backlog",
    "Rows waiting in an outbox, by outbox (events, sms).",
    ["outbox"],
    multiprocess_mode="livemostrecent",
)
OUTBOX_OLDEST_AGE = Gauge(
    "telcare_outbox_oldest_age_seconds",
    "Age of the oldest waiting row, by outbox.",
    ["outbox"],
    multiprocess_mode="livemostrecent",
)
BUS_PUBLISHED = Counter("telcare_bus_published_total", "Outbox events published on the bus.")
BUS_PUBLISH_LAG = Histogram(
    "telcare_bus_publish_lag_seconds",
    "From an event written to the outbox to the bus holding it.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600),
)
BUS_APPLIED = Counter(
    "telcare_bus_applied_total", "Events from other nodes applied, by consumer.", ["consumer"]
)
BUS_CONSUME_LAG = Histogram(
    "telcare_bus_consume_lag_seconds",
    "From an event written at its node to it being applied here, by consumer.",
    ["consumer"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600),
)

# --- business figures -----------------------------------------------------------------
USAGE_RECORDS = Counter(
    "telcare_usage_records_total",
    "Usage records ingested, by outcome (rated, rejected, duplicate).",
    ["outcome"],
)
SLA_ESCALATIONS = Counter(
    "telcare_sla_escalations_total",
    "Tickets escalated for a breached SLA, by level reached (1 province, 2 HQ).",
    ["level"],
)
LOGIN_FAILURES = Counter(
    "telcare_login_failures_total", "Failed password logins, by account kind.", ["kind"]
)
LOCKOUTS = Counter(
    "telcare_login_lockouts_total",
    "Accounts locked or client addresses blocked after repeated failures.",
    ["kind", "by"],
)
