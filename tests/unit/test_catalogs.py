"""The gettext catalogs: every key the code uses is translated everywhere, and nothing else.

The keys are found the way ``make catalogs-extract`` finds them (Babel's extraction with
babel.cfg and the Makefile's keywords), so a key the extraction cannot see fails here too.
"""

from __future__ import annotations

import ast
import re
import string
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from telcare.domain import messages

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "telcare" / "locale"
KEYWORDS = {"render": None, "t": None, "_": None, "N_": None, "flash": (3,)}
CJK = re.compile(r"[\u4e00-\u9fff]")


@cache
def extracted() -> dict[str, list[str]]:
    """Key -> where it is used, as ``pybabel extract`` sees it."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: dict[str, list[str]] = {}
    for path, line, msg, _comments, _ctx in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords={k: v for k, v in KEYWORDS.items()},  # type: ignore[misc]
    ):
        if isinstance(msg, str):
            found.setdefault(msg, []).append(f"{path}:{line}")
    return found


def catalog(locale: str) -> Catalog:
    with (LOCALE / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale)


LOCALES = sorted(p.parent.parent.name for p in LOCALE.glob("*/LC_MESSAGES/messages.po"))


def test_both_languages_have_a_catalog_and_are_discovered() -> None:
    assert {"zh_CN", "en"} <= set(LOCALES)
    assert messages.languages()[:1] == ("zh",) and "en" in messages.languages()


@pytest.mark.parametrize("locale", LOCALES)
def test_every_key_used_is_translated(locale: str) -> None:
    cat = catalog(locale)
    problems = []
    for key, where in sorted(extracted().items()):
        entry = cat.get(key)
        if entry is None or not entry.string:
            problems.append(f"{key} missing (used at {where[0]})")
        elif entry.fuzzy:
            problems.append(f"{key} is fuzzy")
    assert not problems, f"{locale}: " + "; ".join(problems[:30])


@pytest.mark.parametrize("locale", LOCALES)
def test_no_entry_that_no_code_uses(locale: str) -> None:
    """An entry extraction cannot see is dead, or a key built at run time with no ``N_`` mark."""
    cat = catalog(locale)
    unused = sorted(str(m.id) for m in cat if m.id and m.id not in extracted())
    assert not unused, f"{locale}: not used (or not marked with N_): {unused[:30]}"
    assert not cat.obsolete, f"{locale}: obsolete #~ entries: {sorted(cat.obsolete)[:30]}"


def test_the_template_lists_exactly_the_keys_used() -> None:
    with (LOCALE / "messages.pot").open("rb") as fh:
        pot = {str(m.id) for m in read_po(fh) if m.id}
    assert pot == set(extracted()), "run `make catalogs-update`"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


# English ledger reasons leave out the product's or SP's Chinese name on purpose.
OMITS_NAME = {"ledger.r.monthly", "ledger.r.order", "ledger.r.sp_fee"}


def test_placeholders_are_the_same_in_every_language() -> None:
    cats = {loc: catalog(loc) for loc in LOCALES}
    differ = []
    for m in cats["zh_CN"]:
        if not m.id:
            continue
        want = _fields(str(m.string))
        for loc, cat in cats.items():
            other = cat.get(m.id)
            want_here = want - {"name"} if m.id in OMITS_NAME and loc != "zh_CN" else want
            if other is not None and other.string and _fields(str(other.string)) != want_here:
                differ.append(
                    f"{m.id} ({loc}: {sorted(_fields(str(other.string)))} vs {sorted(want)})"
                )
    assert not differ, differ


# English texts that quote Chinese on purpose: the switch names the other language; the
# three-point survey's reply words are Chinese whatever the language.
QUOTES_CHINESE = {"web.lang_switch", "survey.ask.three", "survey.hint_three"}


def test_english_has_no_chinese_and_chinese_is_chinese() -> None:
    en, zh = catalog("en"), catalog("zh_CN")
    cjk = {str(m.id) for m in en if m.id and CJK.search(str(m.string))}
    assert cjk == QUOTES_CHINESE
    # a zh text with no CJK at all is most likely an untranslated English one
    latin = [
        m.id
        for m in zh
        if m.id
        and m.id != "web.lang_switch"  # names the other language
        and not CJK.search(str(m.string))
        and re.search(r"[a-z]{3}", re.sub(r"\{[^}]*\}", "", str(m.string)))
    ]
    assert not latin, latin


def test_no_text_dicts_left_in_python() -> None:
    """No (zh, en) tuples in code: every user-facing text lives in the catalogs."""
    found = []
    for path in (ROOT / "telcare").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Tuple)
                and len(node.elts) == 2
                and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts)
                and CJK.search(node.elts[0].value)  # type: ignore[attr-defined]
                and not CJK.search(node.elts[1].value)  # type: ignore[attr-defined]
                and re.search(r"[a-z]{3}", node.elts[1].value)  # type: ignore[attr-defined]
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not hasattr(messages, "register")
    assert not found, found


def test_render_falls_back_to_chinese_then_to_the_key() -> None:
    assert messages.render("web.site", "en") == "Online business hall"
    assert messages.render("web.site", "zh") == "网上营业厅"
    assert messages.render("web.site", "xx") == "网上营业厅"
    assert messages.render("no.such.key", "en") == "no.such.key"
    assert "13800000000" in messages.render("subscriber.unknown", "en", msisdn="13800000000")


def test_a_new_language_is_a_new_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A translator adds a folder; no code changes (docs/i18n.md)."""
    for loc in ("zh_CN", "en"):
        dest = tmp_path / loc / "LC_MESSAGES"
        dest.mkdir(parents=True)
        (dest / "messages.po").write_bytes(
            (LOCALE / loc / "LC_MESSAGES" / "messages.po").read_bytes()
        )
    fr = tmp_path / "fr" / "LC_MESSAGES"
    fr.mkdir(parents=True)
    (fr / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "web.site"\nmsgstr "Agence en ligne"\n\n'
        '#, fuzzy\nmsgid "web.logout"\nmsgstr "Sortie?"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(messages, "LOCALE_DIR", tmp_path)
    messages.catalogs.cache_clear()
    try:
        assert messages.languages() == ("zh", "en", "fr")
        assert messages.render("web.site", "fr") == "Agence en ligne"
        assert messages.render("web.logout", "fr") == "退出"  # fuzzy: not used
    finally:
        monkeypatch.undo()
        messages.catalogs.cache_clear()
