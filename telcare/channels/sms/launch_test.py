"""The launch checklist's test orders through the real SMS engine: wires the dispatcher
into :func:`telcare.services.quality.launch_verify.verify` (CLI, staff page and API)."""

from __future__ import annotations

import uuid

from telcare.channels.sms.dispatcher import SmsDispatcher
from telcare.channels.sms.messages import MoMessage
from telcare.domain.access import Principal
from telcare.services.quality import launch, launch_verify
from telcare.store.uow import Database


def run(db: Database, who: Principal, kind: str, item: str) -> launch.ChecklistView:
    """Run the automatic steps of a checklist and record their results."""
    dispatcher = SmsDispatcher(db)

    def send(sender: str, recipient: str, text: str) -> str:
        mo = MoMessage(sender, recipient, text, message_id=f"launch-{uuid.uuid4().hex}")
        return " ".join(r.text for r in dispatcher.handle(mo))

    return launch_verify.verify(db, who, kind, item, send)
