"""The loyalty texts (gift, address, order and code errors), registered with the catalogue."""

from __future__ import annotations

from telcare.domain.messages import register

TEXTS: dict[str, tuple[str, str]] = {
    "loyalty.gift_unknown": ("没有代码为{code}的礼品。", "There is no gift with code {code}."),
    "loyalty.gift_brand": ("您的品牌不能兑换{code}。", "Your brand cannot redeem {code}."),
    "loyalty.gift_province": (
        "{code}在您所在省份不提供。",
        "{code} is not offered in your province.",
    ),
    "loyalty.points_short": (
        "兑换{code}需要{need}积分，您当前有{have}积分。",
        "{code} needs {need} points; you have {have}.",
    ),
    "loyalty.out_of_stock": ("{code}暂时无货。", "{code} is out of stock."),
    "loyalty.address_needed": (
        "实物礼品需要收货地址，请先在网上营业厅“积分商城”设置默认地址。",
        "A physical gift needs a delivery address: set one in the online hall's points mall.",
    ),
    "loyalty.address_province": ("省份{value}无效。", "Unknown province {value}."),
    "loyalty.address_missing": (
        "请填写收货人、城市和详细地址。",
        "Recipient, city and street are required.",
    ),
    "loyalty.address_phone": ("联系电话无效。", "The contact phone is not valid."),
    "loyalty.order_unknown": ("没有编号为{id}的订单。", "There is no order {id}."),
    "loyalty.order_bad_step": (
        "订单当前状态为{state}，不能变为{target}。",
        "An order that is {state} cannot become {target}.",
    ),
    "loyalty.order_refunded": (
        "该订单的积分已退还。",
        "This order's points were already returned.",
    ),
    "loyalty.order_not_cancellable": (
        "礼品已出库，不能取消；签收后可申请退货。",
        "The gift has left the warehouse; it can be returned once delivered.",
    ),
    "loyalty.merchant_login": ("商户编号或密码错误。", "Wrong merchant ID or password."),
    "loyalty.code_unknown": (
        "兑换码无效：不是本商户的兑换码。",
        "Invalid code: it is not a code for this merchant.",
    ),
    "loyalty.code_used": (
        "兑换码已于{when}使用，不能重复使用。",
        "This code was already used on {when}; it cannot be used again.",
    ),
    "loyalty.code_expired": (
        "兑换码已于{when}过期。",
        "This code expired on {when}.",
    ),
    "loyalty.not_physical": ("{code}不是实物礼品。", "{code} is not a physical gift."),
    "loyalty.month_bad": ("月份格式应为YYYY-MM。", "Months are written YYYY-MM."),
}
register(TEXTS)
