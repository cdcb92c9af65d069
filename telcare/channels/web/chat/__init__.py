"""Online chat pages: the business hall's chat (:mod:`.hall`) and the agent desk (:mod:`.desk`)."""

from telcare.channels.web.chat import desk, hall

ROUTERS = (hall.router, desk.router)

__all__ = ["ROUTERS", "desk", "hall"]
