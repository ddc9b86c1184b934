"""The benchmarks' pseudo-terminal tells the CPU time a program had used when what it
waited for arrived, as well as the wall time."""

from __future__ import annotations

import os
import sys
import time

from bench.terminal import Terminal

BUSY_THEN_READY = """
import time
began = time.process_time()
while time.process_time() - began < 0.08:  # 80 ms of CPU before the screen
    pass
print("ready", flush=True)
time.sleep(0.5)
while True:  # busy after it: not counted
    pass
"""


def test_the_cpu_time_is_taken_when_the_awaited_output_arrived() -> None:
    with Terminal([sys.executable, "-c", BUSY_THEN_READY], dict(os.environ)) as term:
        wall = term.wait_for_text("ready", term.started)
        cpu_ms = term.cpu_ms_when_done
        time.sleep(0.7)  # into the busy loop
        later = term.cpu_ms()
    assert cpu_ms is not None and later is not None
    assert 80 <= cpu_ms <= wall * 1000 + 5  # the interpreter's start and the 80 ms, no more
    assert cpu_ms < 400  # not the busy loop after the output
    assert later > cpu_ms
