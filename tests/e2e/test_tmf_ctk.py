"""TM Forum's own conformance kits, run with newman against a fresh demo server
(``scripts/tmf-ctk.sh``). Slow (a demo seed and a server per kit) and needs node with
newman (``npm ci``) and the kits, so it runs only when asked:

    TELCARE_TEST_CTK=1 TELCARE_CTK_DIR=../shared/tmf-ctk pytest tests/e2e/test_tmf_ctk.py
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KITS = Path(os.environ.get("TELCARE_CTK_DIR", ROOT.parent / "shared" / "tmf-ctk"))
NAMES = sorted(p.name for p in KITS.glob("CTK-*")) if KITS.is_dir() else []

pytestmark = pytest.mark.skipif(
    os.environ.get("TELCARE_TEST_CTK") != "1"
    or shutil.which("node") is None
    or not (ROOT / "node_modules" / "newman").is_dir()
    or not NAMES,
    reason="set TELCARE_TEST_CTK=1 (needs node, `npm ci` and the kits in TELCARE_CTK_DIR)",
)


@pytest.mark.parametrize("kit", NAMES or ["none"])
def test_the_kit_passes_every_assertion(kit: str, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHON": sys.executable, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [str(ROOT / "scripts" / "tmf-ctk.sh"), str(KITS / kit)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
    )
    found = re.search(r"ASSERTIONS (\d+)/(\d+) passed", run.stdout)
    assert found, run.stdout[-2000:] + run.stderr[-2000:]
    passed, total = int(found.group(1)), int(found.group(2))
    assert passed == total > 0, run.stdout[-4000:]
