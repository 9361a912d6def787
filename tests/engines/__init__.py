"""Real-engine test infrastructure: a local PostgreSQL server, the provider's SQL, Debezium's embedded engine.

See ``tests/engines/README.md``. The helpers never fake an engine: when one is missing the tests are skipped
locally, and fail (not skip) when ``CI=true``, so CI cannot pass without having run them.
"""

from __future__ import annotations

import os
import shutil

import pytest


def in_ci() -> bool:
    """True on CI (``CI=true``), where a missing engine is an error, not a skip."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def missing(what: str) -> None:
    """Skip the test because ``what`` is not available, or fail on CI."""
    message = f"engine not available: {what} (bash scripts/setup.sh installs it)"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def require(*commands: str) -> None:
    """Skip (or, on CI, fail) unless every command is on PATH."""
    for c in commands:
        if shutil.which(c) is None:
            missing(f"the `{c}` command")
