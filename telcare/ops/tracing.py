"""OpenTelemetry tracing, off by default (``TELCARE_OTEL_ENABLED=1`` turns it on).

When on, :func:`setup` installs a tracer provider named after the process
(``telcare-web``, ``telcare-smpp``, ``telcare-bus``…) exporting over OTLP/HTTP (the
standard ``OTEL_EXPORTER_OTLP_ENDPOINT`` and ``OTEL_EXPORTER_OTLP_HEADERS`` apply) or to
the console (``TELCARE_OTEL_EXPORTER=console``), and instruments FastAPI and
SQLAlchemy. The bus carries the W3C ``traceparent`` in the NATS message headers
(:func:`inject`, :func:`extracted`), so a ticket change traced in a province continues
at headquarters. The SDK and instrumentations are the optional extra ``telcare[otel]``;
they are imported only when tracing is on. When it is off every function here is a no-op.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any

from telcare.config import get_settings

_enabled = False


def enabled() -> bool:
    return _enabled


def setup(service: str, *, app: Any = None, engine: Any = None) -> bool:
    """Turn tracing on for this process if the settings say so; whether it is on."""
    global _enabled
    settings = get_settings()
    if not settings.otel_enabled:
        return False
    # Optional and heavy: imported only when tracing is on.
    from opentelemetry import trace
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import (
        BatchSpanProcessor,
        ConsoleSpanExporter,
        SpanExporter,
    )

    if not _enabled:
        provider = TracerProvider(resource=Resource.create({"service.name": service}))
        exporter: SpanExporter
        if settings.otel_exporter == "console":
            exporter = ConsoleSpanExporter()
        else:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporter = OTLPSpanExporter()
        provider.add_span_processor(BatchSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
        _enabled = True
    if app is not None:
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        FastAPIInstrumentor.instrument_app(app, excluded_urls="api/health,metrics")
    if engine is not None:
        from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

        # The instrumentation declares SQLAlchemy < 2.1; it works with 2.1, so skip its check.
        SQLAlchemyInstrumentor().instrument(engine=engine, skip_dep_check=True)
    return True


def inject(headers: MutableMapping[str, str]) -> MutableMapping[str, str]:
    """Add the current trace context (``traceparent``) to message headers."""
    if _enabled:
        from opentelemetry import propagate

        propagate.inject(headers)
    return headers


@contextlib.contextmanager
def span(name: str, headers: Mapping[str, str] | None = None, **attrs: Any) -> Iterator[None]:
    """A span named ``name``, child of the context carried in ``headers`` if any."""
    if not _enabled:
        yield
        return
    from opentelemetry import propagate, trace

    context = propagate.extract(dict(headers)) if headers else None
    tracer = trace.get_tracer("telcare")
    with tracer.start_as_current_span(name, context=context, attributes=attrs):
        yield
