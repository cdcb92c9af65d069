"""The SMS channel: the command engine and its adapters.

* :mod:`.messages` - the MO/MT shapes every adapter exchanges with the engine.
* :mod:`.dispatcher` - :class:`~.dispatcher.SmsDispatcher`, one MO in, its replies out.
* :mod:`.registry` - handler types and the table of commands and service numbers;
  :mod:`.commands` - one module per capability, registering its handlers there.
* :mod:`.smpp` - the SMPP 3.4 gateway to an operator SMSC; :mod:`.smsc_sim` - an SMSC
  simulator for tests and demos.

Nothing is re-exported here, so that importing the SMPP gateway does not load the services.
"""
