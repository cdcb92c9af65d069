"""Structured logs and traces follow one SMS from MO to MT and one web request to its SQL.

Run in a child process: tracing installs a global tracer provider, and the log set-up
replaces the root handlers, which must not leak into the rest of the suite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from telcare.store.uow import Database

CHILD = """
import sys
from fastapi.testclient import TestClient
from opentelemetry import trace
from telcare.channels import process
from telcare.channels.api.app import create_app
from telcare.store.uow import Database

process.configure_logs("DEBUG")
app = create_app(Database(sys.argv[1]), demo=True)
client = TestClient(app)
mo = {"sender": "13800138000", "recipient": "10086", "text": "CXYE"}
r = client.post("/sms/mo", json=mo, headers={"X-Request-ID": "req-42"})
assert r.status_code == 200 and r.headers["x-request-id"] == "req-42", r.text
from telcare.ops import tracing
with tracing.span("bus.publish"):  # what the relay does: the NATS headers carry the trace
    headers = tracing.inject({"Nats-Msg-Id": "e-1"})
assert headers["traceparent"].startswith("00-"), headers
with tracing.span("bus.apply", headers):  # what a consumer at HQ does
    pass
trace.get_tracer_provider().force_flush()
"""


def test_one_id_follows_an_sms_and_one_trace_a_request_to_its_sql(sqlite_db: Database) -> None:
    env = {
        **os.environ,
        "TELCARE_OTEL_ENABLED": "1",
        "TELCARE_OTEL_EXPORTER": "console",
        "TELCARE_LOG_FORMAT": "json",
    }
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(sqlite_db.engine.url)],
        env=env,
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    lines = [json.loads(x) for x in run.stderr.splitlines() if x.startswith("{")]
    mo = next(x for x in lines if x["event"] == "sms.mo")
    assert mo["request_id"] == "req-42" and mo["command"] == "QueryBalance"
    sql = [x for x in lines if x.get("logger") == "sqlalchemy.engine.Engine"]
    assert sql and all(x["request_id"] == "req-42" for x in sql)  # the request's SQL
    assert all(x["message_id"] == mo["message_id"] for x in sql if "message_id" in x)
    request = next(x for x in lines if x["event"] == "http.request")
    assert request["route"] == "/sms/mo" and request["status"] == 200

    spans = _spans(run.stdout)
    by_name = {s["name"]: s for s in spans}
    bus = [by_name.pop("bus.publish"), by_name.pop("bus.apply")]
    assert bus[1]["parent_id"] == bus[0]["context"]["span_id"]  # continued over the headers
    trace_ids = {s["context"]["trace_id"] for s in spans if s not in bus}
    assert len(trace_ids) == 1  # HTTP, the SMS and every SQL statement: one trace
    assert "sms.mo" in by_name and "POST /sms/mo" in by_name
    assert any(s["attributes"].get("db.system") == "sqlite" for s in spans)


def _spans(text: str) -> list[dict]:
    """The JSON objects the console exporter printed, one after another."""
    decoder, spans, i = json.JSONDecoder(), [], 0
    while (i := text.find("{", i)) != -1:
        obj, i = decoder.raw_decode(text, i)
        spans.append(obj)
    return spans
