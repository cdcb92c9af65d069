"""TMF630 list queries, shared by every TMF router: attribute filters, ``fields=``, paging.

``GET …/bucket?status=active&remainingValue.amount.gte=10&fields=id,status&offset=0&limit=5``:

* every query parameter that is not one of :data:`RESERVED` nor declared by the route
  (``msisdn``, ``month``…) filters on the attribute it
  names (dotted for nested attributes, through arrays); ``a=x,y`` is ``x`` or ``y``; the
  operators ``a.gt=``, ``a.gte=``, ``a.lt=``, ``a.lte=`` (also ``eq``/``ne``) compare
  numbers as numbers, date-times as instants and anything else as text;
* ``fields=`` returns only the attributes asked for (TMF630 attribute selection);
* ``offset``/``limit`` page the filtered list; ``X-Total-Count`` counts every match,
  ``X-Result-Count`` this page.

Without filters a page is read from the store as it is; with filters the caller's
scope is scanned in batches (at most :data:`SCAN_MAX` resources) and filtered here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel

from telcare.channels.api.tmf.common import Fields, Pages, dump, select_fields
from telcare.services.api_queries import Page

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
RESERVED = frozenset({"fields", "offset", "limit", "sort", "depth", "expand"})
OPERATORS = frozenset({"eq", "ne", "gt", "gte", "lt", "lte"})
SCAN_BATCH = 200
SCAN_MAX = 20_000


class Paged(Protocol[T_co]):
    """A page a store read gives: some items and how many there are in all."""

    @property
    def items(self) -> Sequence[T_co]: ...

    @property
    def total(self) -> int: ...


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _instant(text: str) -> datetime | None:
    if len(text) < 10 or text[4:5] != "-":
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _compare(actual: Any, wanted: str) -> int | None:
    """-1, 0 or 1 as ``actual`` is below, equal to or above ``wanted`` (None: not comparable)."""
    if isinstance(actual, dict | list) or actual is None:
        return None
    a, w = _text(actual), wanted
    pairs: tuple[tuple[Any, Any], ...] = (
        (_number(a) if not isinstance(actual, bool) else None, _number(w)),
        (_instant(a), _instant(w)),
    )
    for left, right in pairs:
        if left is not None and right is not None:
            return int(left > right) - int(left < right)
    return (a > w) - (a < w)


_TESTS: dict[str, Callable[[int], bool]] = {
    "eq": lambda c: c == 0,
    "ne": lambda c: c != 0,
    "gt": lambda c: c > 0,
    "gte": lambda c: c >= 0,
    "lt": lambda c: c < 0,
    "lte": lambda c: c <= 0,
}


def _values(doc: Any, path: tuple[str, ...]) -> Iterator[Any]:
    """The values at ``path`` in ``doc``, through arrays."""
    if isinstance(doc, list):
        for item in doc:
            yield from _values(item, path)
    elif not path:
        yield doc
    elif isinstance(doc, dict) and path[0] in doc:
        yield from _values(doc[path[0]], path[1:])


@dataclass(frozen=True, slots=True)
class Filter:
    """One attribute condition: ``path`` ``op`` any of ``values``."""

    path: tuple[str, ...]
    op: str
    values: tuple[str, ...]

    def matches(self, doc: dict[str, Any]) -> bool:
        test = _TESTS[self.op]
        found = list(_values(doc, self.path))
        if self.op == "ne":
            return all((c := _compare(v, w)) is None or test(c) for v in found for w in self.values)
        return any(
            (c := _compare(v, w)) is not None and test(c) for v in found for w in self.values
        )


def parse_filters(params: Iterable[tuple[str, str]]) -> tuple[Filter, ...]:
    """The attribute filters among query parameters (all but :data:`RESERVED`)."""
    found = []
    for name, value in params:
        if name in RESERVED or not name:
            continue
        attribute, _, op = name.rpartition(".")
        if not attribute or op not in OPERATORS:
            attribute, op = name, "eq"
        values = tuple(value.split(",")) if op in ("eq", "ne") else (value,)
        found.append(Filter(tuple(attribute.split(".")), op, values))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class ListQuery:
    """A TMF list request: paging, attribute selection and filters."""

    offset: int
    limit: int
    fields: str | None
    filters: tuple[Filter, ...]

    def keeps(self, doc: dict[str, Any]) -> bool:
        return all(f.matches(doc) for f in self.filters)


def _declared(dependant: Dependant) -> Iterator[str]:
    """The query parameters a route declares (``msisdn``, ``month``…): not filters."""
    for param in dependant.query_params:
        yield param.alias
    for sub in dependant.dependencies:
        yield from _declared(sub)


def list_query(request: Request, page: Pages, fields: Fields = None) -> ListQuery:
    route = request.scope.get("route")
    declared = set(_declared(route.dependant)) if isinstance(route, APIRoute) else set()
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in declared]
    return ListQuery(page.offset, page.limit, fields, parse_filters(params))


Query = Annotated[ListQuery, Depends(list_query)]


def page_response(docs: list[dict[str, Any]], total: int, fields: str | None) -> JSONResponse:
    """A page of resources with ``X-Total-Count`` and ``X-Result-Count``."""
    body = [select_fields(d, fields) for d in docs]
    headers = {"X-Total-Count": str(total), "X-Result-Count": str(len(body))}
    return JSONResponse(body, headers=headers)


def listing(
    q: ListQuery,
    fetch: Callable[[int, int], Paged[T]],
    render: Callable[[T], BaseModel],
) -> JSONResponse:
    """The page ``q`` asks for of what ``fetch(offset, limit)`` reads, rendered."""
    if not q.filters:
        found = fetch(q.offset, q.limit)
        return page_response([dump(render(x)) for x in found.items], found.total, q.fields)
    window: list[dict[str, Any]] = []
    total = scanned = 0
    while scanned < SCAN_MAX:
        batch = fetch(scanned, SCAN_BATCH)
        for item in batch.items:
            doc = dump(render(item))
            if q.keeps(doc):
                if q.offset <= total < q.offset + q.limit:
                    window.append(doc)
                total += 1
        scanned += len(batch.items)
        if len(batch.items) < SCAN_BATCH or scanned >= batch.total:
            break
    return page_response(window, total, q.fields)


def all_of(items: list[T]) -> Callable[[int, int], Page[T]]:
    """A fetch over a list already in memory."""
    return lambda offset, limit: Page(items[offset : offset + limit], len(items))
