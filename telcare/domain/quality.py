"""Service-quality rules: indicator definitions as data, values, month arithmetic,
month-on-month change, province ranking and the eight basic service standards.

An indicator's value is ``scale * numerator / denominator`` (``count`` indicators
are the numerator alone). A value of ``None`` means *no data*: the inputs are not
built yet or nothing happened in the period — never a guessed number.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from telcare.domain.subscriptions import OPERATOR_TZ


class Direction(enum.StrEnum):
    HIGHER = "higher"  # higher is better
    LOWER = "lower"  # lower is better


class Kind(enum.StrEnum):
    COUNT = "count"  # the numerator
    SHARE = "share"  # numerator / denominator, shown in %
    PER10K = "per10k"  # numerator per 10,000 subscribers
    MEAN = "mean"  # sum / count (hours, days, score)


SCALE = {Kind.COUNT: 1.0, Kind.SHARE: 100.0, Kind.PER10K: 10_000.0, Kind.MEAN: 1.0}


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator's definition. ``inputs`` names the tables it reads; ``available`` is
    False while those inputs are not built (the indicator then reports no data)."""

    code: str
    name_zh: str
    name_en: str
    kind: Kind
    unit: str
    direction: Direction
    target: float | None
    owner: str
    formula: str
    inputs: tuple[str, ...]
    version: int = 1
    dimensions: tuple[str, ...] = ("province", "month")
    available: bool = True
    national_only: bool = False

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    def value(self, numerator: float, denominator: float | None) -> float | None:
        """The indicator value from its parts (None: no denominator, so no data)."""
        if self.kind is Kind.COUNT:
            return float(numerator)
        if not denominator:
            return None
        return SCALE[self.kind] * numerator / denominator

    def meets_target(self, value: float | None) -> bool | None:
        if value is None or self.target is None:
            return None
        if self.direction is Direction.HIGHER:
            return value >= self.target
        return value <= self.target

    def better(self, a: float, b: float) -> bool:
        """True when ``a`` is strictly better than ``b``."""
        return a > b if self.direction is Direction.HIGHER else a < b


@dataclass(frozen=True, slots=True)
class Figure:
    """One computed value: indicator, province (or HQ for national), month, dimension."""

    code: str
    province: str
    month: str
    numerator: float
    denominator: float | None
    value: float | None
    dim: str = ""
    dim_value: str = ""


# --- months ---------------------------------------------------------------------


def parse_month(month: str) -> tuple[int, int]:
    """``YYYY-MM`` to (year, month); ValueError otherwise."""
    year, _, mon = month.partition("-")
    if len(year) != 4 or len(mon) != 2 or not (year + mon).isdigit() or not 1 <= int(mon) <= 12:
        raise ValueError(f"not a month: {month!r}")
    return int(year), int(mon)


def add_months(month: str, n: int) -> str:
    year, mon = parse_month(month)
    index = year * 12 + mon - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def previous_month(month: str) -> str:
    return add_months(month, -1)


def month_range(last: str, count: int) -> list[str]:
    """``count`` months ending with ``last``, oldest first."""
    return [add_months(last, i - count + 1) for i in range(count)]


def month_start(month: str) -> datetime:
    """The first instant of ``month`` in the operator's time zone, as UTC."""
    year, mon = parse_month(month)
    return datetime(year, mon, 1, tzinfo=OPERATOR_TZ).astimezone(UTC)


# --- comparisons ------------------------------------------------------------------


def mom_change(current: float | None, previous: float | None) -> float | None:
    """Month-on-month change in percent of the previous value (None when undefined)."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / abs(previous) * 100.0


def improved(indicator: Indicator, current: float | None, previous: float | None) -> bool | None:
    if current is None or previous is None or current == previous:
        return None
    return indicator.better(current, previous)


@dataclass(frozen=True, slots=True)
class Rank:
    rank: int
    province: str
    value: float


def rank_provinces(indicator: Indicator, values: Mapping[str, float | None]) -> list[Rank]:
    """Provinces best first by the indicator's direction; ties share a rank; no data left out."""
    known = [(p, v) for p, v in values.items() if v is not None]
    sign = -1.0 if indicator.direction is Direction.HIGHER else 1.0
    known.sort(key=lambda pv: (sign * pv[1], pv[0]))
    out: list[Rank] = []
    for i, (p, v) in enumerate(known):
        rank = out[-1].rank if out and out[-1].value == v else i + 1
        out.append(Rank(rank, p, v))
    return out


