"""The loyalty messages (Chinese and English) the submodules raise and render."""

from __future__ import annotations

from telcare.domain.messages import register

TEXTS: dict[str, tuple[str, str]] = {
    "loyalty.redeemed_delivery": (
        "兑换成功：{name}，扣除{points}积分，剩余{left}积分。订单号{order}，将从{warehouse}仓库发货，"
        "可在网上营业厅查看物流进度。",
        "Redeemed {name} for {points} points ({left} left). Order {order} ships from the "
        "{warehouse} warehouse; follow it in the online hall.",
    ),
    "loyalty.redeemed_code": (
        "兑换成功：{name}，扣除{points}积分，剩余{left}积分。兑换码{code}，{until}前到{merchant}"
        "出示使用，仅限一次。",
        "Redeemed {name} for {points} points ({left} left). Show code {code} at {merchant} "
        "before {until}; it works once.",
    ),
    "loyalty.order_sms": (
        "您的积分兑换订单{order}（{name}）{state}。",
        "Your points order {order} ({name}): {state}.",
    ),
    "loyalty.state.placed": ("已下单", "placed"),
    "loyalty.state.picked": ("已出库", "picked at the warehouse"),
    "loyalty.state.shipped": ("已发货", "shipped"),
    "loyalty.state.delivered": ("已签收", "delivered"),
    "loyalty.state.returned": ("已退货，积分已退还", "returned; points given back"),
    "loyalty.state.cancelled": ("已取消，积分已退还", "cancelled; points given back"),
    "loyalty.verified": (
        "验证成功：{service}，{points}积分。",
        "Valid: {service}, {points} points.",
    ),
    "loyalty.zero_points": ("积分变动不能为0。", "A points change cannot be zero."),
    "loyalty.expiry_early": (
        "{year}年的积分到{day}才到期。",
        "Points earned in {year} expire on {day}, not before.",
    ),
    "loyalty.bad_quantity": ("库存数量{value}无效。", "Stock quantity {value} is not valid."),
    "loyalty.order_bad_state": ("未知订单状态{value}。", "Unknown order state {value}."),
    "loyalty.merchant_unknown": ("没有商户{code}。", "There is no merchant {code}."),
    "loyalty.code_space": ("暂时无法生成兑换码，请稍后再试。", "No code available; try again."),
    "loyalty.checks_locked": (
        "一小时内错误兑换码已达{limit}次，验证已暂停，请于{when}后再试。",
        "{limit} wrong codes within an hour: checks are paused until {when}.",
    ),
    "loyalty.code_refunded": (
        "您的兑换码{code}（{name}）已过期未使用，{points}积分已退还。",
        "Your code {code} ({name}) expired unused; {points} points are back.",
    ),
    "loyalty.hq_only": (
        "只有总部人员可以管理礼品目录和规则。",
        "Only HQ staff manage the catalog and rules.",
    ),
    "loyalty.bad_field": ("{field}无效：{value}", "{field} is not valid: {value}"),
    "loyalty.service_needed": (
        "电子券和商户服务需要选择商户服务。",
        "An e-voucher or partner service needs a merchant service.",
    ),
    "loyalty.rule_unknown": ("没有积分规则{id}。", "There is no accrual rule {id}."),
}
register(TEXTS)
