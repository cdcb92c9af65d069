"""Operating Telcare: metrics, health checks, structured logs and traces.

:mod:`telcare.ops.metrics` is a leaf (only ``prometheus_client``): every layer but the
domain may import it to count what it does. The other modules are for entry points.
"""
