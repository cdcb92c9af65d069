"""The usage CSV reader: every line comes out once, numbered as in the file, whatever
the line endings, blank lines, chunk size or stray bytes."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from telcare.services.charging.reading import _csv_chunks
from telcare.services.charging.records import COLUMNS

RECORD = "r{i},13800138000,data,2026-11-24 10:00:00,{i},0,"
lines = st.lists(
    st.one_of(
        st.integers(0, 10**6).map(lambda i: RECORD.format(i=i)),
        st.sampled_from(["", "   ", "a,b,c"]),  # blank, blank, malformed
        st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=30),  # any text
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(
    body=lines,
    crlf=st.booleans(),
    final_newline=st.booleans(),
    rows=st.integers(1, 7),
    stray=st.booleans(),
)
def test_every_line_once_with_its_file_line_number(
    body: list[str], crlf: bool, final_newline: bool, rows: int, stray: bool
) -> None:
    eol = b"\r\n" if crlf else b"\n"
    encoded = [line.encode() for line in body]
    if stray and encoded:
        encoded[0] = b"\xff" + encoded[0]  # not UTF-8: replaced, never a crash
        body = ["\ufffd" + body[0], *body[1:]]
    after_header = eol.join(encoded) + (eol if final_newline else b"")
    data = ",".join(COLUMNS).encode() + eol + after_header
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "usage.csv"
        path.write_bytes(data)
        chunks = list(_csv_chunks(path, 0, 0, rows))
    got = [(n, raw) for c in chunks for n, raw in zip(c.frame["line"], c.frame["raw"], strict=True)]
    assert got == [(i + 2, text) for i, text in enumerate(body) if text.strip(" ")]  # as the reader
    in_file = after_header.count(b"\n") + (0 if after_header.endswith(b"\n") else 1)
    assert sum(c.lines for c in chunks) == (in_file if after_header else 0)
    assert not chunks or chunks[-1].end == len(data)
