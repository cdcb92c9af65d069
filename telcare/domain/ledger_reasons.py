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

from telcare.domain.messages import N_, render

_DAY = r"\d{4}-\d{2}-\d{2}"
_MONTH = r"\d{4}-\d{2}"
# (pattern, key): the first that matches the whole reason wins.
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), k)
    for p, k in (
        (r"opening balance", N_("ledger.r.opening")),
        (rf"usage (?P<day>{_DAY})", N_("ledger.r.usage")),
        (r"online charging", N_("ledger.r.online_charging")),
        (r"recharge", N_("ledger.r.recharge")),
        (r"charge", N_("ledger.r.charge")),
        (r"充值卡 (?P<card>\S+)", N_("ledger.r.card")),
        (r"营业厅充值", N_("ledger.r.shop")),
        (r"online payment (?P<ref>\S+)", N_("ledger.r.online_payment")),
        (r"订购 (?P<code>\S+)(?: (?P<name>.*))?", N_("ledger.r.order")),
        (rf"月租 (?P<code>\S+) (?P<name>.*) (?P<month>{_MONTH})", N_("ledger.r.monthly")),
        (r"SP终止退费 (?P<month>\S+)", N_("ledger.r.sp_refund")),
        (r"退还SP (?P<sp>\S+) 费用", N_("ledger.r.sp_fee_back")),
        (r"API top-up by (?P<who>.+)", N_("ledger.r.api_topup")),
        (rf"(?P<sp>\S+) (?P<name>.+) (?P<month>{_MONTH})", N_("ledger.r.sp_fee")),
    )
)


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
