"""The bus: a transactional outbox relayed to an in-process bus (default) or to NATS
JetStream (``TELCARE_BUS_URL=nats://…``), and durable consumers that apply events
exactly once. See ``docs/bus.md``."""
