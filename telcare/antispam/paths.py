"""Where the classifier's files live (no heavy imports: the CLI reads these at start-up)."""

from __future__ import annotations

from pathlib import Path

LANGS = ("zh", "en")
MODEL_VERSION = "spam-v1"
MODELS_DIR = Path(__file__).parent / "models"
DEFAULT_MODEL_PATH = MODELS_DIR / f"{MODEL_VERSION}.skops"
DEFAULT_DATA_DIR = Path("../shared/data/sms_spam")
