"""Telcare: customer-service and service-quality platform for a mobile operator."""

__version__ = "0.1.0"
