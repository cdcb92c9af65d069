"""Delivering a physical gift: order states, the nearest warehouse in stock, the address."""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass

from telcare.domain.errors import Conflict, InvalidInput
from telcare.domain.messages import N_


class OrderState(enum.StrEnum):
    PLACED = "placed"
    PICKED = "picked"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    RETURNED = "returned"
    CANCELLED = "cancelled"


_NEXT: dict[OrderState, frozenset[OrderState]] = {
    OrderState.PLACED: frozenset({OrderState.PICKED, OrderState.CANCELLED}),
    OrderState.PICKED: frozenset({OrderState.SHIPPED, OrderState.CANCELLED}),
    OrderState.SHIPPED: frozenset({OrderState.DELIVERED, OrderState.RETURNED}),
    OrderState.DELIVERED: frozenset({OrderState.RETURNED}),
    OrderState.RETURNED: frozenset(),
    OrderState.CANCELLED: frozenset(),
}
REFUNDING = frozenset({OrderState.CANCELLED, OrderState.RETURNED})
"""States that give the points back (and put the gift back in stock)."""
SUBSCRIBER_CANCELLABLE = frozenset({OrderState.PLACED})
"""A subscriber may cancel only before the warehouse picks the gift; staff until shipped."""


def next_states(state: OrderState) -> frozenset[OrderState]:
    return _NEXT[state]


def transition(state: OrderState, target: OrderState, *, refunded: bool) -> bool:
    """Check a move and say whether it refunds points: True exactly once per order."""
    if target not in _NEXT[state]:
        raise Conflict(N_("loyalty.order_bad_step"), state=state.value, target=target.value)
    if target in REFUNDING:
        if refunded:
            raise Conflict(N_("loyalty.order_refunded"))
        return True
    return False


# --- warehouses -------------------------------------------------------------------------------

CAPITALS: dict[str, tuple[float, float]] = {
    "BJ": (39.90, 116.40),
    "TJ": (39.13, 117.20),
    "HE": (38.04, 114.51),
    "SX": (37.87, 112.55),
    "NM": (40.84, 111.75),
    "LN": (41.80, 123.43),
    "JL": (43.82, 125.32),
    "HL": (45.80, 126.53),
    "SH": (31.23, 121.47),
    "JS": (32.06, 118.80),
    "ZJ": (30.27, 120.15),
    "AH": (31.82, 117.23),
    "FJ": (26.07, 119.30),
    "JX": (28.68, 115.86),
    "SD": (36.65, 117.12),
    "HA": (34.75, 113.62),
    "HB": (30.59, 114.31),
    "HN": (28.23, 112.94),
    "GD": (23.13, 113.26),
    "GX": (22.82, 108.37),
    "HI": (20.04, 110.20),
    "CQ": (29.56, 106.55),
    "SC": (30.57, 104.07),
    "GZ": (26.65, 106.63),
    "YN": (25.04, 102.71),
    "XZ": (29.65, 91.13),
    "SN": (34.34, 108.94),
    "GS": (36.06, 103.83),
    "QH": (36.62, 101.78),
    "NX": (38.49, 106.23),
    "XJ": (43.83, 87.62),
}
"""Latitude and longitude of each provincial capital: the warehouse's location."""


def distance_km(a: str, b: str) -> float:
    """Great-circle distance between two provinces' capitals (0 for the same one)."""
    if a == b:
        return 0.0
    (lat1, lon1), (lat2, lon2) = CAPITALS[a], CAPITALS[b]
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def warehouses_by_distance(destination: str, stock: Mapping[str, int]) -> list[str]:
    """Provinces holding stock, the destination first, then nearest first (code breaks ties)."""
    return sorted(
        (p for p, q in stock.items() if q > 0 and p in CAPITALS),
        key=lambda p: (distance_km(destination, p), p),
    )


def choose_warehouse(destination: str, stock: Mapping[str, int]) -> str | None:
    """The warehouse a parcel for ``destination`` is picked from, or None (out of stock)."""
    ordered = warehouses_by_distance(destination, stock)
    return ordered[0] if ordered else None


# --- addresses --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Address:
    recipient: str
    phone: str
    province: str
    city: str
    street: str

    def one_line(self) -> str:
        return f"{self.city} {self.street} ({self.recipient} {self.phone})"


def check_address(a: Address) -> Address:
    """Trimmed and validated; raise :class:`InvalidInput` for a missing or bad part."""
    cleaned = Address(
        a.recipient.strip()[:40],
        a.phone.strip()[:20],
        a.province.strip().upper(),
        a.city.strip()[:40],
        a.street.strip()[:200],
    )
    if cleaned.province not in CAPITALS:
        raise InvalidInput(N_("loyalty.address_province"), value=a.province[:10])
    if not (cleaned.recipient and cleaned.city and cleaned.street):
        raise InvalidInput(N_("loyalty.address_missing"))
    if not (cleaned.phone.isascii() and cleaned.phone.isdigit() and len(cleaned.phone) >= 7):
        raise InvalidInput(N_("loyalty.address_phone"))
    return cleaned
