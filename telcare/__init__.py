"""Telcare: customer service and service quality for a mobile operator."""

__version__ = "0.1.0"
