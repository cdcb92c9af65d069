"""Codes the console pages show, said in words in both languages: ``code(family, value)``
in a template renders ``web.code.<family>.<value>`` (an unknown code as it is)."""

from __future__ import annotations

from jinja2 import pass_context
from jinja2.runtime import Context

from telcare.channels.web.render import templates
from telcare.domain.messages import known, render


def code_text(lang: str, family: str, value: object) -> str:
    """A code of ``family`` in words (``web.code.<family>.<value>``); an unknown code as is."""
    if value is None:
        return ""
    key = f"web.code.{family}.{value}"
    return render(key, lang) if known(key) else str(value)


@pass_context
def _code(context: Context, family: str, value: object) -> str:
    return code_text(str(context.get("lang", "zh")), family, value)


templates.env.globals["code"] = _code
