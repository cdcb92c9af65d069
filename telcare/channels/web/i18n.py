"""Texts of the web pages (zh-CN, English), registered with :mod:`telcare.domain.messages`.

Domain errors and SMS-style outcomes reuse the shared texts; only page furniture
lives here, under ``web.*``.
"""

from __future__ import annotations

from telcare.domain.messages import register

TEXTS: dict[str, tuple[str, str]] = {
    "web.site": ("网上营业厅", "Online business hall"),
    "web.lang_switch": ("English", "中文"),
    "web.lang_label": ("切换到英文", "Switch to Chinese"),
    "web.nav": ("主导航", "Main"),
    "web.skip": ("跳到正文", "Skip to the content"),
    "web.nav_overview": ("我的账户", "My account"),
    "web.nav_packages": ("套餐与业务", "Packages"),
    "web.nav_recharge": ("充值", "Recharge"),
    "web.nav_ledger": ("账单明细", "Ledger"),
    "web.nav_mall": ("积分商城", "Points mall"),
    "web.nav_complaints": ("投诉", "Complaints"),
    "web.nav_chat": ("在线客服", "Chat"),
    "web.nav_spam": ("垃圾短信", "Spam box"),
    "web.nav_van": ("G3服务车", "G3 service van"),
    "web.nav_survey": ("满意度调查", "Survey"),
    "web.nav_sp": ("增值业务", "SP services"),
    "web.nav_simulator": ("短信模拟器", "SMS simulator"),
    "web.demo_banner": (
        "演示模式：短信模拟器已开启，任何人都能查看验证码、冒用任意号码发短信，请勿用于生产。",
        "Demo mode: the SMS simulator is on, so anyone can read login codes and send SMS "
        "as any number. Do not use in production.",
    ),
    "web.logout": ("退出", "Log out"),
    "web.api_docs": ("API 文档", "API docs"),
    "web.csrf_refused": (
        "页面已过期或请求来源无效，请刷新页面后重试。",
        "This form has expired or did not come from this site; reload the page and try again.",
    ),
    "web.bad_date": (
        "日期“{value}”无效，请使用YYYY-MM-DD。",
        "'{value}' is not a date (YYYY-MM-DD).",
    ),
    "hall.bad_kind": ("未知的账目类型{value}。", "Unknown entry kind {value}."),
    "hall.bad_range": ("开始日期晚于结束日期。", "The start date is after the end date."),
    # home
    "web.home_title": ("欢迎使用 Telcare", "Welcome to Telcare"),
    "web.home_intro": (
        "移动运营商的客户服务与服务质量平台：短信 10086、网上营业厅与开放 API 共用同一套业务规则。",
        "Customer service and service quality for a mobile operator: SMS to 10086, the online "
        "business hall and the open API share one set of business rules.",
    ),
    "web.home_hall": (
        "查询余额、流量、套餐、积分，开通与退订，充值。",
        "Balance, data, packages and points; subscribe, cancel and recharge.",
    ),
    "web.home_api": (
        "OpenAPI 文档（TM Forum 接口风格）。",
        "OpenAPI documentation (TM Forum shapes).",
    ),
    "web.home_sim": (
        "发送短信指令到 10086，例如 CXYE，并查看下发短信（含登录验证码）。",
        "Send commands to 10086, e.g. CXYE, and read the SMS sent to a number (login codes).",
    ),
    "web.home_login": ("登录网上营业厅", "Log in to the business hall"),
    # login
    "web.login_title": ("短信验证码登录", "Log in with an SMS code"),
    "web.msisdn": ("手机号码", "Mobile number"),
    "web.get_code": ("获取验证码", "Send me a code"),
    "web.resend_code": ("重新获取验证码", "Send a new code"),
    "web.code": ("短信验证码", "SMS code"),
    "web.code_hint": ("6位数字，5分钟内有效。", "Six digits, valid for 5 minutes."),
    "web.code_sent": ("验证码已通过短信发送。", "We have sent you a code by SMS."),
    "web.code_demo": (
        "演示环境：在短信模拟器中查看验证码。",
        "Demo: read the code on the SMS simulator page.",
    ),
    "web.login": ("登录", "Log in"),
    "web.other_number": ("换一个号码", "Use another number"),
    # overview
    "web.overview_title": ("我的账户", "My account"),
    "web.balance": ("账户余额", "Balance"),
    "web.points": ("可用积分", "Points"),
    "web.brand": ("品牌", "Brand"),
    "web.province": ("归属地", "Home province"),
    "web.yuan": ("{amount}元", "{amount} yuan"),
    "web.usage_title": ("本月用量", "This month's usage"),
    "web.service_data": ("数据", "data"),
    "web.service_voice": ("通话", "voice"),
    "web.service_sms": ("短信", "SMS"),
    "web.usage_mb": (
        "已用{used}MB / 共{total}MB，剩余{left}MB",
        "{used} MB of {total} MB used, {left} MB left",
    ),
    "web.usage_voice": (
        "已用{used}分钟 / 共{total}分钟，剩余{left}分钟",
        "{used} of {total} minutes used, {left} left",
    ),
    "web.usage_sms": (
        "已用{used}条 / 共{total}条，剩余{left}条",
        "{used} of {total} SMS used, {left} left",
    ),
    "web.no_allowances": (
        "您的套餐不含流量、通话或短信额度。",
        "Your packages include no allowances.",
    ),
    "web.used_month": (
        "本月已用：数据{mb}MB，通话{min}分钟，短信{sms}条。",
        "Used this month: {mb} MB data, {min} minutes, {sms} SMS.",
    ),
    "web.out_of_package": (
        "本月套餐外费用：{amount}元",
        "Out-of-package charges this month: {amount} yuan",
    ),
    "web.packages_title": ("在用套餐", "Packages in force"),
    "web.no_packages": ("暂无在用套餐。", "No packages in force."),
    "web.reminder_title": ("流量提醒", "Data-usage reminder"),
    "web.reminder_desc": (
        "流量用到80%和100%时，以及套餐外费用每满10元时短信提醒。",
        "An SMS at 80% and 100% of your data allowances and every 10 yuan out of package.",
    ),
    "web.reminder_state_on": ("已开启", "On"),
    "web.reminder_state_off": ("已关闭", "Off"),
    "web.reminder_turn_on": ("开启提醒", "Turn on"),
    "web.reminder_turn_off": ("关闭提醒", "Turn off"),
    "web.reminder_on": ("流量提醒已开启。", "Data-usage reminders are on."),
    "web.reminder_off": ("流量提醒已关闭。", "Data-usage reminders are off."),
    "web.per_month": ("{price}元/月", "{price} yuan/month"),
    "web.per_days": ("{price}元/{days}天", "{price} yuan for {days} days"),
    "web.free": ("免费", "Free"),
    "web.until": ("有效期至{date}", "until {date}"),
    # packages
    "web.catalog_title": ("可办理业务", "Available packages"),
    "web.catalog_none": ("暂无可办理的业务。", "Nothing available for your plan."),
    "web.order": ("订购", "Order"),
    "web.ordered": ("已订购", "Subscribed"),
    "web.cancel_package": ("退订", "Cancel"),
    "web.cancel_note": ("退订于月底生效，本月仍可使用。", "Cancelling takes effect at month end."),
    "web.base_plan": ("主套餐", "Base plan"),
    "web.includes": ("包含", "Includes"),
    "web.allow_data": ("数据{mb}MB", "{mb} MB data"),
    "web.allow_voice": ("通话{min}分钟", "{min} minutes"),
    "web.allow_sms": ("短信{n}条", "{n} SMS"),
    "web.confirm_title": ("请确认订购", "Please confirm your order"),
    "web.confirm_text": (
        "您将订购{name}，资费{price}。确认后立即扣费，取消则不扣费。",
        "You are ordering {name} at {price}. You are charged when you confirm; "
        "cancelling costs nothing.",
    ),
    "web.confirm_expires": ("请于{when}前确认。", "Please confirm before {when}."),
    "web.confirm": ("确认订购", "Confirm order"),
    "web.decline": ("取消", "Cancel"),
    "web.order_replaced": ("此前待确认的{old}已被取代。", "This replaces your pending {old}."),
    # recharge
    "web.recharge_title": ("充值卡充值", "Recharge with a card"),
    "web.card_number": ("充值卡卡号", "Card number"),
    "web.card_pin": ("充值卡密码", "Card PIN"),
    "web.recharge_button": ("充值", "Recharge"),
    "web.recharge_hint": (
        "每天密码输错5次后当日不能再用充值卡充值；一张卡当日被输错5次也将锁定至次日。",
        "After 5 wrong PINs in a day, card recharges are blocked until tomorrow;"
        " so is a card that had 5 wrong PINs today.",
    ),
    # ledger
    "web.ledger_title": ("账单明细", "Ledger"),
    "web.filter": ("筛选", "Filter"),
    "web.kind": ("类型", "Kind"),
    "web.pay_card": ("充值卡充值", "With a recharge card"),
    "web.pay_online": ("在线支付", "Pay online"),
    "web.pay_demo_note": (
        "演示模式：模拟在线支付，不会真实扣款。正式环境需接入支付机构。",
        "Demo mode: a simulated online payment, no money moves. "
        "Production needs a payment provider.",
    ),
    "web.pay_amount": ("充值金额", "Amount"),
    "web.pay_button": ("支付", "Pay"),
    "web.paid": (
        "支付成功，已充值{amount}元，当前余额{balance}元。",
        "Paid: {amount} yuan added; your balance is {balance} yuan.",
    ),
    "web.history_title": ("近6个月使用情况", "Use over the last 6 months"),
    "web.history_data": ("上网流量（MB）", "Data (MB)"),
    "web.history_charged": ("套餐外费用（元）", "Charges outside packages (yuan)"),
    "web.history_table": ("近6个月使用明细", "The last 6 months in figures"),
    "web.history_month": ("月份", "Month"),
    "web.history_voice": ("通话（分钟）", "Calls (min)"),
    "web.history_sms": ("短信（条）", "SMS"),
    "web.kind_all": ("全部", "All"),
    "web.kind_recharge": ("充值", "Recharge"),
    "web.kind_charge": ("扣费", "Charge"),
    "web.kind_refund": ("退款", "Refund"),
    "web.kind_adjustment": ("调账", "Adjustment"),
    "web.since": ("开始日期", "From"),
    "web.until_date": ("结束日期", "To"),
    "web.search": ("查询", "Search"),
    "web.time": ("时间", "Time"),
    "web.amount": ("金额（元）", "Amount (yuan)"),
    "web.balance_after": ("余额（元）", "Balance (yuan)"),
    "web.reason": ("说明", "Details"),
    "web.ledger_none": ("没有符合条件的记录。", "No entries match."),
    "web.ledger_count": (
        "共{total}条，第{page}/{pages}页",
        "{total} entries, page {page} of {pages}",
    ),
    "web.prev": ("上一页", "Previous"),
    "web.next": ("下一页", "Next"),
    "web.paging": ("分页", "Pages"),
    # simulator
    "web.sim_title": ("短信模拟器", "SMS simulator"),
    "web.sim_intro": (
        "以某个号码的身份发送短信到服务号码，回复与下发短信都来自真实的短信引擎。",
        "Send an SMS as a subscriber to a service number; the replies come from the real "
        "SMS engine.",
    ),
    "web.sim_from": ("发送号码", "From"),
    "web.sim_to": ("服务号码", "To"),
    "web.sim_text": ("短信内容", "Message"),
    "web.sim_send": ("发送", "Send"),
    "web.sim_replies": ("回复", "Replies"),
    "web.sim_no_reply": ("没有回复。", "No reply."),
    "web.sim_outbox": ("下发给{msisdn}的短信", "SMS sent to {msisdn}"),
    "web.sim_outbox_none": ("暂无下发短信。", "No SMS sent yet."),
    "web.sim_show": ("查看下发短信", "Show SMS sent"),
}


def install() -> None:
    """Register the web texts (idempotent)."""
    register(TEXTS)
