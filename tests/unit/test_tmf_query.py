"""TMF630 list queries: attribute filters (equality, lists, gt/gte/lt/lte on numbers and
date-times, nested attributes) and attribute selection."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from telcare.channels.api.tmf.common import select_fields
from telcare.channels.api.tmf.query import Filter, parse_filters

DOC = {
    "id": "12",
    "status": "active",
    "isShared": False,
    "amount": {"amount": 50.0, "units": "CNY"},
    "lastUpdate": "2026-12-04T10:00:00Z",
    "relatedParty": [{"id": "13800138000"}, {"id": "13900139000"}],
}


def keeps(query: str) -> bool:
    pairs = [tuple(p.split("=", 1)) for p in query.split("&")]
    return all(f.matches(DOC) for f in parse_filters(pairs))  # type: ignore[arg-type]


def test_equality_and_lists() -> None:
    assert keeps("status=active") and not keeps("status=suspended")
    assert keeps("status=suspended,active")  # either value
    assert keeps("id=12") and keeps("id=12.0")  # numbers compare as numbers
    assert keeps("isShared=false") and not keeps("isShared=true")
    assert not keeps("nosuch=x")  # an attribute the resource lacks matches nothing


def test_nested_attributes_through_arrays() -> None:
    assert keeps("amount.units=CNY") and keeps("relatedParty.id=13900139000")
    assert not keeps("relatedParty.id=13700137000")


def test_operators_on_amounts_and_dates() -> None:
    assert keeps("amount.amount.gt=49.99") and keeps("amount.amount.gte=50")
    assert not keeps("amount.amount.lt=50") and keeps("amount.amount.lte=50")
    assert keeps("lastUpdate.gte=2026-12-04T18:00:00+08:00")  # the same instant
    assert not keeps("lastUpdate.gt=2026-12-04T10:00:00Z")
    assert keeps("lastUpdate.lt=2026-12-05T00:00:00Z")
    assert keeps("lastUpdate=2026-12-04T10:00:00+00:00")
    assert keeps("status.ne=closed") and not keeps("status.ne=active")


def test_reserved_parameters_are_not_filters() -> None:
    found = parse_filters([("fields", "id"), ("offset", "0"), ("limit", "5"), ("sort", "id")])
    assert found == ()
    assert parse_filters([("a.b.gte", "1")]) == (Filter(("a", "b"), "gte", ("1",)),)
    assert parse_filters([("a.unknownop", "1")]) == (Filter(("a", "unknownop"), "eq", ("1",)),)


def test_fields_returns_only_what_was_asked() -> None:
    assert select_fields(DOC, "status") == {"status": "active"}
    assert select_fields(DOC, "status, id") == {"status": "active", "id": "12"}
    assert select_fields(DOC, None) == DOC


@given(st.integers(-(10**6), 10**6), st.integers(-(10**6), 10**6))
def test_number_operators_agree_with_python(value: int, bound: int) -> None:
    doc = {"n": value}
    for op, expected in (
        ("gt", value > bound),
        ("gte", value >= bound),
        ("lt", value < bound),
        ("lte", value <= bound),
        ("eq", value == bound),
    ):
        assert Filter(("n",), op, (str(bound),)).matches(doc) is expected


@given(st.text(max_size=30), st.text(max_size=30))
def test_any_text_filters_without_error(attribute: str, value: str) -> None:
    for f in parse_filters([(attribute, value)]):
        assert isinstance(f.matches(DOC), bool)
