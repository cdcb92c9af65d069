"""The anti-spam platform's SMS texts: report acknowledgements, outcomes, format errors."""

from __future__ import annotations

from telcare.domain.messages import register

TEXTS: dict[str, tuple[str, str]] = {
    "antispam.ack": (
        "已收到您对{sender}的垃圾短信举报，我们将尽快核查处理，感谢您的支持。【中国移动】",
        "We received your report about {sender} and will look into it. Thank you. [China Mobile]",
    ),
    "antispam.ack_unmatched": (
        "已收到您的举报，但未找到该短信的发送号码；请按“号码*短信内容”格式发送至10086999。",
        "Report received, but we found no sender for that text; send <number>*<text> to 10086999.",
    ),
    "antispam.outcome.restricted": (
        "您举报的号码{sender}经核实发送垃圾短信，已被限制发送短信。感谢您的举报！【中国移动】",
        "{sender}, which you reported, sent spam and can no longer send SMS. Thank you!",
    ),
    "antispam.outcome.sp_violation": (
        "您举报的{sender}经核实发送垃圾短信，已记录违规并依规处理。感谢您的举报！【中国移动】",
        "{sender}, which you reported, sent spam; a violation was recorded. Thank you!",
    ),
    "antispam.outcome.flagged": (
        "您举报的号码{sender}经核实发送垃圾短信，其短信已被拦截。感谢您的举报！【中国移动】",
        "{sender}, which you reported, sent spam; its messages are now intercepted. Thank you!",
    ),
    "antispam.outcome.no_action": (
        "经核查，暂未发现号码{sender}存在违规。感谢您的举报！【中国移动】",
        "We found no violation by {sender} for now. Thank you for your report.",
    ),
}
register(TEXTS)


register(
    {
        "antispam.report_empty": (
            "举报内容不能为空，请按“号码*短信内容”格式发送。",
            "The report is empty; send <number>*<text>.",
        )
    }
)
