"""Indicator computation at scale (``telcare bench quality``).

Grows a throwaway PostgreSQL schema (``TELCARE_BENCH_PG_URL``, default the local
``test`` database) to ``records`` subscribers and 5 × ``records`` events — tickets,
spam reports, quarantined messages, ledger entries, usage days, surveys — with
set-based ``INSERT … SELECT generate_series``, then times :func:`compute` of every
indicator for 31 provinces × 24 months. Only the computation is timed.
"""

from __future__ import annotations

import time
import uuid
from urllib.parse import quote

from sqlalchemy import create_engine, text

from telcare.config import Settings
from telcare.domain.provinces import PROVINCES
from telcare.domain.quality import month_range
from telcare.services.quality import compute
from telcare.store.migrate import upgrade
from telcare.store.uow import Database

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
LAST_MONTH = "2025-12"
START = "2024-01-01 00:00:00+00"
SPAN_DAYS = 730  # 24 months

_PROV = "(ARRAY[" + ",".join(f"'{p.code}'" for p in PROVINCES) + "])"
_TS = f"(timestamptz '{START}' + (random() * {SPAN_DAYS}) * interval '1 day')"


def _fill(conn: object, n: int) -> int:
    """Insert the workload; returns the number of events."""
    shares = {"ticket": 0.5, "spam_report": 1.0, "spam_message": 0.5, "ledger_entry": 1.5,
              "usage_day": 1.0, "survey": 0.5}  # fmt: skip
    k = {name: int(n * share) for name, share in shares.items()}
    statements = [
        f"""INSERT INTO province (code, name_zh, name_en) VALUES
            {",".join(f"('{p.code}', '{p.name_zh}', '{p.name_en}')" for p in PROVINCES)}""",
        f"""INSERT INTO customer (id, name, province_code, created_at)
            SELECT g, 'c' || g, {_PROV}[1 + g % 31], timestamptz '2023-01-01'
            FROM generate_series(1, {n}) g""",
        f"""INSERT INTO subscriber (id, msisdn, customer_id, brand, province_code, status,
                language, data_reminder, created_at)
            SELECT g, '13' || lpad(g::text, 9, '0'), g, 'SZX', {_PROV}[1 + g % 31],
                CASE WHEN g % 50 = 0 THEN 'closed' ELSE 'active' END, 'zh',
                CASE g % 3 WHEN 0 THEN NULL WHEN 1 THEN true ELSE false END,
                timestamptz '2023-01-01' + (g % 1000) * interval '1 day'
            FROM generate_series(1, {n}) g""",
        f"""INSERT INTO account (id, subscriber_id, balance_fen, points, barring_pending)
            SELECT g, g, 0, 0, false FROM generate_series(1, {n}) g""",
        f"""INSERT INTO ticket (id, province, msisdn, category, taxonomy_version, channel,
                severity, queue, status, summary, description, major, escalation, respond_by,
                resolve_by, responded_at, resolved_at, reopened, filed_by, created_at,
                updated_at, seq)
            SELECT 'B' || g, {_PROV}[1 + g % 31], '13' || lpad((1 + g % {n})::text, 9, '0'),
                (ARRAY['NET.COV.INDOOR','BIL.DISPUTE.DATA','VAS.UNCONFIRMED.SP',
                       'SVC.HALL.ATTITUDE'])[1 + g % 4], 1,
                (ARRAY['sms','hall','api','console'])[1 + g % 4], 'normal', 'general',
                'resolved', 't', '', g % 97 = 0, g % 7, t + interval '1 day',
                t + interval '3 days', t + random() * interval '36 hours',
                CASE WHEN g % 5 = 0 THEN NULL ELSE t + random() * interval '5 days' END,
                g % 11, 'bench', t, t, 1
            FROM (SELECT g, {_TS} AS t FROM generate_series(1, {k["ticket"]}) g) s""",
        f"""INSERT INTO spam_report (reporter, sender, text, text_hash, channel, status,
                created_at, handled_at)
            SELECT '13' || lpad((1 + g % {n})::text, 9, '0'), '1069' || (g % 1000), 'x',
                md5(g::text), (ARRAY['sms','web','api'])[1 + g % 3],
                CASE WHEN g % 4 = 0 THEN 'open' ELSE 'handled' END, t,
                CASE WHEN g % 4 = 0 THEN NULL ELSE t + random() * interval '72 hours' END
            FROM (SELECT g, {_TS} AS t FROM generate_series(1, {k["spam_report"]}) g) s""",
        f"""INSERT INTO spam_message (message_id, sender, recipient, text, text_hash, action,
                reason, detail, created_at)
            SELECT 'b' || g, '1069' || (g % 1000), '13' || lpad((1 + g % {n})::text, 9, '0'),
                'x', 'h', CASE WHEN g % 3 = 0 THEN 'quarantine' ELSE 'deliver' END, 'model',
                '', {_TS}
            FROM generate_series(1, {k["spam_message"]}) g""",
        f"""INSERT INTO ledger_entry (account_id, kind, amount_fen, balance_after_fen, reason,
                reference, created_at)
            SELECT 1 + g % {n}, (ARRAY['recharge','charge','refund'])[1 + g % 3],
                CASE WHEN g % 3 = 1 THEN -100 ELSE 100 END, 0, 'bench',
                CASE WHEN g % 6 = 0 THEN 'card:' || g END, {_TS}
            FROM generate_series(1, {k["ledger_entry"]}) g""",
        f"""INSERT INTO usage_day (subscriber_id, day, data_kb, voice_min, sms, data_ufen,
                voice_ufen, sms_ufen, charged_fen)
            SELECT 1 + g % {n}, date '2024-01-01' + g % {SPAN_DAYS},
                1 + g % 500, 0, 0, CASE WHEN g % 4 = 0 THEN 100 ELSE 0 END, 0, 0, 0
            FROM generate_series(1, {k["usage_day"]}) g""",
        f"""INSERT INTO survey (msisdn, province, trigger, via, template_code,
                template_version, status, created_at, sent_at, expires_at, answered_at, score,
                comment)
            SELECT '13' || lpad((1 + g % {n})::text, 9, '0'), {_PROV}[1 + g % 31],
                (ARRAY['shop','hotline','ticket'])[1 + g % 3], 'sms', 'SAT', 1,
                CASE WHEN g % 3 = 0 THEN 'expired' ELSE 'answered' END, t, t,
                t + interval '7 days', CASE WHEN g % 3 = 0 THEN NULL ELSE t END,
                CASE WHEN g % 3 = 0 THEN NULL ELSE 1 + g % 5 END, ''
            FROM (SELECT g, {_TS} AS t FROM generate_series(1, {k["survey"]}) g) s""",
    ]
    for sql in statements:
        conn.execute(text(sql))  # type: ignore[attr-defined]
    conn.execute(text("ANALYZE"))  # type: ignore[attr-defined]
    return sum(k.values())


def run(records: int = 1_000_000) -> dict[str, float]:
    """Grow the schema, then time every indicator for 31 provinces × 24 months."""
    base = Settings().bench_pg_url
    schema = f"bench_q_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")  # fmt: skip
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    db = Database(url)
    try:
        upgrade(url, db.engine)
        t0 = time.perf_counter()
        with db.engine.begin() as conn:
            events = _fill(conn, records)
        load = time.perf_counter() - t0
        months = month_range(LAST_MONTH, 24)
        t1 = time.perf_counter()
        result = compute(db, months)
        seconds = time.perf_counter() - t1
        return {
            "seconds": round(seconds, 3),
            "subscribers": float(records),
            "events": float(events),
            "load_seconds": round(load, 3),
            "figures": float(len(result.figures)),
        }
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
