"""Where the demo keeps its users' private keys, as they would keep them on their own machines:
in the database's own directory (``core.instance``), so they always match its certificates."""

from __future__ import annotations

from pathlib import Path

from ggzy.core import instance


def demo_keys() -> Path:
    return instance.directory() / "demo-keys"
