"""Reactions between capabilities, connected once per process when it starts.

Each entry point (the ASGI app, ``telcare sms``, ``telcare smpp``, ``telcare bus run``)
calls :func:`connect`, so a closed ticket or a confirmed G3 order triggers its
satisfaction survey whichever channel caused it. Connecting twice changes nothing.
"""

from __future__ import annotations


def connect() -> None:
    from telcare.services import surveys

    surveys.subscribe_to_bus()  # ticket.closed and confirmed G3 orders -> survey triggers
