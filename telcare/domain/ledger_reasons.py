"""Ledger reasons said in the reader's language.

A ledger entry stores its reason as the text its writer gave ("opening balance",
"usage 2026-12-04", "充值卡 1000…0001", "月租 GQT88 全球通88 2026-12"). Pages and exports
show it through :func:`say`: a known shape becomes a message key with its parameters
(so "usage 2026-12-04" reads 通信费 2026-12-04 in Chinese); an unknown reason is shown as
stored only when it is in the reader's script, else the entry's kind stands in for it,
so a Chinese page never shows an English reason and the other way round.
"""

from __future__ import annotations

import re

from telcare.domain.messages import register, render

_DAY = r"\d{4}-\d{2}-\d{2}"
_MONTH = r"\d{4}-\d{2}"
# (pattern, key): the first that matches the whole reason wins.
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), k)
    for p, k in (
        (r"opening balance", "ledger.r.opening"),
        (rf"usage (?P<day>{_DAY})", "ledger.r.usage"),
        (r"online charging", "ledger.r.online_charging"),
        (r"recharge", "ledger.r.recharge"),
        (r"charge", "ledger.r.charge"),
        (r"充值卡 (?P<card>\S+)", "ledger.r.card"),
        (r"营业厅充值", "ledger.r.shop"),
        (r"online payment (?P<ref>\S+)", "ledger.r.online_payment"),
        (r"订购 (?P<code>\S+)(?: (?P<name>.*))?", "ledger.r.order"),
        (rf"月租 (?P<code>\S+) (?P<name>.*) (?P<month>{_MONTH})", "ledger.r.monthly"),
        (r"SP终止退费 (?P<month>\S+)", "ledger.r.sp_refund"),
        (r"退还SP (?P<sp>\S+) 费用", "ledger.r.sp_fee_back"),
        (r"API top-up by (?P<who>.+)", "ledger.r.api_topup"),
        (rf"(?P<sp>\S+) (?P<name>.+) (?P<month>{_MONTH})", "ledger.r.sp_fee"),
    )
)

TEXTS: dict[str, tuple[str, str]] = {
    "ledger.r.opening": ("开户预存款", "Opening balance"),
    "ledger.r.usage": ("通信费 {day}", "Usage {day}"),
    "ledger.r.online_charging": ("实时计费", "Online charging"),
    "ledger.r.recharge": ("充值", "Recharge"),
    "ledger.r.charge": ("扣费", "Charge"),
    "ledger.r.card": ("充值卡 {card}", "Recharge card {card}"),
    "ledger.r.shop": ("营业厅充值", "Recharge at a shop"),
    "ledger.r.online_payment": ("在线支付充值 {ref}", "Online payment {ref}"),
    "ledger.r.order": ("订购 {code} {name}", "Package order {code}"),
    "ledger.r.monthly": ("月租 {code} {name} {month}", "Monthly fee {code} {month}"),
    "ledger.r.sp_refund": ("SP终止退费 {month}", "Refund: SP terminated, {month}"),
    "ledger.r.sp_fee_back": ("退还SP {sp} 费用", "SP {sp} fee refunded"),
    "ledger.r.api_topup": ("接口充值（{who}）", "API top-up by {who}"),
    "ledger.r.sp_fee": ("{sp} {name} {month}", "SP service {sp} {month}"),
    "ledger.kind.recharge": ("充值", "Recharge"),
    "ledger.kind.charge": ("扣费", "Charge"),
    "ledger.kind.refund": ("退款", "Refund"),
    "ledger.kind.adjustment": ("调账", "Adjustment"),
}
register(TEXTS)

_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def key_of(reason: str) -> tuple[str, dict[str, str]] | None:
    """The message key and parameters of a stored reason, or None if its shape is unknown."""
    for pattern, key in PATTERNS:
        found = pattern.fullmatch(reason.strip())
        if found:
            return key, {k: v or "" for k, v in found.groupdict().items()}
    return None


def say(reason: str, kind: str, lang: str) -> str:
    """The reason of a ledger entry of ``kind`` in ``lang`` (``zh`` or ``en``)."""
    known = key_of(reason)
    if known is not None:
        key, params = known
        text = render(key, lang, **params).strip()
        if lang == "zh" or not has_cjk(text):
            return text
    elif reason.strip() and has_cjk(reason) == (lang == "zh"):
        return reason.strip()
    return render(f"ledger.kind.{kind}", lang)
