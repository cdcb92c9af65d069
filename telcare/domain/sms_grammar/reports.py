"""Parsing a spam report to 10086999 and a reply to an SP access code (``TD`` / 退订)."""

from __future__ import annotations

import re
import unicodedata

from telcare.domain.sms_grammar.commands import MAX_INPUT, SpamReport, SpUnsubscribe, Unknown
from telcare.domain.sms_grammar.normalise import _clean, _key, _strip, phone_number

_SP_CODE = re.compile(r"[A-Z0-9]{1,12}", re.ASCII)
_SENDER_WINDOW = 40


def parse_spam_report(text: str) -> SpamReport | None:
    """A spam report: ``<sender number>*<spam text>`` or the spam text alone.

    The first character that NFKC turns into ``*`` (``＊``, ``﹡``) separates when it
    comes within the first 40 characters and what precedes it is a sender number (see
    :func:`phone_number`) or nothing; otherwise the whole message is the text. The
    text is kept as sent, only trimmed of surrounding whitespace and control
    characters. A message with no visible text gives None.
    """
    sender: str | None = None
    spam = text
    for i, ch in enumerate(text[:_SENDER_WINDOW]):
        if unicodedata.normalize("NFKC", ch) == "*":
            head = _clean(text[:i])
            number = phone_number(head)
            if number is not None or not _strip(head, "ZC"):
                sender, spam = number, text[i + 1 :]
            break
    spam = _strip(spam, "ZC")
    return SpamReport(sender, spam) if spam else None


_TD = re.compile(r" *(?:T *D|退 *订)(?P<rest>.*)", re.DOTALL)


def parse_sp_reply(text: str) -> SpUnsubscribe | Unknown:
    """A reply to an SP access code: ``TD`` / 退订, optionally followed by a service code."""
    if len(text) > MAX_INPUT:
        return Unknown(text[:MAX_INPUT])
    match = _TD.fullmatch(_key(_clean(text)))
    if match is None:
        return Unknown(text)
    code = match["rest"].replace(" ", "")
    if not code:
        return SpUnsubscribe()
    return SpUnsubscribe(code) if _SP_CODE.fullmatch(code) else Unknown(text)
