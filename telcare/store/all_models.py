"""Every ORM module, imported so that ``Base.metadata`` knows every table (Alembic, tests)."""

from telcare.store import (
    antispam_models,
    charging_models,
    chat_models,
    complaint_models,
    cycle_models,
    improvement_models,
    knowledge_models,
    loyalty_models,
    models,
    outbox,
    partner_models,
    quality_models,
    security_models,
    sms_models,
    survey_models,
    tmf_models,
    van_models,
)
from telcare.store.models import Base

__all__ = [
    "Base",
    "antispam_models",
    "charging_models",
    "chat_models",
    "complaint_models",
    "cycle_models",
    "improvement_models",
    "knowledge_models",
    "loyalty_models",
    "models",
    "outbox",
    "partner_models",
    "quality_models",
    "security_models",
    "sms_models",
    "survey_models",
    "tmf_models",
    "van_models",
]
