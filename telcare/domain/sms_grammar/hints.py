"""The hint texts a :class:`Malformed` command names (rendered through telcare.domain.messages)."""

from __future__ import annotations

from telcare.domain.messages import register

HINT_KT = "sms.grammar.kt.code"
HINT_QX = "sms.grammar.qx.code"
HINT_QX_INDEX = "sms.grammar.qx.index"
HINT_CZ = "sms.grammar.cz.missing"
HINT_CZ_FORMAT = "sms.grammar.cz.format"
HINT_CZ_LENGTH = "sms.grammar.cz.length"
HINT_CZ_CARD = "sms.grammar.cz.card_length"
HINT_CZ_PIN = "sms.grammar.cz.pin_length"
HINT_DH = "sms.grammar.dh.code"
HINT_LH = "sms.grammar.lh.number"
HINT_QXLH = "sms.grammar.qxlh.number"
HINT_LHGJZ = "sms.grammar.lhgjz.word"
HINT_LHGJZ_LONG = "sms.grammar.lhgjz.too_long"

HINT_TEXTS: dict[str, tuple[str, str]] = {
    HINT_KT: (
        "开通业务请发送KT+业务代码，例如KTG3YH。",
        "To subscribe, send KT plus the product code, e.g. KTG3YH.",
    ),
    HINT_QX: (
        "取消业务请发送QX+业务代码，例如QXG3YH；发送0000查询已订业务。",
        "To cancel, send QX plus the product code, e.g. QXG3YH; send 0000 to list them.",
    ),
    HINT_QX_INDEX: (
        "请按0000回复中的序号退订，例如QX1或QX1,3；全部退订请发送QXALL。",
        "Reply with numbers from the 0000 list, e.g. QX1 or QX1,3; QXALL cancels all.",
    ),
    HINT_CZ: (
        "充值请发送CZ+16位卡号+6位密码。",
        "To recharge, send CZ plus the 16-digit card number and the 6-digit PIN.",
    ),
    HINT_CZ_FORMAT: (
        "卡号和密码只能是数字，请发送CZ+16位卡号+6位密码。",
        "Card number and PIN are digits only: send CZ + 16-digit card + 6-digit PIN.",
    ),
    HINT_CZ_LENGTH: (
        "卡号16位、密码6位，共22位数字，请核对后重发。",
        "The card number (16 digits) and PIN (6 digits) make 22 digits; please check.",
    ),
    HINT_CZ_CARD: ("充值卡号应为16位数字，请核对后重发。", "The card number has 16 digits."),
    HINT_CZ_PIN: ("充值卡密码应为6位数字，请核对后重发。", "The card PIN has 6 digits."),
    HINT_DH: (
        "兑换礼品请发送DH+礼品代码，例如DHG001。",
        "To redeem a gift, send DH plus the gift code, e.g. DHG001.",
    ),
    HINT_LH: (
        "拦截号码请发送LH+号码，例如LH13800138000。",
        "To block a number, send LH plus the number, e.g. LH13800138000.",
    ),
    HINT_QXLH: (
        "取消拦截请发送QXLH+号码，例如QXLH13800138000。",
        "To unblock a number, send QXLH plus the number, e.g. QXLH13800138000.",
    ),
    HINT_LHGJZ: (
        "拦截关键词请发送LHGJZ+关键词，例如LHGJZ贷款。",
        "To block a keyword, send LHGJZ plus the word, e.g. LHGJZloan.",
    ),
    HINT_LHGJZ_LONG: ("关键词最多20个字。", "A keyword has at most 20 characters."),
}
register(HINT_TEXTS)
