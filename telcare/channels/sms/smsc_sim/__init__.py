"""A small SMSC simulator speaking SMPP 3.4 over TCP, for tests and demos.

It is a real peer built on smpplib's PDU codecs (``make_pdu``/``parse_pdu``): it accepts
binds (checking system_id/password), delivers queued MO messages as ``deliver_sm`` one at a
time to the bound ESME and redelivers those answered with a temporary error or not answered at
all, records every ``submit_sm`` (answering with a message_id), answers and sends
``enquire_link``, and can drop or freeze its connections to exercise reconnection.

Demo: ``python -m telcare.channels.sms.smsc_sim --port 2775`` then type ``FROM TO TEXT``
lines to inject MO messages; submitted MT messages are printed.
"""

from telcare.channels.sms.smsc_sim.records import MoRecord as MoRecord
from telcare.channels.sms.smsc_sim.records import SubmittedSm as SubmittedSm
from telcare.channels.sms.smsc_sim.simulator import SmscSimulator as SmscSimulator
