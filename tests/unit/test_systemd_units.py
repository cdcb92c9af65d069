"""The service units in deploy/systemd verify with ``systemd-analyze verify``.

The units run ``/opt/telcare/venv/bin/telcare``; the test points them at this venv's
``telcare`` (verify checks that the command exists)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import telcare

UNITS = Path(telcare.__file__).parents[1] / "deploy" / "systemd"
INSTALLED = "/opt/telcare/venv/bin/telcare"
ANALYZE = shutil.which("systemd-analyze")

pytestmark = pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze is not installed")


def _verify(folder: Path) -> subprocess.CompletedProcess[str]:
    files = sorted(str(p) for p in folder.iterdir())
    return subprocess.run(
        [str(ANALYZE), "verify", "--man=no", *files], capture_output=True, text=True, timeout=60
    )


def test_units_verify(tmp_path: Path) -> None:
    here = Path(sys.executable).parent / "telcare"
    names = set()
    for unit in [*UNITS.glob("*.service"), *UNITS.glob("*.target")]:
        names.add(unit.name)
        text = unit.read_text(encoding="utf-8")
        assert INSTALLED in text or unit.suffix == ".target"
        (tmp_path / unit.name).write_text(text.replace(INSTALLED, str(here)), encoding="utf-8")
    assert {"telcare-web.service", "telcare-smpp.service", "telcare-bus.service"} <= names
    assert "telcare-worker.service" in names
    result = _verify(tmp_path)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_verify_would_catch_a_broken_unit(tmp_path: Path) -> None:
    (tmp_path / "broken.service").write_text("[Service]\nType=bogus\nExecStart=telcare\n")
    assert _verify(tmp_path).returncode != 0


def test_each_process_unit_has_its_health_port() -> None:
    ports = {
        unit.name: unit.read_text(encoding="utf-8").split("--health-port ")[1].split()[0]
        for unit in UNITS.glob("telcare-*.service")
        if unit.name != "telcare-web.service"
    }
    assert len(set(ports.values())) == len(ports) == 3
