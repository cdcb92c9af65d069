"""The survey texts (questions by SMS, hints, thanks, errors), registered with the catalogue."""

from __future__ import annotations

from telcare.domain.messages import register

TEXTS: dict[str, tuple[str, str]] = {
    "survey.ask.scale5": (
        "【10086满意度调查】{question}请在48小时内回复1-5分（5分为非常满意），"
        "可在分数后附上您的意见。回复免费。",
        "[10086 survey] {question} Reply 1-5 within 48 hours (5 = very satisfied); "
        "you may add a comment after the score. Replies are free.",
    ),
    "survey.ask.three": (
        "【10086满意度调查】{question}请在48小时内回复“满意”“一般”或“不满意”，"
        "可附上您的意见。回复免费。",
        "[10086 survey] {question} Reply 满意 (satisfied), 一般 (so-so) or 不满意 "
        "(dissatisfied) within 48 hours, with a comment if you like. Replies are free.",
    ),
    "survey.hint_scale": (
        "请回复1至5的数字为本次服务评分（5分为非常满意），可在分数后附上意见，例如：5 服务很好。",
        "Please reply with a score from 1 to 5 (5 = very satisfied), optionally followed "
        "by a comment, e.g. 5 great service.",
    ),
    "survey.hint_three": (
        "请回复“满意”“一般”或“不满意”，可在后面附上意见，例如：不满意 排队太久。",
        "Please reply 满意 (satisfied), 一般 (so-so) or 不满意 (dissatisfied), optionally "
        "followed by a comment.",
    ),
    "survey.hint_text": ("请直接回复您的意见。", "Please reply with your comments."),
    "survey.thanks": (
        "感谢您的评价！我们会继续努力为您提供更好的服务。",
        "Thank you for your feedback!",
    ),
    "survey.thanks_low": (
        "感谢您的评价。很抱歉本次服务未能让您满意，我们会认真改进。",
        "Thank you. We are sorry we let you down and will work to do better.",
    ),
    "survey.none_open": (
        "您目前没有待回复的满意度调查，感谢您的关注。",
        "You have no survey waiting for a reply. Thank you.",
    ),
    "survey.expired": (
        "本次满意度调查已于48小时后结束，感谢您的关注。",
        "This survey closed after 48 hours. Thank you all the same.",
    ),
    "survey.already": (
        "您已完成本次满意度调查，感谢您的参与。",
        "You have already answered this survey. Thank you.",
    ),
    "survey.template_invalid": ("问卷模板无效：{reason}", "Invalid survey template: {reason}"),
    "survey.template_unknown": ("没有问卷模板{code}。", "There is no survey template {code}."),
    "survey.not_your_template": (
        "只有总部或模板所属省公司可以修改该问卷模板。",
        "Only headquarters or the owning province may change this template.",
    ),
    "survey.bad_dimension": ("无法按{value}统计。", "Cannot group scores by {value}."),
    "survey.bad_trigger": ("未知的调查触发类型{value}。", "Unknown survey trigger {value}."),
    "survey.unknown": ("没有该满意度调查。", "There is no such survey."),
}
register(TEXTS)
