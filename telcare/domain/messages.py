"""User-facing texts, zh-CN by default and English for ``en`` subscribers.

Domain errors name a key here; channels render it in the reader's language.
"""

from __future__ import annotations

from typing import Any

ZH = "zh"
EN = "en"
LANGUAGES = (ZH, EN)

_TEXTS: dict[str, tuple[str, str]] = {
    # errors
    "msisdn.invalid": (
        "手机号码{value}无效，请输入11位中国大陆手机号码。",
        "{value} is not a valid 11-digit mainland mobile number.",
    ),
    "amount.not_integer_fen": ("金额必须是以分为单位的整数。", "Amounts must be whole fen."),
    "amount.not_positive": ("金额必须大于0。", "The amount must be greater than zero."),
    "amount.too_large": ("金额超过单笔上限。", "The amount is above the single-operation limit."),
    "amount.not_exact": ("金额必须是精确的十进制数。", "Amounts must be exact decimals."),
    "amount.unreadable": ("无法识别金额“{value}”。", "Cannot read the amount '{value}'."),
    "amount.sub_fen": ("金额最小单位为分（0.01元）。", "The smallest unit is 0.01 yuan."),
    "adjustment.direction_missing": ("调账须指明增加或扣减。", "An adjustment needs a direction."),
    "balance.insufficient": (
        "余额不足，请充值后再试。",
        "Insufficient balance; please top up first.",
    ),
    "product.unknown": ("没有代码为{code}的业务。", "There is no product with code {code}."),
    "tariff.not_in_force": ("{when}没有有效的{code}资费。", "No {code} price in force on {when}."),
    "product.brand_not_eligible": ("您的品牌不能办理{code}。", "Your brand cannot take {code}."),
    "product.province_not_eligible": (
        "您所在省份不能办理{code}。",
        "{code} is not offered in your province.",
    ),
    "subscriber.unknown": (
        "号码{msisdn}不是本网在用用户。",
        "{msisdn} is not an active subscriber.",
    ),
    "idempotency.conflict": (
        "该请求编号已用于另一笔操作。",
        "This idempotency key was used for a different request.",
    ),
    "province.unknown": ("未知省份{code}。", "Unknown province {code}."),
    "language.unknown": ("不支持的语言{value}。", "Unsupported language {value}."),
    # SMS replies
    "sms.balance": (
        "尊敬的客户，您的账户余额为{balance}元。【中国移动】",
        "Your balance is {balance} yuan. [China Mobile]",
    ),
    "sms.points": (
        "尊敬的客户，您当前可用积分为{points}分。【中国移动】",
        "You have {points} points. [China Mobile]",
    ),
    "sms.packages": ("您当前办理的套餐：{packages}。【中国移动】", "Your packages: {packages}."),
    "sms.help": (
        "回复CXYE查余额，CXLL查流量，CXTC查套餐，CXJF查积分，KT+代码开通，QX+代码取消，"
        "0000查询退订，CZ+卡号密码充值。",
        "Reply CXYE balance, CXLL data, CXTC packages, CXJF points, KT+code subscribe, "
        "QX+code cancel, 0000 subscriptions, CZ+card+PIN recharge.",
    ),
    "sms.not_subscriber": (
        "您好，此服务仅对中国移动在用客户开放。",
        "Sorry, this service is for active subscribers only.",
    ),
    "sms.failed": ("系统繁忙，请稍后再试。", "The system is busy; please try again later."),
}


def render(key: str, lang: str = ZH, **params: Any) -> str:
    """The text for ``key`` in ``lang`` (zh unless ``en``), with ``params`` filled in.

    An unknown key renders as the key itself, so a missing text never breaks a reply.
    """
    pair = _TEXTS.get(key)
    if pair is None:
        return key
    template = pair[1] if lang == EN else pair[0]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def register(texts: dict[str, tuple[str, str]]) -> None:
    """Add a capability's texts (each capability keeps its own next to its rules)."""
    _TEXTS.update(texts)


def known(key: str) -> bool:
    return key in _TEXTS
