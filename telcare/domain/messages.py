"""User-facing texts from the gettext catalogs, zh-CN by default, English and any other
language that has a catalog under ``telcare/locale/<locale>/LC_MESSAGES/messages.po``.

Every text has a key (``web.site``, ``order.expired``): domain errors and outcomes name the
key; channels render it in the reader's language with :func:`render`.  The catalogs are the
only place texts live (docs/i18n.md); they are read once, on first use, with Babel.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

ZH = "zh"
EN = "en"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def N_(key: str) -> str:
    """Mark a key for extraction where it is built or passed around, not rendered (identity)."""
    return key


def language_of(locale: str) -> str:
    """The language code a catalog folder serves: ``zh_CN`` -> ``zh``, ``en`` -> ``en``."""
    return locale.replace("-", "_").split("_")[0].lower()


@cache
def catalogs() -> dict[str, dict[str, str]]:
    """Language code -> key -> text, for every catalog in the locale folder (read once).

    Fuzzy and empty entries are left out, so they fall back to zh-CN, then to the key.
    """
    found: dict[str, dict[str, str]] = {}
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/messages.po")):
        locale = po.parent.parent.name
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        texts = {
            str(m.id): str(m.string)
            for m in catalog
            if m.id and isinstance(m.string, str) and m.string and not m.fuzzy
        }
        found.setdefault(language_of(locale), {}).update(texts)
    return found


def languages() -> tuple[str, ...]:
    """The languages with a catalog, zh first."""
    return tuple(sorted(catalogs(), key=lambda lang: (lang != ZH, lang)))


def supported(lang: str) -> bool:
    return lang in catalogs()


def render(key: str, lang: str = ZH, **params: Any) -> str:
    """The text for ``key`` in ``lang`` with ``params`` filled in.

    A language without a catalog, or a key its catalog lacks, falls back to zh-CN; an unknown
    key renders as the key itself, so a missing text never breaks a reply.
    """
    all_texts = catalogs()
    template = all_texts.get(lang, {}).get(key) or all_texts.get(ZH, {}).get(key)
    if template is None:
        return key
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def known(key: str) -> bool:
    return key in catalogs().get(ZH, {})


def keys(prefix: str = "") -> list[str]:
    """The zh-CN catalog's keys starting with ``prefix``, sorted."""
    return sorted(k for k in catalogs().get(ZH, {}) if k.startswith(prefix))