# --- the eight basic service standards --------------------------------------------


class Outcome(enum.StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NO_DATA = "no_data"


@dataclass(frozen=True, slots=True)
class Standard:
    """A basic service standard, checked on one indicator against a threshold."""

    code: str
    name_zh: str
    name_en: str
    indicator: str
    direction: Direction  # HIGHER: value >= threshold passes; LOWER: value <= threshold
    threshold: float

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


@dataclass(frozen=True, slots=True)
class StandardResult:
    standard: Standard
    outcome: Outcome
    value: float | None
    numerator: float
    denominator: float | None
    evidence: dict[str, float | str | None] = field(default_factory=dict)


STANDARDS: tuple[Standard, ...] = (
    Standard(
        "S1", "投诉24小时内首次响应", "Complaints answered within 24 h",
        "CMP_RESP24", Direction.HIGHER, 95.0,
    ),
    Standard(
        "S2", "未经确认不扣费", "No charge without confirmation",
        "CMP_UNCONF", Direction.LOWER, 0.0,
    ),
    Standard(
        "S3", "超额扣费前发送提醒", "Reminder sent before bill shock",
        "REM_BEFORE_SHOCK", Direction.HIGHER, 95.0,
    ),
    Standard(
        "S4", "积分礼品7天内送达", "Gifts delivered within 7 days",
        "PTS_DELIVERY_7D", Direction.HIGHER, 95.0,
    ),
    Standard(
        "S5", "投诉按时办结", "Complaints resolved within SLA",
        "CMP_SLA", Direction.HIGHER, 90.0,
    ),
    Standard(
        "S6", "垃圾短信举报48小时内处理", "Spam reports handled within 48 h",
        "SPAM_48H", Direction.HIGHER, 95.0,
    ),
    Standard(
        "S7", "充值成功到账", "Recharges credited",
        "RCH_SUCCESS", Direction.HIGHER, 99.0,
    ),
    Standard(
        "S8", "客户满意度不低于4分", "Satisfaction at least 4 of 5",
        "SAT_SCORE", Direction.HIGHER, 4.0,
    ),
)  # fmt: skip


def check_standard(standard: Standard, figure: Figure | None) -> StandardResult:
    """Pass/fail of one standard with its evidence (value, parts, threshold)."""
    if figure is None or figure.value is None:
        return StandardResult(standard, Outcome.NO_DATA, None, 0.0, None,
                              {"threshold": standard.threshold})  # fmt: skip
    ok = (
        figure.value >= standard.threshold
        if standard.direction is Direction.HIGHER
        else figure.value <= standard.threshold
    )
    evidence: dict[str, float | str | None] = {
        "indicator": standard.indicator,
        "value": figure.value,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "threshold": standard.threshold,
    }
    return StandardResult(
        standard,
        Outcome.PASS if ok else Outcome.FAIL,
        figure.value,
        figure.numerator,
        figure.denominator,
        evidence,
    )


def check_standards(
    figures: Iterable[Figure], standards: Iterable[Standard] = STANDARDS
) -> list[StandardResult]:
    """Every standard against the figures of one province and month (undimensioned)."""
    by_code = {f.code: f for f in figures if not f.dim}
    return [check_standard(s, by_code.get(s.indicator)) for s in standards]


def combine(indicator: Indicator, figures: Iterable[Figure], province: str) -> Figure | None:
    """Sum provinces' parts into one figure (the national value is not a mean of rates)."""
    parts = [f for f in figures if f.code == indicator.code and not f.dim]
    if not parts:
        return None
    num = sum(f.numerator for f in parts)
    dens = [f.denominator for f in parts if f.denominator is not None]
    den = sum(dens) if dens else None
    month = parts[0].month
    return Figure(indicator.code, province, month, num, den, indicator.value(num, den))


# --- the indicators ----------------------------------------------------------------

H, L = Direction.HIGHER, Direction.LOWER
_CH = ("province", "month", "channel")


def _i(
    code: str, zh: str, en: str, kind: Kind, unit: str, direction: Direction,
    target: float | None, owner: str, formula: str, inputs: tuple[str, ...],
    dims: tuple[str, ...] = ("province", "month"), *, available: bool = True,
    national_only: bool = False,
) -> Indicator:  # fmt: skip
    return Indicator(code, zh, en, kind, unit, direction, target, owner, formula, inputs,
                     dimensions=dims, available=available, national_only=national_only)  # fmt: skip


INDICATORS: tuple[Indicator, ...] = (
    # complaints
    _i("CMP_RATE", "每万用户投诉量", "Complaints per 10,000 subscribers", Kind.PER10K, "‱", L, 5.0,
       "客户服务部", "tickets created in the month × 10,000 / subscribers at month end",
       ("ticket", "subscriber"), (*_CH, "product")),
    _i("CMP_SLA", "投诉处理及时率", "Complaint SLA compliance", Kind.SHARE, "%", H, 90.0,
       "客户服务部",
       "tickets resolved in the month with resolved_at ≤ resolve_by / tickets resolved",
       ("ticket",)),
    _i("CMP_RESP24", "投诉24小时响应率", "Complaints answered within 24 h", Kind.SHARE, "%", H,
       95.0,
       "客户服务部", "tickets created in the month answered within 24 h / tickets created",
       ("ticket",)),
    _i("CMP_RESP_ONTIME", "投诉按时响应率", "Complaints answered by their deadline", Kind.SHARE,
       "%", H, 95.0, "客户服务部",
       "tickets created with responded_at ≤ respond_by / tickets created",
       ("ticket",)),
    _i("CMP_REPEAT", "重复投诉率", "Repeat-complaint rate", Kind.SHARE, "%", L, 10.0, "客户服务部",
       "(tickets − distinct numbers) / tickets, over tickets with a number, per month",
       ("ticket",)),
    _i("CMP_MAJOR", "重大投诉数", "Major complaints", Kind.COUNT, "件", L, 0.0, "客户服务部",
       "tickets created in the month marked major", ("ticket",)),
    _i("CMP_REOPEN", "投诉重开率", "Reopened complaints", Kind.SHARE, "%", L, 5.0, "客户服务部",
       "tickets created in the month reopened at least once / tickets created", ("ticket",)),
    _i("CMP_ESCALATED", "投诉升级率", "Escalated complaints", Kind.SHARE, "%", L, 10.0,
       "客户服务部",
       "tickets created in the month escalated at least once / tickets created", ("ticket",)),
    _i("CMP_RESOLVE_HOURS", "投诉平均处理时长", "Mean complaint resolution time", Kind.MEAN, "h", L,
       48.0, "客户服务部", "Σ(resolved_at − created_at) / tickets resolved in the month",
       ("ticket",)),
    _i("CMP_UNCONF", "未经确认扣费投诉", "Complaints of charges without confirmation", Kind.COUNT,
       "件", L, 0.0, "业务支撑部", "tickets created in the month in category VAS.UNCONFIRMED*",
       ("ticket",), ("province", "month", "sp")),
    _i("CMP_BILLING", "每万用户计费投诉", "Billing complaints per 10,000 subscribers", Kind.PER10K,
       "‱", L, 1.0, "业务支撑部", "tickets in category BIL* × 10,000 / subscribers",
       ("ticket", "subscriber")),
    _i("CMP_NETWORK", "每万用户网络投诉", "Network complaints per 10,000 subscribers", Kind.PER10K,
       "‱", L, 2.0, "网络部", "tickets in category NET* × 10,000 / subscribers",
       ("ticket", "subscriber")),
    _i("CMP_ECHANNEL", "投诉电子渠道受理占比", "Complaints filed through e-channels", Kind.SHARE,
       "%", H, 50.0, "客户服务部", "tickets with channel sms/api / tickets created", ("ticket",)),
    # surveys
    _i("SAT_SCORE", "客户满意度", "Customer satisfaction", Kind.MEAN, "分", H, 4.0, "市场部",
       "Σ headline score / surveys answered in the month (1–5)", ("survey",), _CH),
    _i("SAT_RATE", "满意率", "Satisfied share", Kind.SHARE, "%", H, 80.0, "市场部",
       "answered surveys with score ≥ 4 / answered surveys", ("survey",), _CH),
    _i("SVY_RESPONSE", "调查回复率", "Survey response rate", Kind.SHARE, "%", H, 30.0, "市场部",
       "surveys sent in the month answered / those answered or expired", ("survey",), _CH),
    _i("SVY_FOLLOWUP", "不满意回访率", "Dissatisfied answers followed up", Kind.SHARE, "%", H,
       100.0,
       "客户服务部", "answered surveys with score ≤ 2 and a follow-up ticket / score ≤ 2",
       ("survey",)),
    # anti-spam and partners
    _i("SPAM_RATE", "每万用户垃圾短信举报", "Spam reports per 10,000 subscribers", Kind.PER10K, "‱",
       L, 20.0, "信息安全部", "reports received in the month × 10,000 / subscribers",
       ("spam_report", "subscriber"), _CH),
    _i("SPAM_HOURS", "举报平均处理时长", "Mean spam-report handling time", Kind.MEAN, "h", L, 24.0,
       "信息安全部", "Σ(handled_at − created_at) / reports handled in the month",
       ("spam_report",)),
    _i("SPAM_48H", "举报48小时处理率", "Spam reports handled within 48 h", Kind.SHARE, "%", H, 95.0,
       "信息安全部", "reports received in the month handled within 48 h / reports received",
       ("spam_report",)),
    _i("SPAM_QUARANTINE", "每万用户拦截垃圾短信", "Spam quarantined per 10,000 subscribers",
       Kind.PER10K, "‱", H, None, "信息安全部",
       "messages quarantined in the month × 10,000 / subscribers", ("spam_message", "subscriber")),
    _i("SPAM_FLAGGED", "标记违规发送方", "Senders flagged", Kind.COUNT, "个", L, None, "信息安全部",
       "senders flagged in the month (national)", ("spam_sender",), national_only=True),
    _i("SP_VIOLATIONS", "SP违规次数", "SP violations", Kind.COUNT, "次", L, 0.0, "数据部",
       "violations recorded in the month, not revoked (national, per SP)", ("sp_violation",),
       ("month", "sp"), national_only=True),
    _i("SP_COMPLAINT_RATE", "SP每万用户投诉", "SP complaints per 10,000 SP users", Kind.PER10K,
       "‱", L, None, "数据部",
       "tickets naming an SP filed in the month × 10,000 / its subscriptions active at month "
       "end (national, per SP)", ("ticket", "sp_subscription"), ("month", "sp"),
       national_only=True),
    # charging, recharges, reminders
    _i("RCH_SUCCESS", "充值卡充值成功率", "Card recharge success rate", Kind.SHARE, "%", H, 99.0,
       "业务支撑部", "card recharges / (card recharges + failed card PIN attempts)",
       ("ledger_entry", "secret_attempt")),
    _i("ECH_SHARE", "电子渠道业务占比", "E-channel share of transactions", Kind.SHARE, "%", H, 60.0,
       "电子渠道部",
       "card recharges + SMS/web/API gift orders and tickets / all recharges, orders and tickets",
       ("ledger_entry", "delivery_order", "ticket"), _CH),
    _i("REM_OPTIN", "流量提醒开通占比", "Data-reminder opt-in share", Kind.SHARE, "%", H, 90.0,
       "业务支撑部", "subscribers with reminders on (explicit or by default) / subscribers "
       "(current state, shown for each month)", ("subscriber",)),
    _i("REM_BEFORE_SHOCK", "超额前提醒率", "Reminded before out-of-bundle data charges", Kind.SHARE,
       "%", H, 95.0, "业务支撑部",
       "subscribers with data charges in the month and a reminder sent that month / "
       "subscribers with data charges", ("usage_day", "data_reminder_sent")),
    _i("USG_OOB_SHARE", "套外流量计费用户占比", "Subscribers charged for out-of-bundle data",
       Kind.SHARE, "%", L, 10.0, "业务支撑部",
       "subscribers with data charges in the month / subscribers with data use", ("usage_day",)),
    _i("CHG_REFUND", "每万用户退费笔数", "Refunds per 10,000 subscribers", Kind.PER10K, "‱", L,
       None, "业务支撑部", "refund ledger entries × 10,000 / subscribers",
       ("ledger_entry", "subscriber")),
    # loyalty
    _i("PTS_DELIVERY_DAYS", "礼品平均送达天数", "Mean gift delivery time", Kind.MEAN, "天", L, 5.0,
       "市场部", "Σ(delivered − ordered) / orders delivered in the month",
       ("delivery_order", "delivery_event")),
    _i("PTS_DELIVERY_7D", "礼品7天送达率", "Gifts delivered within 7 days", Kind.SHARE, "%", H,
       95.0, "市场部", "orders delivered in the month within 7 days / orders delivered",
       ("delivery_order", "delivery_event")),
    _i("PTS_RETURN", "礼品退回取消率", "Gift orders returned or cancelled", Kind.SHARE, "%", L, 2.0,
       "市场部", "orders placed in the month now returned or cancelled / orders placed",
       ("delivery_order",)),
    _i("PTS_REDEEM", "每万用户积分兑换", "Points redemptions per 10,000 subscribers", Kind.PER10K,
       "‱", H, None, "市场部", "gift orders + merchant codes × 10,000 / subscribers",
       ("delivery_order", "redemption_code", "subscriber")),
    # the 10086 call centre (imported ACD/IVR records)
    _i("HOTLINE_20S", "10086人工20秒接通率", "10086 calls answered within 20 s", Kind.SHARE, "%", H,
       85.0, "客户服务部", "calls answered by an agent within 20 s / calls offered to agents",
       ("call_record",), ("province", "month", "queue")),
    _i("HOTLINE_ABANDON", "10086人工呼损率", "10086 calls abandoned", Kind.SHARE, "%", L, 5.0,
       "客户服务部", "calls abandoned in the queue / calls offered to agents", ("call_record",),
       ("province", "month", "queue")),
    _i("HOTLINE_G3_20S", "G3专席20秒接通率", "G3 desk calls answered within 20 s", Kind.SHARE,
       "%", H, 90.0, "客户服务部",
       "calls to the G3 desk answered within 20 s / calls offered to the G3 desk",
       ("call_record",)),
    # online chat
    _i("CHAT_20S", "在线客服20秒应答率", "Chats answered by an agent within 20 s", Kind.SHARE, "%",
       H, 85.0, "客户服务部", "chats answered within 20 s of asking for a person / chats queued",
       ("chat_session",)),
    _i("CHAT_BOT_RESOLVED", "在线助手自助解决率", "Chats resolved by the assistant", Kind.SHARE,
       "%", H, None, "客户服务部",
       "chats closed in the month that never asked for a person / chats closed",
       ("chat_session",)),
    # inputs not built yet
    _i("NET_DROP", "掉话率", "Dropped-call rate", Kind.SHARE, "%", L, 1.0, "网络部",
       "dropped calls / call attempts (network KPIs per cell and day, `telcare quality "
       "import-network`)", ("network_kpi",)),
)  # fmt: skip

BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}
