"""Complaint use cases (being split into modules; see lifecycle)."""

from telcare.services.complaints.lifecycle import *  # noqa: F403
