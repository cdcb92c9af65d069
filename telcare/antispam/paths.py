"""Where the classifier's files live (no heavy imports: the CLI reads these at start-up)."""

from __future__ import annotations

from pathlib import Path

LANGS = ("zh", "en")
MODEL_VERSION = "spam-v2"
MODELS_DIR = Path(__file__).parent / "models"
DEFAULT_MODEL_PATH = MODELS_DIR / f"{MODEL_VERSION}.skops"
DEFAULT_DATA_DIR = Path("../shared/data/sms_spam")
MODERN_TRAIN_PATH = Path(__file__).parent / "data" / "modern_train.tsv"
"""Today's SMS (written for this project) that train the combiner of signals, not the n-grams."""
VALIDATION_PATH = Path(__file__).parent / "validation" / "modern_validation.tsv"
"""Today's SMS by category, never used for training: ``label<TAB>category<TAB>text``."""
