"""The document view's pure parts (`reader.layout`) never import Textual or Rich: checked
in a fresh interpreter, module by module, so they stay usable and testable with no UI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LAYOUT_MODULES = sorted(
    f"reader.layout.{path.stem}" for path in (REPO / "reader" / "layout").glob("[!_]*.py")
)


@pytest.mark.parametrize("module", LAYOUT_MODULES)
def test_the_layout_modules_import_no_ui(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert result.stdout.strip() == ""
