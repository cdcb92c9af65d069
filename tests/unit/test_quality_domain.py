"""Quality rules: definitions, months, month-on-month change, ranking, the standards."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from telcare.domain import quality as q
from telcare.domain.months import month_of


def test_at_least_thirty_indicators_with_complete_definitions() -> None:
    assert len(q.INDICATORS) >= 30
    assert len(q.BY_CODE) == len(q.INDICATORS)
    for ind in q.INDICATORS:
        assert ind.name_zh and ind.name_en and ind.unit and ind.owner and ind.formula
        assert ind.version >= 1 and ind.inputs
    assert {s.indicator for s in q.STANDARDS} <= set(q.BY_CODE)
    assert len(q.STANDARDS) == 8


def test_values_by_kind() -> None:
    rate, share, count = q.BY_CODE["CMP_RATE"], q.BY_CODE["CMP_SLA"], q.BY_CODE["CMP_MAJOR"]
    assert rate.value(3, 20_000) == 1.5
    assert share.value(1, 4) == 25.0
    assert share.value(0, 0) is None  # nothing to divide by: no data
    assert count.value(2, None) == 2.0


def test_months_in_the_operator_time_zone() -> None:
    assert q.add_months("2024-12", 1) == "2025-01"
    assert q.previous_month("2024-01") == "2023-12"
    assert q.month_range("2024-02", 3) == ["2023-12", "2024-01", "2024-02"]
    assert q.month_start("2024-06") == datetime(2024, 5, 31, 16, tzinfo=UTC)
    assert month_of(datetime(2024, 5, 31, 17, tzinfo=UTC)) == "2024-06"
    with pytest.raises(ValueError):
        q.parse_month("2024-13")


def test_month_on_month_change_and_direction() -> None:
    assert q.mom_change(120.0, 100.0) == pytest.approx(20.0)
    assert q.mom_change(1.0, None) is None and q.mom_change(1.0, 0.0) is None
    rate = q.BY_CODE["CMP_RATE"]  # lower is better
    assert q.improved(rate, 4.0, 5.0) is True and q.improved(rate, 5.0, 4.0) is False
    assert rate.meets_target(5.0) is True and rate.meets_target(5.1) is False


def test_ranking_best_first_with_ties_and_no_data_left_out() -> None:
    sla = q.BY_CODE["CMP_SLA"]  # higher is better
    ranks = q.rank_provinces(sla, {"BJ": 90.0, "SH": 95.0, "GD": 90.0, "XZ": None})
    assert [(r.rank, r.province) for r in ranks] == [(1, "SH"), (2, "BJ"), (2, "GD")]
    rate = q.BY_CODE["CMP_RATE"]
    assert [r.province for r in q.rank_provinces(rate, {"BJ": 3.0, "SH": 1.0})] == ["SH", "BJ"]


def _fig(code: str, value: float | None, num: float = 0, den: float | None = None) -> q.Figure:
    return q.Figure(code, "BJ", "2024-06", num, den, value)


def test_standards_pass_fail_no_data_with_evidence() -> None:
    results = q.check_standards(
        [_fig("CMP_RESP24", 96.0, 96, 100), _fig("CMP_UNCONF", 1.0, 1), _fig("SAT_SCORE", None)]
    )
    by = {r.standard.code: r for r in results}
    assert by["S1"].outcome is q.Outcome.PASS
    assert by["S1"].evidence == {"indicator": "CMP_RESP24", "value": 96.0, "numerator": 96,
                                 "denominator": 100, "threshold": 95.0}  # fmt: skip
    assert by["S2"].outcome is q.Outcome.FAIL  # one charge without confirmation is one too many
    assert by["S8"].outcome is q.Outcome.NO_DATA and by["S4"].outcome is q.Outcome.NO_DATA


def test_national_figure_sums_parts() -> None:
    sla = q.BY_CODE["CMP_SLA"]
    figs = [q.Figure("CMP_SLA", "BJ", "2024-06", 1, 2, 50.0),
            q.Figure("CMP_SLA", "SH", "2024-06", 9, 10, 90.0)]  # fmt: skip
    nat = q.combine(sla, figs, "HQ")
    assert nat is not None and nat.value == pytest.approx(10 / 12 * 100)  # not the mean 70


def test_a_tariff_price_under_launch_test_is_not_in_force() -> None:
    from datetime import date
    from decimal import Decimal

    from telcare.domain import launch
    from telcare.domain.catalog import Service, TariffPrice, price_at

    old = TariffPrice("DATA_STD", Service.DATA, "KB", Decimal(1), date(2009, 10, 1),
                      date(2027, 1, 1))  # fmt: skip
    new = TariffPrice("DATA_STD", Service.DATA, "KB", Decimal("0.8"), date(2027, 1, 1))
    gated = launch.launched_prices([new, old], {"DATA_STD@2009-10-01"}.__contains__)
    assert price_at(gated, "DATA_STD", date(2027, 3, 1)).fen_per_unit == 1  # old carries on
    both = {"DATA_STD@2009-10-01", "DATA_STD@2027-01-01"}
    launched = launch.launched_prices([new, old], both.__contains__)
    assert price_at(launched, "DATA_STD", date(2027, 3, 1)).fen_per_unit == Decimal("0.8")
    assert price_at(launched, "DATA_STD", date(2026, 3, 1)).fen_per_unit == 1
    assert launch.missing({"sms_order": {"ok": True}}, launch.Kind.PRODUCT)[0] == "sms_order"
