"""Partner (SP) governance (being split into modules; see the submodules)."""

from telcare.services.partners.scoring import *  # noqa: F403
from telcare.services.partners.scoring import DEMO_PASSWORD as DEMO_PASSWORD
