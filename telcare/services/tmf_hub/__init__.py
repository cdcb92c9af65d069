"""TMF event notifications (the hub): listeners per API, events written in the change's
transaction, delivered signed, retried with back-off, in order per resource, and
dead-lettered for staff to replay (``docs/api.md``, "Event notifications").

Modules, lowest first: ``events`` (writing an event and its deliveries), ``resources``
(each resource's events, called by the services), ``listeners`` (register, delete,
list; the callback check) and ``delivery`` (the deliverer, dead letters, replay).
The rules are in :mod:`telcare.domain.tmf_hub`.
"""
