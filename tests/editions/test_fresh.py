"""fresh: a process started ahead of its calls, warmed up by imports and by calls."""

from __future__ import annotations

import atexit
from pathlib import Path

from bookbuild.editions.fresh import FreshProcess
from bookbuild.editions.workers import WEASYPRINT_START
from bookbuild.typeset.patches import justify


def test_a_rebuilds_process_has_weasyprints_patches_before_its_first_call():
    process = FreshProcess(warm_up=("weasyprint", WEASYPRINT_START))
    try:
        assert process.call(justify.installed) is True
    finally:
        process.close()


def test_a_warm_up_call_that_fails_leaves_the_process_serving():
    process = FreshProcess(warm_up=("json:loads", "weasyprint"))  # loads() lacks its argument
    try:
        assert process.call(justify.installed) is False  # imported, nothing installed
        assert process.call(sorted, [3, 1, 2]) == [1, 2, 3]
    finally:
        process.close()


def test_at_the_end_of_its_input_the_process_runs_its_exit_functions(tmp_path):
    # It ends by os._exit, past the interpreter's teardown: its exit functions (which
    # close a Vivliostyle chromium) must still run.
    marker = tmp_path / "ran-at-exit"
    process = FreshProcess()
    process.call(atexit.register, Path.touch, marker)
    process.close()
    assert process.process.returncode == 0
    assert marker.exists()


def test_the_rebuilds_warm_up_starts_the_weasyprint_engine():
    """workers.py names the engine's start without importing typeset/document.py."""
    from bookbuild.typeset.document import ENGINES

    assert "{0.module}:{0.start}".format(ENGINES["weasyprint"]) == WEASYPRINT_START
