"""Print the start date of the suite's shifted-clock leg: a few days before the first Spring
Festival at least a year from today, so that a calendar gap or a date typed into a test fails
in CI long before the day it would fail for everyone (`make test` runs it)."""

from datetime import date, timedelta

from ggzy.kernel.provisional_calendar import anchor

DAYS_BEFORE = 6


def shifted_start(today: date) -> date:
    year = today.year + 1
    while anchor("Spring Festival", year) < today + timedelta(days=365):
        year += 1
    return anchor("Spring Festival", year) - timedelta(days=DAYS_BEFORE)


if __name__ == "__main__":
    print(shifted_start(date.today()).isoformat())  # noqa: DTZ011 — the machine's own date
