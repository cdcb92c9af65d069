"""Every ORM module, imported so that ``Base.metadata`` knows every table (Alembic, tests)."""

import telcare.store.antispam_models  # noqa: F401
import telcare.store.charging_models  # noqa: F401
import telcare.store.complaint_models  # noqa: F401
import telcare.store.loyalty_models  # noqa: F401
import telcare.store.partner_models  # noqa: F401
import telcare.store.quality_models  # noqa: F401
import telcare.store.survey_models  # noqa: F401
import telcare.store.van_models  # noqa: F401
from telcare.store import models
from telcare.store.models import Base

__all__ = ["Base", "models"]
