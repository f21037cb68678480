"""The widget's pure modules (markdown to safe elements, the outbox, turn merging), by Node's test runner."""
from __future__ import annotations

import shutil
import subprocess

from bot.settings import ROOT

WIDGET = ROOT / "widget"


def test_the_widgets_own_unit_tests_pass():
    node = shutil.which("node")
    assert node, "Node.js is needed to build and test the widget (README, Web widget)."
    assert (WIDGET / "node_modules").exists(), "Run `make widget` first (make test does)."
    run = subprocess.run([node, "--test", "test/"], cwd=WIDGET, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout and "# pass 0" not in run.stdout
