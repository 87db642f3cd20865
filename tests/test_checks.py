"""The checks CI runs (.ci/checks: lint, format, import contracts, types) pass, and the import
contracts catch an arrow the layers forbid, so `bash tests/run` keeps the architecture too."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

pytestmark = pytest.mark.slow


def test_the_checks_pass() -> None:
    result = subprocess.run(
        ["bash", str(ROOT / ".ci" / "checks")], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("layer", "imported", "contract"),
    [
        ("domain", "linkworker.store.database", "The domain is pure rules"),
        ("ui", "sqlalchemy", "The UI imports no store and no SQLAlchemy"),
        ("services", "linkworker.ui.widgets.errors", "Services import no UI"),
        ("reports", "linkworker.store.models", "Reports import no services, store"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(
    tmp_path: Path, layer: str, imported: str, contract: str
) -> None:
    """On a copy of the package, so the tree others work in is never touched."""
    package = tmp_path / "linkworker"
    shutil.copytree(ROOT / "linkworker", package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    probe = package / layer / "layer_probe.py"
    probe.write_text(f'"""A deliberate violation."""\n\nimport {imported}  # noqa: F401\n', encoding="utf-8")

    # lint-imports finds the package in its working directory first.
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken
    assert f"linkworker.{layer}.layer_probe -> {imported}" in broken
