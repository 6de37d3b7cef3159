"""The `scenario` fixture: see harness.py for what a scenario runs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from harness import Scenario


@pytest.fixture
def scenario(tmp_path: Path, smtp_capture: Any) -> Iterator[Any]:
    """A factory: `scenario(start, **settings_overrides)` gives a running Scenario; all are closed after."""
    made: list[Scenario] = []

    def make(start: datetime, **overrides: Any) -> Scenario:
        s = Scenario(tmp_path / f"s{len(made)}", smtp_capture, start, **overrides)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()
