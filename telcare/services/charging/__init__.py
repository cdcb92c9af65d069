"""Charging: ingest usage files, rate them, post charges, barring and data reminders."""

from telcare.services.charging.chunk import (
    COLUMNS as COLUMNS,
)
from telcare.services.charging.chunk import (
    AllowanceLeft as AllowanceLeft,
)
from telcare.services.charging.chunk import (
    IngestSummary as IngestSummary,
)
from telcare.services.charging.chunk import (
    UsageSummary as UsageSummary,
)
from telcare.services.charging.chunk import (
    generate_usage as generate_usage,
)
from telcare.services.charging.chunk import (
    ingest as ingest,
)
from telcare.services.charging.chunk import (
    reminder_enabled as reminder_enabled,
)
from telcare.services.charging.chunk import (
    set_data_reminder as set_data_reminder,
)
from telcare.services.charging.chunk import (
    usage_summary as usage_summary,
)
