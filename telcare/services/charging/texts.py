"""The SMS texts charging sends: data reminders and the barring notice, in Chinese or English."""

from __future__ import annotations

from telcare.domain.money import fen_to_yuan
from telcare.domain.reminders import Reminder


def _texts(lang: str) -> dict[str, str]:
    if lang == "en":
        return {
            "allowance": "Data reminder: you have used {level}% of {name} this month; "
            "{left} MB left.",
            "charges": "Data reminder: your out-of-package data charges this month "
            "have reached {yuan} yuan.",
            "barring": "Your balance is used up ({yuan} yuan). Please recharge to keep "
            "your service. Reply QXLLTX to stop data reminders.",
        }
    return {
        "allowance": "【流量提醒】尊敬的客户，您本月{name}的数据流量已使用{level}%，剩余{left}MB。",
        "charges": "【流量提醒】尊敬的客户，您本月套餐外数据流量费用已达{yuan}元。",
        "barring": "尊敬的客户，您的账户余额已用尽（当前余额{yuan}元），"
        "为避免停机，请及时充值。中国移动",
    }


def _reminder_text(r: Reminder, lang: str) -> str:
    texts = _texts(lang)
    if r.kind == "allowance":
        return texts["allowance"].format(level=r.level, name=r.name, left=r.left_kb // 1024)
    return texts["charges"].format(yuan=fen_to_yuan(r.level))
