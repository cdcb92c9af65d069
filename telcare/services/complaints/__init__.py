"""Complaint use cases: file, update, move and annotate tickets; escalate; publish the
taxonomy; apply events from other nodes.

Each change is one transaction that writes the ticket, one audit row and one outbox
event with the ticket's next sequence number (:mod:`.trail`). The province that filed a
ticket owns it (the only writer, :mod:`.access`); headquarters holds a replica built by
:func:`apply_ticket_events` and sends tickets back with :func:`send_back`, which the owner
applies (:mod:`.sync`).

Modules: :mod:`.taxonomies` (versioned categories), :mod:`.filing` (new tickets, G3
queue, keyed filing), :mod:`.lifecycle` (fields, moves, notes, attachments),
:mod:`.deadlines` (SLA escalation and countdowns), :mod:`.queries` (reads),
:mod:`.views` (read models). Callers import from this package.
"""

from telcare.services.complaints.deadlines import Countdown as Countdown
from telcare.services.complaints.deadlines import countdowns as countdowns
from telcare.services.complaints.deadlines import sweep_escalations as sweep_escalations
from telcare.services.complaints.filing import SUMMARY_FROM_TEXT as SUMMARY_FROM_TEXT
from telcare.services.complaints.filing import file_ticket as file_ticket
from telcare.services.complaints.filing import file_ticket_once as file_ticket_once
from telcare.services.complaints.lifecycle import add_attachment as add_attachment
from telcare.services.complaints.lifecycle import add_note as add_note
from telcare.services.complaints.lifecycle import transition as transition
from telcare.services.complaints.lifecycle import update_ticket as update_ticket
from telcare.services.complaints.queries import Page as Page
from telcare.services.complaints.queries import TicketFilter as TicketFilter
from telcare.services.complaints.queries import attachment_content as attachment_content
from telcare.services.complaints.queries import audit_trail as audit_trail
from telcare.services.complaints.queries import get_ticket as get_ticket
from telcare.services.complaints.queries import list_tickets as list_tickets
from telcare.services.complaints.queries import snapshot as snapshot
from telcare.services.complaints.queries import ticket_page as ticket_page
from telcare.services.complaints.sync import apply_send_back_events as apply_send_back_events
from telcare.services.complaints.sync import apply_ticket_events as apply_ticket_events
from telcare.services.complaints.sync import send_back as send_back
from telcare.services.complaints.taxonomies import DEFAULT_TAXONOMY as DEFAULT_TAXONOMY
from telcare.services.complaints.taxonomies import apply_taxonomy_events as apply_taxonomy_events
from telcare.services.complaints.taxonomies import ensure_taxonomy as ensure_taxonomy
from telcare.services.complaints.taxonomies import ensure_taxonomy_in as ensure_taxonomy_in
from telcare.services.complaints.taxonomies import publish_taxonomy as publish_taxonomy
from telcare.services.complaints.taxonomies import taxonomy as taxonomy
from telcare.services.complaints.trail import ASSIGN_SUBJECT as ASSIGN_SUBJECT
from telcare.services.complaints.trail import TAXONOMY_SUBJECT as TAXONOMY_SUBJECT
from telcare.services.complaints.trail import TICKET_SUBJECT as TICKET_SUBJECT
from telcare.services.complaints.trail import Outcome as Outcome
from telcare.services.complaints.views import AttachmentView as AttachmentView
from telcare.services.complaints.views import AuditView as AuditView
from telcare.services.complaints.views import NoteView as NoteView
from telcare.services.complaints.views import TicketView as TicketView
