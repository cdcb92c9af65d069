"""`telcare smpp`: the gateway answering MOs plus the thread draining the notification outbox."""

from __future__ import annotations

import logging
import threading

from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.messages import MtMessage
from telcare.channels.sms.smpp.gateway import SmppGateway
from telcare.services import notify
from telcare.store.uow import Database

logger = logging.getLogger(__name__)

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str) -> None:
    """Log to stderr at ``level`` unless the process already configured logging."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level.upper(), format=LOG_FORMAT)
    else:
        root.setLevel(level.upper())


def drain_once(db: Database, gateway: SmppGateway) -> int:
    """Hand due notifications to the gateway; return how many outbox rows were taken."""
    due = notify.due(db)
    for message in due:
        gateway.send(MtMessage(message.sender, message.recipient, message.text))
    if due:
        notify.mark_sent(db, sorted({m.outbox_id for m in due}))
    return len({m.outbox_id for m in due})


def drain_forever(db: Database, gateway: SmppGateway, every: float, stop: threading.Event) -> None:
    """Drain every ``every`` seconds until ``stop``; a failing round is logged and retried."""
    while not stop.wait(every):
        try:
            drain_once(db, gateway)
        except Exception:  # the database may be away for a while; never stop notifying
            logger.exception("draining the notification outbox failed; retrying in %.1fs", every)


def serve(db: Database, drain_every: float) -> None:
    """Bind, answer MOs and deliver the outbox until SIGTERM; raises if the gateway died."""
    gateway = SmppGateway.from_env(SmsDispatcher(db).handle)
    stop = threading.Event()
    drainer = threading.Thread(
        target=drain_forever,
        args=(db, gateway, drain_every, stop),
        name="outbox-drain",
        daemon=True,
    )
    drainer.start()
    try:
        gateway.serve()
    finally:
        stop.set()
