"""Rendering the pages: one Jinja2 environment, the reader's language, flash messages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context

from telcare import __version__
from telcare.channels.documents.printing import TEMPLATES as DOCUMENT_TEMPLATES
from telcare.channels.web.banner import balance_banner
from telcare.channels.web.security import csrf_token, current_msisdn, lang_of, new_form_key
from telcare.domain.catalog import BRAND_NAMES, Brand
from telcare.domain.messages import N_, render
from telcare.domain.money import fen_to_yuan
from telcare.domain.provinces import PROVINCES
from telcare.domain.subscriptions import OPERATOR_TZ

HERE = Path(__file__).parent
# The printed documents' template parts (parts/…) are shared with the pages that show them.
templates = Jinja2Templates(directory=[HERE / "templates", DOCUMENT_TEMPLATES])
_PROVINCE = {p.code: p for p in PROVINCES}


def _local(when: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return when.astimezone(OPERATOR_TZ).strftime(fmt) if when else ""


def _mb(kb: int) -> str:
    return f"{kb / 1024:.1f}".removesuffix(".0")


@pass_context
def _code(ctx: Context, value: object, family: str) -> str:
    """A code shown through the catalog, ``code.<family>.<value>`` (``value|code('cadence')``).

    Without an entry the value shows as it is (tests/e2e/test_pages_language.py finds it).
    """
    raw = getattr(value, "value", value)
    if raw is None or raw == "":
        return ""
    if isinstance(raw, bool):
        raw = "yes" if raw else "no"
    key = f"code.{family}.{raw}" if family else f"code.{raw}"
    text = render(key, str(ctx.get("lang", "zh")))
    return str(raw) if text == key else text


templates.env.filters.update(yuan=fen_to_yuan, local=_local, mb=_mb, code=_code)
templates.env.globals["N_"] = N_  # marks a key for extraction (docs/i18n.md)


def translator(lang: str) -> Callable[..., str]:
    def t(key: str, **params: Any) -> str:
        return render(key, lang, **params)

    return t


def brand_name(brand: str, lang: str) -> str:
    return BRAND_NAMES[Brand(brand)][lang if lang == "en" else "zh"]


def province_name(code: str | None, lang: str) -> str:
    """The province's name; ``*`` (every province) as "all", none as nothing."""
    if not code:
        return ""
    if code == "*":
        return render("code.any", lang)
    p = _PROVINCE.get(code)
    return code if p is None else (p.name_en if lang == "en" else p.name_zh)


def page(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """A full page in the reader's language, with the CSRF token and the pending flash."""
    lang = lang_of(request)
    flash = request.session.pop("flash", None)
    user = current_msisdn(request)
    response = templates.TemplateResponse(
        request,
        template,
        {
            "version": __version__,
            "lang": lang,
            "t": translator(lang),
            "csrf_token": csrf_token(request),
            "new_key": new_form_key,
            "user": user,
            "balance_banner": balance_banner(request, user),  # low balance / barred
            "flash": flash,
            "brand_name": lambda b: brand_name(b, lang),
            "province_name": lambda c: province_name(c, lang),
            "path": request.url.path,
            "demo": bool(getattr(request.app.state, "demo", False)),  # the banner, simulator links
            **(context or {}),
        },
        status_code=status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def flash(request: Request, kind: str, key: str, **params: Any) -> None:
    """Keep one message (``ok`` or ``error``) for the next page, in the reader's language."""
    request.session["flash"] = {"kind": kind, "text": render(key, lang_of(request), **params)}


def redirect(path: str, **query: str) -> RedirectResponse:
    """Post/redirect/get: every form answers with 303 to the page that shows its result."""
    q = {k: v for k, v in query.items() if v}
    return RedirectResponse(f"{path}?{urlencode(q)}" if q else path, status_code=303)
