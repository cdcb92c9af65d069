"""Benchmarks run by `telcare bench NAME`; each module has ``run() -> dict``."""
