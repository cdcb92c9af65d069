"""Every SMS command module; importing this package registers all their handlers.

Each module registers its handlers with the decorators of :mod:`telcare.channels.sms.registry`.
A new module is listed below; the dispatcher takes the filled tables from here.
"""

from telcare.channels.sms.commands import (
    account,
    antispam,
    knowledge,
    loyalty,
    orders,
    partners,
    surveys,
)
from telcare.channels.sms.registry import COMMANDS, NUMBERS, PREFIXES

__all__ = [
    "COMMANDS",
    "NUMBERS",
    "PREFIXES",
    "account",
    "antispam",
    "knowledge",
    "loyalty",
    "orders",
    "partners",
    "surveys",
]
