"""The 10086 call centre's records: imported from the ACD/IVR export for the hotline indicators.

- :mod:`.imports`: reading an export (CSV), rejecting bad rows with their line and reason
"""

from telcare.services.callcentre.imports import ImportReport, import_calls

__all__ = ["ImportReport", "import_calls"]
