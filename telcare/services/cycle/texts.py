"""The cycle's SMS and error texts (zh/en), registered once when the package is imported."""

from __future__ import annotations

from telcare.domain.messages import register

register(
    {
        "cycle.lapsed": (
            "尊敬的客户，您的账户余额不足以支付{name}{month}月费{price}元，该业务本月未续订。"
            "充值后可发送KT{code}重新订购。中国移动",
            "Your balance does not cover the {price} yuan fee of {name} for {month}, so it "
            "was not renewed. Recharge and send KT{code} to order it again.",
        ),
        "cycle.barring": (
            "尊敬的客户，{month}月套餐费已扣除，您的账户余额为{yuan}元，为避免停机，请及时充值。中国移动",
            "This month's ({month}) plan fee is charged and your balance is {yuan} yuan. "
            "Please recharge to keep your service.",
        ),
        "cycle.early": (
            "{month}尚未开始，不能续订。",
            "{month} has not begun yet: nothing to renew.",
        ),
        "cycle.statement_ready": (
            "尊敬的客户，您{month}的月账单已生成，可登录网上营业厅“我的账单”查看或下载。中国移动",
            "Your statement for {month} is ready: see or download it under My statement in the "
            "online hall.",
        ),
        "cycle.fee_reminder": (
            "尊敬的客户，{date}将扣除套餐及业务月费{fees}元，您当前余额{balance}元，"
            "为免业务失效或停机，请及时充值。中国移动",
            "On {date} your monthly fees of {fees} yuan are due; your balance is "
            "{balance} yuan. Please recharge to keep your services.",
        ),
        "cycle.unknown_job": ("没有名为{job}的定时任务。", "There is no periodic job {job}."),
    }
)
