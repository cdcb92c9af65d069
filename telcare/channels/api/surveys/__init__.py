"""Surveys, customer club and opinions API under ``/api/surveys`` (issue #7).

Bearer tokens from ``POST /tmf-api/auth/token``; errors are problem bodies; every
POST takes an ``Idempotency-Key`` (the first result is replayed, with
``Idempotent-Replayed: true``). Thin: the rules are in :mod:`telcare.services.surveys`,
:mod:`telcare.services.club` and the domain.

- staff: record a shop visit or a closed 10086 call (triggers), templates and their
  versions, scores per province / channel / shop / template / version / month with
  95% intervals, member events and attendance, campaigns, moderation;
- subscribers: their open survey (or the online one) and answering it; joining and
  leaving the club, signing up for events; opinions and essays to open campaigns.
"""

from __future__ import annotations

from fastapi import APIRouter

from telcare.channels.api.surveys import club, opinions, satisfaction

ROUTERS: tuple[APIRouter, ...] = (satisfaction.router, club.router, opinions.router)
"""In the order of the paths in the OpenAPI document."""
