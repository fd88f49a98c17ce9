"""SQLite with the writers of one process queued in order.

SQLite allows one writer at a time; a second writer waits in SQLite's busy handler, which
sleeps in steps of up to 100 ms. Under ASGI each request runs on a thread of its own, so
two hundred concurrent bid uploads spent most of their time asleep there. Here a write
transaction (ggzy's are all ``BEGIN IMMEDIATE``) first takes a process-wide lock, so the
writers of a process queue without sleeping; SQLite's own lock still orders processes.
WAL is switched on once per process (it is stored in the file), not on every connection.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base

# django-stubs does not declare the private transaction hooks overridden here.
SQLiteWrapper: Any = base.DatabaseWrapper
_write_lock = threading.Lock()
_wal = threading.Event()


class DatabaseWrapper(SQLiteWrapper):
    _holds_write_lock = False

    def get_new_connection(self, conn_params: Any) -> Any:
        connection = super().get_new_connection(conn_params)
        if not _wal.is_set():
            connection.execute("PRAGMA journal_mode=WAL")
            _wal.set()
        return connection

    def _start_transaction_under_autocommit(self) -> None:
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 30))
        if not _write_lock.acquire(timeout=timeout):
            raise OperationalError("database is locked (another writer of this process)")
        self._holds_write_lock = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _release_write_lock(self) -> None:
        if self._holds_write_lock:
            self._holds_write_lock = False
            _write_lock.release()

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._release_write_lock()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._release_write_lock()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            self._release_write_lock()
