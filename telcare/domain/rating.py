"""Usage rating: allowances first, then the standard tariff in force; exact money.

Rules (the service layer and ``docs/charging.md`` rely on them):

* Units: data in KB, voice in started minutes (``ceil(seconds / 60)``), SMS in
  messages. A zero-length record rates to nothing.
* Allowances are *buckets*: one per subscription, service and allowance period,
  in force over ``[start, end)`` with some units left. A record draws from the
  buckets of its subscriber and service in force at ``started_at``, in
  consumption order: **earliest end first** (cheapest-to-expire), then the
  caller's ``tiebreak`` (the subscription id), then the bucket's position.
  Records are consumed in ``started_at`` order, ties by their position.
* Whatever the buckets do not cover is charged at the standard tariff of its
  service in force at ``started_at`` (dated price history; a new price applies
  from 00:00 Asia/Shanghai of its effective date).
* Roaming: packages are domestic home-network allowances, so a roaming record
  never draws from them; it is charged in full at the standard tariff.
* Voice is rated here at the standard voice tariff (the long-distance single
  rate); the ingest then prices each call by where it goes
  (:mod:`telcare.domain.call_zones`, ``services/charging/zones.py``) when that
  can be told from its ``peer``.
* Money: unit prices are exact integers in micro-fen (1 fen = 1,000,000 µfen), so
  nothing is a float. Charges accumulate per subscriber per Asia/Shanghai day
  in µfen and are rounded **once**, half up, to fen (:func:`ufen_to_fen`).

:func:`rate` is the vectorised engine (NumPy, one pass per allowance interval
rank, never per record); :func:`rate_baseline` is the same rules as a plain
per-record loop, the benchmark baseline and the test oracle.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
from numpy.typing import NDArray

from telcare.domain.catalog import (
    DATA_TARIFF,
    SMS_TARIFF,
    VOICE_TARIFF,
    Service,
    TariffPrice,
)

I64 = NDArray[np.int64]
I8 = NDArray[np.int8]
Bools = NDArray[np.bool_]

DATA, VOICE, SMS = 0, 1, 2
SERVICE_CODE: dict[Service, int] = {Service.DATA: DATA, Service.VOICE: VOICE, Service.SMS: SMS}
SERVICE_OF_CODE: dict[int, Service] = {v: k for k, v in SERVICE_CODE.items()}
STANDARD_TARIFF: dict[Service, str] = {
    Service.DATA: DATA_TARIFF,
    Service.VOICE: VOICE_TARIFF,
    Service.SMS: SMS_TARIFF,
}
UFEN_PER_FEN = 1_000_000
LOCAL_OFFSET_S = 8 * 3600  # Asia/Shanghai, no daylight saving since 1991
DAY_S = 86_400
NO_END = np.iinfo(np.int64).max


def local_midnight(day: date) -> int:
    """Epoch seconds of 00:00 Asia/Shanghai on ``day``."""
    return (day - date(1970, 1, 1)).days * DAY_S - LOCAL_OFFSET_S


def local_day(epoch_s: I64) -> I64:
    """Asia/Shanghai day number (days since 1970-01-01) of each epoch second."""
    return (epoch_s + LOCAL_OFFSET_S) // DAY_S


def to_ufen(fen_per_unit: Decimal) -> int:
    """An exact unit price in µfen; a price finer than 1 µfen is refused."""
    ufen = fen_per_unit * UFEN_PER_FEN
    if ufen != ufen.to_integral_value() or ufen < 0:
        raise ValueError(f"unit price {fen_per_unit} fen is not a whole number of micro-fen")
    return int(ufen)


def ufen_to_fen(ufen: int) -> int:
    """Round a non-negative µfen amount once, half up, to fen (500,000 µfen -> 1 fen)."""
    return (ufen + UFEN_PER_FEN // 2) // UFEN_PER_FEN


@dataclass(frozen=True, slots=True)
class PriceTable:
    """Standard unit prices per service code, sorted by start (epoch seconds)."""

    service: I8
    start: I64
    end: I64  # exclusive; NO_END when open
    ufen: I64

    @classmethod
    def from_tariffs(
        cls, prices: Iterable[TariffPrice], codes: dict[Service, str] | None = None
    ) -> PriceTable:
        codes = codes or STANDARD_TARIFF
        rows = sorted(
            (
                SERVICE_CODE[p.service],
                local_midnight(p.valid_from),
                NO_END if p.valid_to is None else local_midnight(p.valid_to),
                to_ufen(p.fen_per_unit),
            )
            for p in prices
            if codes.get(p.service) == p.code
        )
        cols = list(zip(*rows, strict=True)) if rows else [(), (), (), ()]
        return cls(
            np.array(cols[0], dtype=np.int8),
            np.array(cols[1], dtype=np.int64),
            np.array(cols[2], dtype=np.int64),
            np.array(cols[3], dtype=np.int64),
        )

    def lookup(self, service: I8, started: I64) -> tuple[I64, Bools]:
        """(µfen per unit, priced?) of each record; unpriced records get 0."""
        price = np.zeros(len(started), dtype=np.int64)
        found = np.zeros(len(started), dtype=np.bool_)
        for code in np.unique(self.service):
            rows = np.flatnonzero(self.service == code)
            mask = service == code
            t = started[mask]
            idx = np.searchsorted(self.start[rows], t, side="right") - 1
            ok = idx >= 0
            safe = rows[np.maximum(idx, 0)]
            ok &= t < self.end[safe]
            price[mask] = np.where(ok, self.ufen[safe], 0)
            found[mask] = ok
        return price, found


@dataclass(frozen=True, slots=True)
class Batch:
    """Usage records as columns. ``sub`` is any integer subscriber key."""

    sub: I64
    service: I8  # DATA / VOICE / SMS
    started: I64  # epoch seconds
    volume: I64  # KB, seconds or messages, >= 0
    roaming: Bools

    def __len__(self) -> int:
        return len(self.sub)


@dataclass(frozen=True, slots=True)
class Buckets:
    """Allowance buckets as columns: units left over ``[start, end)``."""

    sub: I64
    service: I8
    start: I64
    end: I64
    remaining: I64
    tiebreak: I64

    def __len__(self) -> int:
        return len(self.sub)

    @classmethod
    def empty(cls) -> Buckets:
        z = np.zeros(0, dtype=np.int64)
        return cls(z, np.zeros(0, dtype=np.int8), z, z, z, z)


@dataclass(frozen=True, slots=True)
class Rated:
    """Per record: rated units, units covered by allowances, charge in µfen.

    ``used`` is per bucket: units drawn from it by this batch.
    """

    units: I64
    covered: I64
    charge_ufen: I64
    used: I64


def rated_units(service: I8, volume: I64) -> I64:
    """Data KB and SMS as given; voice in started minutes."""
    return np.where(service == VOICE, (volume + 59) // 60, volume).astype(np.int64)


def rate(batch: Batch, buckets: Buckets, prices: PriceTable) -> Rated:
    """Rate a batch (vectorised). See the module notes for the rules."""
    units = rated_units(batch.service, batch.volume)
    covered = np.zeros(len(batch), dtype=np.int64)
    used = np.zeros(len(buckets), dtype=np.int64)
    eligible = np.flatnonzero(~batch.roaming & (units > 0))
    if len(buckets) and len(eligible):
        _allocate(batch, units, eligible, buckets, covered, used)
    price, _ = prices.lookup(batch.service, batch.started)
    return Rated(units, covered, (units - covered) * price, used)


def _allocate(
    batch: Batch, units: I64, eligible: I64, buckets: Buckets, covered: I64, used: I64
) -> None:
    """Fill ``covered`` (per record) and ``used`` (per bucket) in place."""
    t = batch.started[eligible]
    t0, t1 = int(t.min()), int(t.max()) + 1
    b_start = np.clip(buckets.start, t0, t1)
    b_end = np.clip(buckets.end, t0, t1)
    live = np.flatnonzero((b_start < b_end) & (buckets.remaining > 0))
    if not len(live):
        return
    # Dense (subscriber, service) group numbers; records of subscribers without a
    # live bucket get -1 and draw nothing.
    subs = np.unique(buckets.sub[live])
    r_pos = np.clip(np.searchsorted(subs, batch.sub[eligible]), 0, len(subs) - 1)
    r_known = subs[r_pos] == batch.sub[eligible]
    span = t1 - t0 + 1
    if (len(subs) * 3 + 3) * span >= 2**62:
        raise ValueError("batch spans too long a time to rate in one pass")
    r_group = np.where(r_known, r_pos * 3 + batch.service[eligible], -1)
    b_group = np.searchsorted(subs, buckets.sub[live]) * 3 + buckets.service[live]
    b_from = b_group * span + (b_start[live] - t0)
    b_to = b_group * span + (b_end[live] - t0)
    # Elementary intervals: between consecutive bucket boundaries of a group.
    bounds = np.unique(np.concatenate([b_from, b_to]))
    b_group_of_bound = bounds // span
    r_key = r_group * span + (t - t0)
    j = np.searchsorted(bounds, r_key, side="right") - 1
    in_group = (r_group >= 0) & (j >= 0) & (j + 1 < len(bounds))
    jj = np.clip(j, 0, len(bounds) - 2)  # live buckets give at least two bounds
    in_group &= (b_group_of_bound[jj] == r_group) & (b_group_of_bound[jj + 1] == r_group)
    first = np.r_[True, b_group_of_bound[1:] != b_group_of_bound[:-1]]
    rank = np.arange(len(bounds)) - np.flatnonzero(first)[np.cumsum(first) - 1]
    # (interval, bucket) pairs: a bucket is active over its boundaries' intervals.
    js = np.searchsorted(bounds, b_from)
    lengths = np.searchsorted(bounds, b_to) - js
    pair_b = np.repeat(np.arange(len(live)), lengths)
    offsets = np.arange(len(pair_b)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    pair_j = np.repeat(js, lengths) + offsets
    order = np.lexsort(
        (live[pair_b], buckets.tiebreak[live][pair_b], buckets.end[live][pair_b], pair_j)
    )
    pair_b, pair_j = live[pair_b[order]], pair_j[order]
    # Records in (interval, time, position) order.
    rec = np.flatnonzero(in_group)
    rec = rec[np.argsort(r_key[rec], kind="stable")]  # j is monotone in r_key
    rec_j = j[rec]
    rec_units = units[eligible[rec]]
    remaining = buckets.remaining.copy()
    cap = np.zeros(len(bounds), dtype=np.int64)
    total = np.zeros(len(bounds), dtype=np.int64)
    for k in np.unique(rank[rec_j]):
        p = rank[pair_j] == k
        pb, pj = pair_b[p], pair_j[p]
        rem = remaining[pb]
        before, p_starts = _exclusive_prefix(pj, rem)  # capacity ahead in the interval
        cap[:] = 0
        if len(pj):
            cap[pj[p_starts]] = np.add.reduceat(rem, p_starts)
        r = rank[rec_j] == k
        rj, ru, ridx = rec_j[r], rec_units[r], rec[r]
        ahead, r_starts = _exclusive_prefix(rj, ru)
        cum = ahead + ru  # units of this interval up to and including the record
        c = cap[rj]
        covered[eligible[ridx]] = np.minimum(cum, c) - np.minimum(cum - ru, c)
        total[:] = 0
        total[rj[r_starts]] = np.minimum(np.add.reduceat(ru, r_starts), cap[rj[r_starts]])
        take = np.clip(total[pj] - before, 0, rem)
        used[pb] += take
        remaining[pb] -= take


def _exclusive_prefix(keys: I64, values: I64) -> tuple[I64, I64]:
    """Per element, the sum of ``values`` before it within its run of equal ``keys``;
    and the start index of each run."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    cum = np.cumsum(values)
    base = np.repeat(cum[starts] - values[starts], np.diff(np.r_[starts, len(keys)]))
    return cum - values - base, starts


