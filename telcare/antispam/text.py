"""Text normalisation (the same at training and inference) and a cheap language router.

Real SMS carry digits, links and sender signatures; the training corpora mask every digit
as ``x``. :func:`normalize` turns both into the same placeholder tokens, so a masked
``xxxxxx`` and a real ``482913`` look alike, and a link becomes what matters about it
(a known sender's domain, an unknown one, a shortener) rather than its letters:

- links -> :data:`URL` plus :data:`DOMAIN_KNOWN`, :data:`DOMAIN_SHORT` or :data:`DOMAIN_OTHER`
- a leading or trailing ``【…】`` signature (or a leading ``[…]`` or ``Name:``) ->
  :data:`SIG_KNOWN` (a brand in :data:`~telcare.antispam.lexicon.BRANDS`, or an
  institution by :data:`~telcare.antispam.lexicon.INSTITUTION_SUFFIXES`) or
  :data:`SIG_OTHER`, followed by the name
- amounts (``58.30元``, ``¥12``, ``£900``) -> :data:`AMOUNT`
- runs of digits (or masked ``x``): 7 and more -> :data:`PHONE`, 4 to 6 -> :data:`CODE`,
  1 to 3 -> :data:`NUM`

Placeholders are private-use characters with spaces around them, so they are single
characters for the character n-grams and single words for the word features.
"""

from __future__ import annotations

import re
import unicodedata

from telcare.antispam.lexicon import BRANDS, INSTITUTION_SUFFIXES, KNOWN_DOMAINS, SHORTENERS

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ud800-\udfff\ufeff]")
_DIGIT = re.compile(r"\d")
_SPACE = re.compile(r"\s+")

MAX_CHARS = 2000
"""Longer texts are truncated: real SMS (even concatenated) stay far below this."""

URL = "\U000f0001"
DOMAIN_KNOWN = "\U000f0002"
DOMAIN_SHORT = "\U000f0003"
DOMAIN_OTHER = "\U000f0004"
SIG_KNOWN = "\U000f0005"
SIG_OTHER = "\U000f0006"
AMOUNT = "\U000f0007"
PHONE = "\U000f0008"
CODE = "\U000f0009"
NUM = "\U000f000a"
PLACEHOLDERS = (URL, DOMAIN_KNOWN, DOMAIN_SHORT, DOMAIN_OTHER, SIG_KNOWN, SIG_OTHER)
PLACEHOLDERS += (AMOUNT, PHONE, CODE, NUM)

_TLD = (
    r"com|cn|net|org|cc|top|xyz|vip|io|me|co|ly|gl|info|biz|tk|ml|site|shop|club|app|link|uk|"
    r"gd|so|im|nz|lt|nu|at|id|gy|us|hk|tw|ru|in|online|icu|live|win|bet|fun|ink|work|pro|asia"
)
_URL = re.compile(
    r"(?:https?:/{1,2}|www\.)[a-z0-9.\-]*[a-z0-9\-][a-z0-9./?=&_%#:~+\-]*"
    rf"|(?<![a-z0-9@.\-])(?:[a-z0-9\-]+\.)+(?:{_TLD})(?![a-z0-9\-])(?:[:/][a-z0-9./?=&_%#~+\-]*)?"
)
_HOST = re.compile(r"^(?:https?:/{1,2})?([a-z0-9.\-]+)")
_SIG = re.compile(r"^\s*【([^【】]{1,16})】|【([^【】]{1,16})】\s*$|^\s*\[([^\[\]]{1,16})\]")
_EN_SIG = re.compile(r"^([a-z][a-z0-9'&. ]{0,22}[a-z0-9]):\s")
_AMOUNT_RE = (
    r"[¥$£€]\s*[D][D,]*(?:\.[D]+)?"
    r"|(?<![a-z0-9])[D][D,]*(?:\.[D]+)?\s*(?:元|块钱|rmb|yuan|usd|gbp|pounds?|dollars?)"
)
_NUMBER_RE = r"(?<![a-z0-9])[D]+(?:[\- ][D]+)*(?![a-z0-9])"
# Chinese corpus texts mask digits as "x"; in texts without CJK, "x" is a letter ("xx" = kisses).
_AMOUNT = {
    cjk: re.compile(_AMOUNT_RE.replace("D", d)) for cjk, d in ((True, r"\dx"), (False, r"\d"))
}
_NUMBER = {
    cjk: re.compile(_NUMBER_RE.replace("D", d)) for cjk, d in ((True, r"\dx"), (False, r"\d"))
}


def _host_kind(host: str) -> str:
    host = host.strip(".-")
    if host.startswith("www."):
        host = host[4:]
    if host in SHORTENERS:
        return DOMAIN_SHORT
    parts = host.split(".")
    if any(".".join(parts[i:]) in KNOWN_DOMAINS for i in range(len(parts) - 1)):
        return DOMAIN_KNOWN
    return DOMAIN_OTHER


def _url(match: re.Match[str]) -> str:
    host = _HOST.match(match.group(0))
    return f" {URL}{_host_kind(host.group(1) if host else '')} "


def _signature(match: re.Match[str]) -> str:
    name = next((g for g in match.groups() if g), "").strip()
    known = name in BRANDS or name.endswith(INSTITUTION_SUFFIXES)
    return f" {SIG_KNOWN if known else SIG_OTHER} {name} "


def _number(match: re.Match[str]) -> str:
    run = match.group(0)
    digits = sum(ch != "-" and ch != " " for ch in run)
    if digits >= 7:
        return f" {PHONE} "
    if " " in run:  # "12 345": two numbers, not one
        return " ".join(_number_token(len(p)) for p in run.split())
    return _number_token(digits)


def _number_token(n: int) -> str:
    return f" {CODE} " if n >= 4 else f" {NUM} "


def normalize(text: str) -> str:
    """NFKC, lower case, control chars dropped, links, signatures and numbers as placeholders."""
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS]).lower()
    text = _CTRL.sub("", text)
    text = _URL.sub(_url, text)
    text = _SIG.sub(_signature, text)
    text = _EN_SIG.sub(_signature, text, count=1)
    cjk = _CJK.search(text) is not None
    text = _AMOUNT[cjk].sub(f" {AMOUNT} ", text)
    text = _NUMBER[cjk].sub(_number, text)
    text = _DIGIT.sub("x", text)
    return _SPACE.sub(" ", text).strip()


def cjk_count(text: str) -> int:
    """Number of Han, kana or hangul characters."""
    return len(_CJK.findall(text))


def detect_lang(text: str) -> str:
    """``"zh"`` when the text contains CJK characters, else ``"en"``."""
    return "zh" if _CJK.search(text) else "en"
