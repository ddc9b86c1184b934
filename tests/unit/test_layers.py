"""The pure packages are reachable without the UI: `library`, `annotations`, `service` and
the reader's states (`reader.states`) never import Textual or Rich (checked in a fresh
interpreter, module by module)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PURE_MODULES = sorted(
    ".".join(path.relative_to(REPO).with_suffix("").parts)
    for package in ("library", "annotations", "service", "reader/states")
    for path in (REPO / package).rglob("*.py")
)


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_module_imports_no_ui(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert result.stdout.strip() == ""


def test_command_line_commands_import_no_textual() -> None:
    code = (
        "import sys\n"
        "import reader.cli\n"
        "sys.argv = ['newsreader', 'list']\n"
        "try:\n"
        "    reader.cli.main(['list'])\n"
        "finally:\n"
        "    print('TEXTUAL' if 'textual' in sys.modules else 'CLEAN', file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.stderr.strip().endswith("CLEAN")
