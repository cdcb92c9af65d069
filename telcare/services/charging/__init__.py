"""Charging: ingest usage files, rate them, post charges, barring and data reminders.

The modules, from a file to a posted charge:

- :mod:`.records`: the usage record's columns and services, and the validation of a line;
- :mod:`.reading`: CSV and Parquet files read chunk by chunk from a checkpoint;
- :mod:`.runs`: an ingest run, one transaction per chunk, resumed after a crash;
- :mod:`.chunk`: the chunk transaction (rating with :mod:`telcare.domain.rating`);
- :mod:`.subscribers`, :mod:`.allowances`: what a chunk reads (numbers, allowance buckets);
- :mod:`.daily`: the daily totals per subscriber; :mod:`.posting`: ledger entries and barring;
- :mod:`.reminders`: data reminders and their on/off switch; :mod:`.texts`: the SMS texts;
- :mod:`.summary`: a subscriber's month; :mod:`.generator`: realistic demo usage files.
"""

from telcare.services.charging.generator import generate_usage as generate_usage
from telcare.services.charging.records import COLUMNS as COLUMNS
from telcare.services.charging.records import SERVICE_NAMES as SERVICE_NAMES
from telcare.services.charging.reminders import reminder_enabled as reminder_enabled
from telcare.services.charging.reminders import reminder_on as reminder_on
from telcare.services.charging.reminders import set_data_reminder as set_data_reminder
from telcare.services.charging.runs import CHUNK_ROWS as CHUNK_ROWS
from telcare.services.charging.runs import IngestSummary as IngestSummary
from telcare.services.charging.runs import Progress as Progress
from telcare.services.charging.runs import ingest as ingest
from telcare.services.charging.summary import AllowanceLeft as AllowanceLeft
from telcare.services.charging.summary import UsageSummary as UsageSummary
from telcare.services.charging.summary import usage_summary as usage_summary
