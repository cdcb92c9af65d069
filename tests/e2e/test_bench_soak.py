"""`telcare bench soak` for a few seconds: every figure is there and nothing went wrong."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import pytest

from telcare.benchmarks import sms, soak
from tests.e2e.peer_smsc import node_or_skip


def test_a_benchmark_without_a_duration_refuses_minutes() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "telcare", "bench", "smpp", "--minutes", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2 and "takes no --minutes" in out.stdout, out


@pytest.mark.slow
def test_a_short_soak_reports_every_figure_without_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A benchmark's own check (37 s), so outside `make test`: TELCARE_TEST_SOAK=1 runs it."""
    url = os.environ.get("TELCARE_TEST_PG_URL")
    if os.environ.get("TELCARE_TEST_SOAK") != "1" or not url:
        pytest.skip("set TELCARE_TEST_SOAK=1 and TELCARE_TEST_PG_URL (a 15-second soak)")
    node_or_skip()
    monkeypatch.setattr(sms, "PG_URL", url)
    monkeypatch.setattr(soak, "INGEST_RECORDS", 2000)
    figures = soak.run(minutes=0.25)
    assert figures["errors"] == 0, figures
    assert figures["ledger_mismatches"] == 0, figures
    for kind in ("smpp", "api", "page", "ingest"):
        assert figures[f"{kind}_requests"] > 0, (kind, figures)
    for key in ("smpp_p99_ms", "api_p99_ms", "page_p99_ms", "ingest_records_per_s"):
        assert math.isfinite(figures[key]) and figures[key] > 0, (key, figures)
    assert math.isfinite(figures["rss_growth_pct"])
