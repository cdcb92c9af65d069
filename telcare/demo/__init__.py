"""The demo operator and reference data as data files (``data/*.yaml``), and their loader."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import yaml


def load(name: str) -> Any:
    """The parsed ``data/<name>.yaml`` shipped with this package."""
    text = files(__package__).joinpath("data", f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)
