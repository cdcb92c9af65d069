"""The monthly statement of a line as a document: ``templates/statement.html`` around
the part the hall page shows too (``templates/parts/statement.html``), printed to PDF."""

from __future__ import annotations

from pathlib import Path

from telcare import clock
from telcare.channels.documents.printing import print_pdf, render_document
from telcare.domain.ledger_reasons import say
from telcare.services.cycle import Statement


def render_html(st: Statement, lang: str = "zh") -> str:
    """The statement as one self-contained HTML page."""
    import telcare.channels.web.statement  # noqa: F401 - registers the web.st.* texts shared with the page

    return render_document(
        "statement.html",
        lang,
        st=st,
        printed_at=clock.now(),
        reason=lambda i: say(i.reason, i.kind, lang),  # in the reader's language, as the page
    )


def render_pdf(st: Statement, lang: str = "zh") -> bytes:
    """The statement printed (A4, numbered pages, the items' header on every page)."""
    return print_pdf(render_html(st, lang))


def write_statement(st: Statement, out: Path, lang: str = "zh") -> tuple[Path, Path]:
    """Write ``out`` (HTML) and the PDF printed from that HTML next to it (``.pdf``)."""
    html_path = out if out.suffix.lower() in (".html", ".htm") else out.with_suffix(".html")
    pdf_path = html_path.with_suffix(".pdf")
    html_path.parent.mkdir(parents=True, exist_ok=True)
    page = render_html(st, lang)
    html_path.write_text(page, encoding="utf-8")
    pdf_path.write_bytes(print_pdf(page))
    return html_path, pdf_path
