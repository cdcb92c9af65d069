"""Printed documents: each one Jinja2 template rendered to HTML and printed to PDF by
WeasyPrint from that same HTML (``printing``), the monthly service-quality report
(``quality``, with its matplotlib charts in ``charts``) and the monthly statement
(``statement``)."""
