"""Tests that need a system package (chromium, espeak-ng, pcscd...): skipped on a developer
machine without it, a failure in CI (``CI=true``), where ``.ci/run`` installs them all, so a
missing install step can never pass as a silent skip."""

from __future__ import annotations

import os
import shutil

import pytest


def require(ok: bool, why: str) -> None:
    if ok:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI must provide this: {why}")
    pytest.skip(why)


def espeak() -> None:
    require(shutil.which("espeak-ng") is not None, "espeak-ng is not installed (apt-get install espeak-ng)")
