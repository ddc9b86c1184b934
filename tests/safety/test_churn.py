"""Churn: copies of newsreader highlighting a document while another removes it and adds
it again, all at once, in separate processes. At the end, with the document back, every
highlight any copy acknowledged is in `notes --json`, with the note it was given.

The app's way of saving is taken by `writer.py app-saves` (the reader's
`DocumentAnnotations` on a document opened once, before the churn starts), the command
line's by `writer.py cli`. Nothing is timed: the processes overlap as much as they happen
to, and the check is on what was acknowledged.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.safety.support import HELPER, added_id, run_cli, subprocess_env

pytestmark = pytest.mark.slow

APP_COPIES = 3
"""Processes saving the way the app does."""

SAVES = 24
"""Highlights each of them makes (every other one then gets a note)."""

CLI_SAVES = 24
"""Highlights the command-line copy makes (refused while the document is out)."""

CYCLES = 8
"""Times the churning copy removes the document and adds it again."""

PAUSE = 0.03
"""Seconds an app copy waits before each highlight, so its saves spread over the churn."""


def sentence(n: int) -> str:
    return f"Entry {n:03d} was written in the harbour log at dawn."


def start(library: Path, folder: Path, *args: str) -> subprocess.Popen[str]:
    """Start a writer that waits for `folder / "go"`; return once it is ready."""
    process = subprocess.Popen(
        [sys.executable, str(HELPER), *args, "--start-file", str(folder / "go")],
        env=subprocess_env(library),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


def results_of(process: subprocess.Popen[str]) -> list[dict[str, Any]]:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    lines = out.splitlines()
    assert lines[-1] == "done", out
    return [json.loads(line) for line in lines[:-1]]


def write_json(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value), "utf-8")
    return path


def test_saving_while_another_copy_removes_and_adds_again_loses_nothing(
    private_home: Path, tmp_path: Path
) -> None:
    total = APP_COPIES * SAVES + CLI_SAVES
    source = tmp_path / "log.txt"
    source.write_text(" ".join(sentence(n) for n in range(total)) + "\n", "utf-8")
    doc_id = added_id(run_cli("add", str(source)))

    savers = [
        start(
            private_home,
            tmp_path,
            "app-saves",
            "--pause",
            str(PAUSE),
            doc_id,
            str(
                write_json(
                    tmp_path / f"quotes-{copy}.json",
                    [sentence(n) for n in range(copy, APP_COPIES * SAVES, APP_COPIES)],
                )
            ),
        )
        for copy in range(APP_COPIES)
    ]
    highlighter = start(
        private_home,
        tmp_path,
        "cli",
        str(
            write_json(
                tmp_path / "highlight.json",
                [
                    ["highlight", doc_id, "--quote", sentence(n)]
                    for n in range(APP_COPIES * SAVES, total)
                ],
            )
        ),
    )
    churn = [["remove", doc_id], ["add", str(source)]] * CYCLES
    churner = start(private_home, tmp_path, "cli", str(write_json(tmp_path / "churn.json", churn)))
    (tmp_path / "go").touch()

    saved = [result for saver in savers for result in results_of(saver)]
    highlighted = results_of(highlighter)
    churned = results_of(churner)

    assert [r["code"] for r in churned] == [0] * len(churn), churned
    assert not [r for r in saved if "error" in r]  # a save on a removed document lands
    acknowledged = {r["id"]: r["note"] for r in saved}
    for result in highlighted:  # refused while the document was out, else acknowledged
        if result["code"] == 0:
            acknowledged[result["out"].split()[0]] = ""
    assert len(acknowledged) >= APP_COPIES * SAVES
    print(
        "DEBUG",
        len(acknowledged),
        sum(r["code"] != 0 for r in highlighted),
        [r["out"][:60] for r in churned],
    )

    assert run_cli("add", str(source)).code == 0  # the document is back (it may be already)
    notes = run_cli("notes", doc_id, "--json")
    assert notes.code == 0, notes.err
    visible = {record["id"]: record["note"] for record in json.loads(notes.out)}
    assert {i: visible.get(i) for i in acknowledged} == acknowledged
    assert not list((private_home / "annotations" / "removed").glob(f"{doc_id}-*.jsonl"))
