"""SMPP PDU fields: status codes, data_coding text codecs (GSM 03.38, UCS-2), UDH, addresses."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)
from smpplib import consts

logger = logging.getLogger(__name__)

ESME_ROK = consts.SMPP_ESME_ROK
ESME_RINVDSTADR = consts.SMPP_ESME_RINVDSTADR
ESME_RX_T_APPN = consts.SMPP_ESME_RX_T_APPN
ESME_RX_P_APPN = consts.SMPP_ESME_RX_P_APPN
ESME_RTHROTTLED = consts.SMPP_ESME_RTHROTTLED
ESME_RMSGQFUL = consts.SMPP_ESME_RMSGQFUL

ESM_UDHI = 0x40
ESM_MESSAGE_TYPE = 0x3C  # bits 2-5: delivery receipt, SME acks, intermediate notification
_DC_DEFAULT, _DC_IA5, _DC_LATIN1, _DC_UCS2 = 0x00, 0x01, 0x03, 0x08

# Characters encoded identically in ASCII and in the GSM default alphabet: text made only of
# these can go out as data_coding 0 whatever the SMSC's default alphabet really is.
_DC0_SAFE = frozenset(
    " !\"#%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\n\r"
)


def decode_short_message(
    payload: bytes, data_coding: int, default_alphabet: Literal["ascii", "gsm"] = "ascii"
) -> str:
    """Decode an SMPP user-data payload (without UDH) according to ``data_coding``."""
    dc = data_coding or 0
    if 0xF0 <= dc <= 0xFF:  # GSM message-class group: bit 2 chooses 8-bit data over default
        dc = _DC_LATIN1 if dc & 0x04 else _DC_DEFAULT
    if dc == _DC_UCS2:
        if len(payload) % 2:
            payload = payload[:-1]
        return payload.decode("utf-16-be", errors="replace")
    if dc == _DC_DEFAULT and default_alphabet == "gsm":
        return _gsm_decode(payload)
    if dc in (_DC_DEFAULT, _DC_IA5, _DC_LATIN1):
        return payload.decode("latin-1")
    codec = {0x06: "iso8859-5", 0x07: "iso8859-8"}.get(dc, "latin-1")
    if codec == "latin-1":
        logger.warning("unsupported data_coding 0x%02x, decoding as latin-1", dc)
    return payload.decode(codec, errors="replace")


def _gsm_decode(payload: bytes) -> str:
    if any(octet > 0x7F for octet in payload):  # not septets: the SMSC evidently sends 8-bit
        return payload.decode("latin-1")
    return payload.decode("gsm03.38", errors="replace")


GSM_SINGLE, GSM_PART = 160, 153
"""Septets in one SMS, and in each part of a concatenated one (7 octets of UDH)."""
UCS2_SINGLE, UCS2_PART = 140, 134
"""Octets of UCS-2 in one SMS (70 characters), and in each part (67)."""


def encode_text(
    text: str, allow_default_alphabet: bool = True, gsm: bool = False
) -> tuple[int, list[bytes]]:
    """Encode an MT text: ``(data_coding, [user data per part])``.

    data_coding 0 (the SMSC's default alphabet, 160 septets, 153 per part) when the text is
    made of characters that ASCII and GSM 03.38 encode alike, or, with ``gsm`` (the SMSC's
    default alphabet is GSM 03.38), of any GSM 03.38 characters (``€ [ ]`` … take two
    septets, never split); anything else UCS-2 (70 characters, 67 per part; a surrogate pair
    is never split). A longer text becomes parts each prefixed with a concatenation UDH (the
    caller sets esm_class UDHI when there are several). The GSM encoding is the ``gsm0338``
    codec's, unpacked (one septet per octet), as SMPP carries it.
    """
    if allow_default_alphabet and set(text) <= _DC0_SAFE:
        return _DC_DEFAULT, _split(text.encode("ascii"), GSM_SINGLE, GSM_PART, _gsm_cut)
    if allow_default_alphabet and gsm:
        try:
            data = text.encode("gsm03.38")
        except UnicodeEncodeError:
            pass
        else:
            return _DC_DEFAULT, _split(data, GSM_SINGLE, GSM_PART, _gsm_cut)
    return _DC_UCS2, _split(text.encode("utf-16-be"), UCS2_SINGLE, UCS2_PART, _ucs2_cut)


def _gsm_cut(data: bytes, end: int) -> int:
    """Never end a part between an escape (0x1B) and the septet it extends."""
    escapes = 0
    while end - escapes - 1 >= 0 and data[end - escapes - 1] == 0x1B:
        escapes += 1
    return end - 1 if escapes % 2 else end


def _ucs2_cut(data: bytes, end: int) -> int:
    """Never end a part after a high surrogate (D800-DBFF)."""
    return end - 2 if 0xD8 <= data[end - 2] <= 0xDB else end


def _split(data: bytes, single: int, part: int, cut: Callable[[bytes, int], int]) -> list[bytes]:
    if len(data) <= single:
        return [data]
    chunks: list[bytes] = []
    start = 0
    while start < len(data):
        end = min(start + part, len(data))
        if end < len(data):
            end = cut(data, end)
        chunks.append(data[start:end])
        start = end
    if len(chunks) > 255:
        raise ValueError(f"text too long for one concatenated SMS ({len(chunks)} parts)")
    ref = random.randint(0, 255)
    total = len(chunks)
    return [bytes([5, 0, 3, ref, total, i]) + c for i, c in enumerate(chunks, 1)]


@dataclass(frozen=True, slots=True)
class Concat:
    ref: int
    total: int
    seq: int


def split_udh(short_message: bytes) -> tuple[Concat | None, bytes]:
    """Strip a user data header; return its concatenation info (if any) and the body.

    Raises ``ValueError`` for a header longer than the message or an element overrunning it.
    """
    if not short_message:
        return None, b""
    udh_len = short_message[0]
    if udh_len + 1 > len(short_message):
        raise ValueError(f"UDH of {udh_len} octets in a {len(short_message)}-octet message")
    udh, body = short_message[1 : 1 + udh_len], short_message[1 + udh_len :]
    pos = 0
    concat = None
    while pos + 2 <= len(udh):
        iei, length = udh[pos], udh[pos + 1]
        value = udh[pos + 2 : pos + 2 + length]
        if len(value) < length:
            raise ValueError(f"UDH element 0x{iei:02x} overruns the header")
        if iei == 0x00 and length == 3:
            concat = Concat(value[0], value[1], value[2])
        elif iei == 0x08 and length == 4:
            concat = Concat((value[0] << 8) | value[1], value[2], value[3])
        pos += 2 + length
    return concat, body


def normalise_address(address: str) -> str:
    """Turn ``+8613800138000`` / ``008613800138000`` / ``8613800138000`` into 11 digits."""
    digits = address.strip().lstrip("+")
    for prefix in ("0086", "86"):
        rest = digits[len(prefix) :]
        if digits.startswith(prefix) and len(rest) == 11 and rest.startswith("1"):
            return rest
    return digits


def text_of(value: Any) -> str:
    """smpplib parses C-octet strings as bytes; make them str."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)
