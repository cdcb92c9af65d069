"""Mainland China mobile numbers (MSISDN): 11 digits ``1[3-9]xxxxxxxxx``."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

from telcare.domain.errors import InvalidMsisdn
from telcare.domain.messages import N_

_SHAPE = re.compile(r"1[3-9]\d{9}")
_PREFIX = re.compile(r"^(?:\+?86|0086)(?=1\d{10}$)")


@lru_cache(maxsize=65536)
def normalise_msisdn(raw: str) -> str:
    """Return the 11-digit national form of ``raw`` or raise :class:`InvalidMsisdn`.

    Accepts ``+86``/``86``/``0086`` prefixes and spaces or dashes; the number must be
    a valid Chinese mobile number according to ``phonenumbers`` (cached: it is on
    every request's path and numbers repeat).
    """
    if not isinstance(raw, str):
        raise InvalidMsisdn(N_("msisdn.invalid"), value=repr(raw))
    digits = re.sub(r"[\s-]", "", raw)
    digits = _PREFIX.sub("", digits)
    if not _SHAPE.fullmatch(digits):
        raise InvalidMsisdn(N_("msisdn.invalid"), value=raw)
    parsed = phonenumbers.parse(digits, "CN")
    if not phonenumbers.is_valid_number(parsed) or phonenumbers.number_type(parsed) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise InvalidMsisdn(N_("msisdn.invalid"), value=raw)
    return digits


def is_msisdn(raw: str) -> bool:
    try:
        normalise_msisdn(raw)
    except InvalidMsisdn:
        return False
    return True