def daily_totals(sub: I64, started: I64, ufen: I64) -> tuple[I64, I64, I64]:
    """Sum µfen per (subscriber, local day): arrays (sub, day, ufen), sorted."""
    day = local_day(started)
    if not len(sub):
        return sub, day, ufen
    d0, s0 = int(day.min()), int(sub.min())
    span = int(day.max()) - d0 + 1
    if (int(sub.max()) - s0 + 1) * span < 2**62:
        key = (sub - s0) * span + (day - d0)  # one int64 key: one sort, not a lexsort
        order = np.argsort(key)
        k = key[order]
        starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    else:
        order = np.lexsort((day, sub))
        s, d = sub[order], day[order]
        starts = np.flatnonzero(np.r_[True, (s[1:] != s[:-1]) | (d[1:] != d[:-1])])
    first = order[starts]
    return sub[first], day[first], np.add.reduceat(ufen[order], starts)


def rate_baseline(batch: Batch, buckets: Buckets, prices: PriceTable) -> Rated:
    """The same rules as :func:`rate`, one record at a time in plain Python."""
    n = len(batch)
    subs, services = batch.sub.tolist(), batch.service.tolist()
    started, volumes, roaming = (
        batch.started.tolist(),
        batch.volume.tolist(),
        batch.roaming.tolist(),
    )
    remaining = buckets.remaining.tolist()
    ends = buckets.end.tolist()
    by_group: dict[tuple[int, int], list[int]] = {}
    for i, (s, svc) in enumerate(zip(buckets.sub.tolist(), buckets.service.tolist(), strict=True)):
        by_group.setdefault((s, svc), []).append(i)
    tiebreak = buckets.tiebreak.tolist()
    for idxs in by_group.values():
        idxs.sort(key=lambda i: (ends[i], tiebreak[i], i))
    b_start = buckets.start.tolist()
    table = list(
        zip(
            prices.service.tolist(),
            prices.start.tolist(),
            prices.end.tolist(),
            prices.ufen.tolist(),
            strict=True,
        )
    )
    units_out, covered_out, charge_out = [0] * n, [0] * n, [0] * n
    used = [0] * len(buckets)
    for i in sorted(range(n), key=lambda i: (started[i], i)):
        svc, t, vol = services[i], started[i], volumes[i]
        units = (vol + 59) // 60 if svc == VOICE else vol
        left = units
        if not roaming[i]:
            for b in by_group.get((subs[i], svc), ()):
                if left == 0:
                    break
                if b_start[b] <= t < ends[b] and remaining[b] > 0:
                    take = min(left, remaining[b])
                    remaining[b] -= take
                    used[b] += take
                    left -= take
        price = 0
        for p_svc, p_start, p_end, p_ufen in table:
            if p_svc == svc and p_start <= t < p_end:
                price = p_ufen
        units_out[i], covered_out[i], charge_out[i] = units, units - left, left * price
    return Rated(
        np.array(units_out, dtype=np.int64),
        np.array(covered_out, dtype=np.int64),
        np.array(charge_out, dtype=np.int64),
        np.array(used, dtype=np.int64),
    )
