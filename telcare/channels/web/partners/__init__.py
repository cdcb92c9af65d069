"""Partner (SP) pages (being split into modules)."""

from telcare.channels.web.partners.hall import router as router
