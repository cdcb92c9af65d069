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
    "month.invalid": ("月份“{value}”无效，格式为YYYY-MM。", "'{value}' is not a month (YYYY-MM)."),
    "province.unknown": ("未知省份{code}。", "Unknown province {code}."),
    "language.unknown": ("不支持的语言{value}。", "Unsupported language {value}."),
    # orders and cards
    "order.nothing_pending": ("您没有待确认的业务。", "You have nothing waiting for confirmation."),
    "order.expired": (
        "{code}的确认已超过24小时，已失效，请重新办理。",
        "The confirmation for {code} expired after 24 hours; please order again.",
    ),
    "order.offer_changed": (
        "{code}的资费已调整，本次确认未扣费，请重新发送KT{code}办理。",
        "The price or terms of {code} changed since you were quoted; nothing was charged. "
        "Send KT{code} to order again.",
    ),
    "order.already": ("您已订购{code}，无需重复办理。", "You already have {code}."),
    "order.not_subscribed": ("您未订购{code}。", "You do not have {code}."),
    "order.base_plan_change": (
        "主套餐变更请到营业厅或网上营业厅办理。",
        "Base plans are changed at a shop or in the online hall.",
    ),
    "order.base_plan_cancel": ("主套餐不能退订。", "A base plan cannot be cancelled."),
    "order.menu_missing": (
        "请先发送0000查询可退订的业务。",
        "Send 0000 first to list what you can cancel.",
    ),
    "order.menu_index": (
        "序号{index}无效，请回复1至{count}之间的序号。",
        "Number {index} is not on the list (1 to {count}).",
    ),
    "order.no_paid": ("您当前没有付费业务。", "You have no paid subscriptions."),
    "card.locked": (
        "今日充值卡密码错误已达{limit}次，请明日再试。",
        "{limit} wrong card PINs today; please try again tomorrow.",
    ),
    "card.card_locked": (
        "该充值卡今日密码错误已达{limit}次，已锁定，请明日再试。",
        "This card had {limit} wrong PINs today; please try again tomorrow.",
    ),
    "card.wrong": (
        "充值卡号或密码错误，今日还可尝试{left}次。",
        "Wrong card number or PIN; {left} attempts left today.",
    ),
    "card.used": ("该充值卡已被使用。", "This card has already been used."),
    "idempotency.bad_key": ("请求编号无效。", "The idempotency key is invalid."),
    # login and access
    "login.code_sms": (
        "您的网上营业厅登录验证码为{code}，5分钟内有效，请勿泄露。【中国移动】",
        "Your online hall login code is {code}, valid 5 minutes. Do not share it.",
    ),
    "login.too_many_codes": (
        "验证码请求过于频繁，请稍后再试。",
        "Too many codes requested; please wait a little.",
    ),
    "login.code_expired": (
        "验证码已失效，请重新获取。",
        "The code has expired; ask for a new one.",
    ),
    "login.code_locked": (
        "验证码错误次数过多，请重新获取。",
        "Too many wrong tries; ask for a new code.",
    ),
    "login.code_wrong": ("验证码错误，还可尝试{left}次。", "Wrong code; {left} tries left."),
    "login.staff_wrong": ("用户名或密码错误。", "Wrong username or password."),
    "login.locked": (
        "登录失败次数过多，账号已暂时锁定，请稍后再试或联系管理员解锁。",
        "Too many failed logins: the account is locked for now; try later or ask an admin.",
    ),
    "login.address_blocked": (
        "该地址登录失败次数过多，请稍后再试。",
        "Too many failed logins from this address; please try later.",
    ),
    "login.staff_unknown": ("没有员工账号{user}。", "There is no staff account {user}."),
    "login.account_unknown": ("没有账号{account}。", "There is no account {account}."),
    "login.kind_unknown": (
        "未知的账号类型{account_kind}。",
        "Unknown account kind {account_kind}.",
    ),
    "login.password_short": ("密码至少8位。", "The password needs at least 8 characters."),
    "login.token_invalid": ("登录已失效，请重新登录。", "Your session has expired; log in again."),
    "access.denied": ("无权查看该信息。", "You may not see this."),
    "access.role": (
        "您的岗位无权办理此业务（{action}）。",
        "Your role may not do this ({action}).",
    ),
    # SMS replies
    "sms.confirm_ask": (
        "您将订购{name}，资费{price}元{per}。请在24小时内回复Y确认，回复N取消。",
        "You are ordering {name} at {price} yuan{per}. Reply Y within 24 hours "
        "to confirm, N to cancel.",
    ),
    "sms.per_month": ("/月", "/month"),
    "sms.per_days": ("（{days}天有效）", " for {days} days"),
    "sms.confirm_replaced": ("此前待确认的{old}已被取代。", "This replaces your pending {old}."),
    "sms.subscribed": (
        "您已成功订购{name}，扣费{price}元，当前余额{balance}元。",
        "{name} is on. {price} yuan charged; balance {balance} yuan.",
    ),
    "sms.subscribed_free": ("您已成功开通{name}。", "{name} is on."),
    "sms.declined": ("您已放弃订购{name}，未扣费。", "{name} was not ordered; nothing charged."),
    "sms.cancelled": ("您已退订{name}，{date}起生效。", "{name} is cancelled from {date}."),
    "sms.menu": (
        "您订购的付费业务：{items}。回复QX+序号退订（如QX1），回复QXALL全部退订。",
        "Your paid services: {items}. Reply QX+number to cancel (e.g. QX1), QXALL for all.",
    ),
    "sms.usage": (
        "您{month}已用数据流量{used_mb}MB，套餐内剩余{left_mb}MB，套餐外流量费{charged}元。",
        "In {month} you used {used_mb} MB; {left_mb} MB left in your packages; "
        "{charged} yuan of data charged beyond them.",
    ),
    "sms.reminder_on": (
        "流量提醒已开通：用到套餐流量的80%和100%时及套餐外每10元时短信提醒您。",
        "Data reminders are on: we text you at 80% and 100% of your allowance and every "
        "10 yuan beyond it.",
    ),
    "sms.reminder_off": (
        "流量提醒已关闭，发送KTLLTX可重新开通。",
        "Data reminders are off; send KTLLTX to turn them on again.",
    ),
    "sms.recharged": (
        "充值成功，金额{amount}元，当前余额{balance}元。",
        "Recharged {amount} yuan; balance {balance} yuan.",
    ),
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
