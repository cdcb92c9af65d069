"""The order texts of the monthly cycle (first-month terms, plan changes), registered on import."""

from __future__ import annotations

from telcare.domain.messages import register

register(
    {
        "order.terms_full": (
            "首月按整月收取{first}元，此后每月1日自动续订扣费。",
            " The first month costs the full {first} yuan; it renews on the 1st of each month.",
        ),
        "order.terms_prorated": (
            "首月按剩余天数折算收取{first}元，此后每月1日自动续订扣费。",
            " The first month is prorated by day: {first} yuan; it renews on the 1st of "
            "each month.",
        ),
        "order.terms_change": (
            "套餐变更将于{date}生效，届时收取首月月费{price}元，本月仍按原套餐计费。",
            " The change takes effect on {date}, when the first month's {price} yuan is "
            "charged; this month stays on your current plan.",
        ),
        "order.plan_change_scheduled": (
            "您已成功办理套餐变更：{name}将于{date}生效。发送QXTCBG可在生效前取消。",
            "Plan change booked: {name} starts on {date}. Send QXTCBG to cancel it before then.",
        ),
        "order.plan_change_pending": (
            "您已有一项待生效的套餐变更，请先发送QXTCBG取消后再办理。",
            "You already have a plan change waiting; send QXTCBG to cancel it first.",
        ),
        "order.plan_change_shown": (
            "待生效的套餐变更：{name}，{date}生效。",
            " Plan change waiting: {name} from {date}.",
        ),
        "order.plan_change_cancelled": (
            "您的套餐变更（{name}）已取消，继续使用当前套餐。",
            "Your plan change ({name}) is cancelled; you keep your current plan.",
        ),
        "web.cancel_change": ("取消套餐变更", "Cancel the plan change"),
        "order.no_plan_change": ("您没有待生效的套餐变更。", "You have no plan change waiting."),
    }
)
