"""A write-only sink that lists the files of a tar stream as it passes, keeping nothing but
the header being read: the opening learns a bid's attachment names and sizes in the same
single decryption pass that verifies it, so nobody has to decrypt the bid again just to
list its documents.

It reads what ``bidfile`` writes (POSIX ustar with pax extended headers for long or
non-ASCII names); other member types are skipped, and reading stops at the end-of-archive
block.
"""

from __future__ import annotations

BLOCK = 512


def _padded(size: int) -> int:
    return -(-size // BLOCK) * BLOCK


def _number(field: bytes) -> int:
    text = field.rstrip(b"\0 ").strip()
    return int(text, 8) if text else 0


def _pax_records(data: bytes) -> dict[str, str]:
    """ "<length> <key>=<value>\\n" records (POSIX.1-2001 pax)."""
    records: dict[str, str] = {}
    position = 0
    while position < len(data):
        space = data.index(b" ", position)
        length = int(data[position:space])
        key, _, value = data[space + 1 : position + length - 1].partition(b"=")
        records[key.decode("utf-8")] = value.decode("utf-8")
        position += length
    return records


class TarIndex:
    def __init__(self) -> None:
        self.files: list[tuple[str, int]] = []
        self._header = bytearray()
        self._skip = 0  # bytes of member data (and padding) still to pass over
        self._pax_left = 0  # bytes of a pax header's data still to collect
        self._pax_data = bytearray()
        self._pax: dict[str, str] = {}
        self._ended = False

    def write(self, chunk: bytes) -> int:
        view = memoryview(chunk)
        while view and not self._ended:
            if self._pax_left:
                taken = view[: self._pax_left]
                self._pax_data += taken
                self._pax_left -= len(taken)
                view = view[len(taken) :]
                if not self._pax_left:
                    self._pax = _pax_records(bytes(self._pax_data))
            elif self._skip:
                passed = min(self._skip, len(view))
                self._skip -= passed
                view = view[passed:]
            else:
                taken = view[: BLOCK - len(self._header)]
                self._header += taken
                view = view[len(taken) :]
                if len(self._header) == BLOCK:
                    self._read_header(bytes(self._header))
                    self._header.clear()
        return len(chunk)

    def _read_header(self, block: bytes) -> None:
        if not block.strip(b"\0"):
            self._ended = True
            return
        kind = block[156:157]
        size = _number(block[124:136])
        if kind == b"x":
            self._pax_data.clear()
            self._pax_left = size
            self._skip = _padded(size) - size
            return
        pax, self._pax = self._pax, {}
        if kind in (b"0", b"\0"):
            name = block[0:100].rstrip(b"\0").decode("utf-8")
            prefix = block[345:500].rstrip(b"\0").decode("utf-8")
            path = pax.get("path") or (f"{prefix}/{name}" if prefix else name)
            size = int(pax.get("size", size))
            self.files.append((path, size))
        self._skip = _padded(size)
