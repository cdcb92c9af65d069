"""Complaint pages (being split into modules; see common)."""

from telcare.channels.web.complaints.common import router as router
