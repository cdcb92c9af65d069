"""The partners' SMS and error texts (zh/en), registered once when the package is imported."""

from __future__ import annotations

from telcare.domain.messages import register

register(
    {
        "sp.confirm_ask": (
            "您申请订购{sp}的{name}（{code}），资费{price}元/月，由{sp}提供。请在24小时内回复Y确认订购，"
            "回复N取消。未经确认不收取任何费用。",
            "You asked for {name} ({code}) from {sp} at {price} yuan/month. Reply Y within "
            "24 hours to confirm, N to cancel. Nothing is charged without your confirmation.",
        ),
        "sp.subscribed": (
            "您已成功订购{sp}的{name}，本月收取{price}元，当前余额{balance}元。发送TD{code}至{access}可随时退订。",
            "You now have {name} from {sp}; {price} yuan charged for this month, balance "
            "{balance} yuan. Send TD{code} to {access} to cancel at any time.",
        ),
        "sp.reconfirmed": (
            "您已确认继续使用{sp}的{name}。",
            "You confirmed you keep {name} from {sp}.",
        ),
        "sp.cancelled": (
            "您已退订{sp}的{name}，即时生效，不再收取后续费用。",
            "{name} from {sp} is cancelled at once; no further fees.",
        ),
        "sp.reconfirm_ask": (
            "{sp}的{name}需要您重新确认后才会继续收费。如需继续，请发送DG{code}至{access}并按提示回复Y。",
            "{name} from {sp} needs your confirmation again before any further fee. To keep it, "
            "send DG{code} to {access} and reply Y when asked.",
        ),
        "sp.terminated_notice": (
            "{sp}已因违规被终止合作，您订购的{name}已退订{refund}",
            "{sp} was terminated for violations; your {name} is cancelled.{refund}",
        ),
        "sp.refund_note": (
            "，本月费用{amount}元已退还。",
            " This month's {amount} yuan is refunded.",
        ),
        "sp.unknown_sp": ("没有接入码为{code}的服务提供商。", "There is no SP on {code}."),
        "sp.unknown_service": (
            "{access}没有代码为{code}的业务。",
            "{access} has no service {code}.",
        ),
        "sp.not_trading": (
            "{sp}目前暂停受理新订购。",
            "{sp} is not taking new orders at present.",
        ),
        "sp.launch_refused": (
            "本月信用等级为{tier}级，暂不能上线新业务。",
            "Your credit tier this month is {tier}: new services cannot be launched.",
        ),
        "sp.not_subscribed": ("您未订购{access}的业务。", "You have no service from {access}."),
        "sp.ack": (
            "已收到您的订购申请，请按10086发送的短信回复Y确认，未确认不收费。",
            "Order received: reply Y to the SMS from 10086 to confirm. Nothing is charged before.",
        ),
        "sp.help": (
            "发送DG加业务代码订购（需回复Y确认），发送TD退订全部，TD加业务代码退订单项。",
            "Send DG<code> to order (you confirm with Y), TD to cancel everything, "
            "TD<code> for one service.",
        ),
        "sp.login_wrong": ("接入码或密码错误。", "Wrong access code or password."),
        "sp.bad_violation": ("未知的违规类型{type}。", "Unknown violation type {type}."),
        "sp.bad_rating": ("评分须为1至5。", "A rating is 1 to 5."),
    }
)
