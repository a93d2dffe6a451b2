"""What loading the bot's modules does to the process: nothing but define things."""

from __future__ import annotations

import subprocess
import sys


def after_import(modules: str, show: str) -> str:
    """What `show` prints in a fresh interpreter once `modules` are imported (`before` is the
    environment as it was)."""
    code = f"import os, sys; before = dict(os.environ); import {modules}; print({show})"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    return done.stdout.strip()


def test_loading_the_adapters_leaves_the_environment_alone() -> None:
    modules = "bot.platforms.telegram, bot.platforms.slack, bot.process.cli, bot.process.runtime"
    assert after_import(modules, "sorted(set(os.environ.items()) ^ set(before.items()))") == "[]"


def test_the_runtime_loads_no_platform_until_one_is_configured() -> None:
    platforms = ("sorted(m for m in sys.modules if m.split('.')[0] in ('telegram', 'slack_bolt', 'slack_sdk') "
                 "or m.startswith(('bot.platforms.telegram', 'bot.platforms.slack')))")
    assert after_import("bot.process.runtime", platforms) == "[]"
