"""The hint texts a :class:`Malformed` command names (rendered through telcare.domain.messages)."""

from __future__ import annotations

from telcare.domain.messages import N_

HINT_KT = N_("sms.grammar.kt.code")
HINT_QX = N_("sms.grammar.qx.code")
HINT_QX_INDEX = N_("sms.grammar.qx.index")
HINT_CZ = N_("sms.grammar.cz.missing")
HINT_CZ_FORMAT = N_("sms.grammar.cz.format")
HINT_CZ_LENGTH = N_("sms.grammar.cz.length")
HINT_CZ_CARD = N_("sms.grammar.cz.card_length")
HINT_CZ_PIN = N_("sms.grammar.cz.pin_length")
HINT_DH = N_("sms.grammar.dh.code")
HINT_LH = N_("sms.grammar.lh.number")
HINT_QXLH = N_("sms.grammar.qxlh.number")
HINT_LHGJZ = N_("sms.grammar.lhgjz.word")
HINT_LHGJZ_LONG = N_("sms.grammar.lhgjz.too_long")
