"""SMPP 3.4 adapter: binds to an SMSC as a transceiver and feeds MO messages to the dispatcher.

One gateway owns one TCP session, driven by a single loop thread:

* ``deliver_sm`` for a service number is decoded (data_coding 0/1/3/8, concatenated parts
  reassembled) and handed to the :data:`~telcare.channels.sms.messages.MoHandler`; the
  ``deliver_sm_resp`` is written only after the handler returned, i.e. after its transaction
  committed. A raising handler is answered with ``ESME_RX_T_APPN`` so the SMSC redelivers.
* The replies are queued and sent as ``submit_sm`` (UCS-2, or data_coding 0 for plain ASCII);
  a reply whose ``submit_sm_resp`` has not arrived when the link drops is sent again after the
  next bind (at-least-once).
* ``enquire_link`` from the SMSC is answered; our own is sent when the link has been idle for
  ``enquire_link_interval`` seconds and a missing answer marks the link dead.
* Any link failure or failed bind leads to a reconnect with capped, jittered exponential
  back-off. :meth:`SmppGateway.stop` (any thread) unbinds gracefully.

Modules: :mod:`.gateway` (the session loop), :mod:`.receiver` (MO), :mod:`.outbox` (MT),
:mod:`.client` (the smpplib client), :mod:`.pdu` (status codes, text codecs, UDH, addresses).
"""

from telcare.channels.sms.smpp.backoff import Backoff as Backoff
from telcare.channels.sms.smpp.client import LinkError as LinkError
from telcare.channels.sms.smpp.gateway import GatewayCrashed as GatewayCrashed
from telcare.channels.sms.smpp.gateway import SmppGateway as SmppGateway
from telcare.channels.sms.smpp.pdu import ESME_RINVDSTADR as ESME_RINVDSTADR
from telcare.channels.sms.smpp.pdu import ESME_RMSGQFUL as ESME_RMSGQFUL
from telcare.channels.sms.smpp.pdu import ESME_ROK as ESME_ROK
from telcare.channels.sms.smpp.pdu import ESME_RTHROTTLED as ESME_RTHROTTLED
from telcare.channels.sms.smpp.pdu import ESME_RX_T_APPN as ESME_RX_T_APPN
from telcare.channels.sms.smpp.pdu import decode_short_message as decode_short_message
from telcare.channels.sms.smpp.pdu import encode_text as encode_text
from telcare.channels.sms.smpp.pdu import normalise_address as normalise_address
from telcare.channels.sms.smpp.pdu import split_udh as split_udh
from telcare.channels.sms.smpp.receiver import DEFAULT_SERVICE_NUMBERS as DEFAULT_SERVICE_NUMBERS
