"""Demo data (`ggzy demo`): centres, departments, market entities and a user per role.

Idempotent: running it again changes nothing. Everything goes through the same services a
real user would use, so the ledger witnesses the demo data too.
"""

from __future__ import annotations

from .load import DEMO_PASSWORD, DEMO_PREFIX, has_data, load, print_logins

__all__ = ["DEMO_PASSWORD", "DEMO_PREFIX", "has_data", "load", "print_logins"]
