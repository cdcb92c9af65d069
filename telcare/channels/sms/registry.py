"""The SMS handler types and the table of which handler answers which command or service number.

Command modules (:mod:`telcare.channels.sms.commands`) register their handlers here with the
decorators below; the dispatcher reads the tables. Nothing here imports a command module or the
dispatcher, so the dependencies run one way: dispatcher -> commands -> registry.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from telcare.channels.sms.messages import MoMessage
from telcare.domain import sms_grammar as g
from telcare.services.selfcare import Overview
from telcare.store.uow import Database

Reply = str
CommandHandler = Callable[[Database, MoMessage, g.Command, Overview], Reply]
"""Answers one parsed command sent to 10086."""
NumberHandler = Callable[[Database, MoMessage, Overview], Reply | None]
"""Answers everything sent to one service number; ``None`` means no reply."""

COMMANDS: dict[type, CommandHandler] = {}
"""10086 command type (from :mod:`telcare.domain.sms_grammar`) -> its handler."""
NUMBERS: dict[str, NumberHandler] = {}
"""Service number (e.g. 10086999) -> the handler of everything sent to it."""
PREFIXES: list[tuple[str, NumberHandler]] = []
"""(number prefix, handler), for numbers not in :data:`NUMBERS` (e.g. SP access codes 1066…)."""


def command(*kinds: type) -> Callable[[CommandHandler], CommandHandler]:
    """Register the decorated function as the handler of these 10086 command types."""

    def register(handler: CommandHandler) -> CommandHandler:
        for kind in kinds:
            if kind in COMMANDS:
                raise ValueError(f"two handlers for the SMS command {kind.__name__}")
            COMMANDS[kind] = handler
        return handler

    return register


def number(service_number: str) -> Callable[[NumberHandler], NumberHandler]:
    """Register the decorated function as the handler of everything sent to ``service_number``."""

    def register(handler: NumberHandler) -> NumberHandler:
        if service_number in NUMBERS:
            raise ValueError(f"two handlers for the service number {service_number}")
        NUMBERS[service_number] = handler
        return handler

    return register


def prefix(number_prefix: str) -> Callable[[NumberHandler], NumberHandler]:
    """Register the decorated function for every service number starting with ``number_prefix``."""

    def register(handler: NumberHandler) -> NumberHandler:
        PREFIXES.append((number_prefix, handler))
        return handler

    return register


def idempotency_key(mo: MoMessage) -> str:
    """The idempotency key of an MO: its SMSC id, so a redelivery has no second effect."""
    return f"sms:{mo.message_id}" if mo.message_id else f"sms:{uuid.uuid4()}"
