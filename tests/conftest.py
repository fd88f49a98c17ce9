from collections.abc import Iterator
from datetime import datetime

import pytest

from ggzy.kernel import clock

START = datetime(2026, 11, 23, 9, 0, tzinfo=clock.SHANGHAI)


@pytest.fixture
def manual_clock() -> Iterator[clock.ManualClock]:
    """Install a clock that only moves when the test moves it."""
    with clock.use_clock(clock.ManualClock(START)) as c:
        yield c  # type: ignore[misc]
