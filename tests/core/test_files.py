"""The file store: names relative to its root, never overwritten, and files that stream
both ways in bounded memory on the local disk and on S3."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage

from ggzy.core import files

MIB = 1 << 20
PART = 8 * MIB  # the S3 part size in settings.s3_options


@pytest.fixture
def local_storage(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def _random_file(path: Path, size: int) -> str:
    sha = hashlib.sha256()
    with open(path, "wb") as f:
        for _ in range(size // MIB):
            piece = os.urandom(MIB)
            f.write(piece)
            sha.update(piece)
    return sha.hexdigest()


@pytest.mark.parametrize("backend", ["local", "s3"])
def test_a_file_twenty_parts_long_is_stored_and_read_in_the_memory_of_a_few(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    request.getfixturevalue("local_storage" if backend == "local" else "s3_storage")
    spool = tmp_path / "spool"
    spool.mkdir()
    # Warm up: the S3 client loads its service model once per process (~20 MB of it).
    (spool / "small").write_bytes(b"x" * 1000)
    with files.open_stored(files.store_spooled("warm/small", spool / "small")) as f:
        assert f.read() == b"x" * 1000
    size = 20 * PART
    digest = _random_file(spool / "big", size)
    tracemalloc.start()
    try:
        name = files.store_spooled("bench/big.bin", spool / "big")
        _, stored_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        sha = hashlib.sha256()
        with files.open_stored(name) as f:
            while piece := f.read(MIB):
                sha.update(piece)
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert name == "bench/big.bin" and sha.hexdigest() == digest
    assert not (spool / "big").exists()  # moved or uploaded, never left behind
    assert default_storage.size(name) == size
    # Bounded by the parts in flight (at most four, plus what the SDK copies), not the file.
    bound = 8 * PART if backend == "s3" else 4 * MIB  # reads come in 1 MiB pieces
    assert stored_peak < bound, f"storing a {size // MIB} MiB file peaked at {stored_peak}"
    assert read_peak < bound, f"reading a {size // MIB} MiB file peaked at {read_peak}"


@pytest.mark.usefixtures("local_storage")
def test_a_stored_name_is_never_overwritten() -> None:
    first = files.store("evaluation/L1/report-1-v1.pdf", b"%PDF first")
    second = files.store("evaluation/L1/report-1-v1.pdf", b"%PDF second")
    assert first == "evaluation/L1/report-1-v1.pdf" and second != first
    assert files.read_stored(first) == b"%PDF first"
    assert files.read_stored(second) == b"%PDF second"


def test_paths_kept_before_the_file_store_become_names() -> None:
    root = "/srv/ggzy/var/instances/sqlite-db/files"
    layout = "awards/*/*"
    # Under MEDIA_ROOT: relative to it.
    assert files.relative_name(f"{root}/awards/L-1/award-3-7.pdf", root, layout) == (
        "awards/L-1/award-3-7.pdf"
    )
    # Under an earlier MEDIA_ROOT (the instance directory moved), in the platform's layout.
    old = "/home/old/var/instances/sqlite-db/files/awards/L-1/award-3-7.pdf"
    assert files.relative_name(old, root, layout) == "awards/L-1/award-3-7.pdf"
    # Already a name, empty, or a path in no known layout: unchanged.
    for value in ("awards/L-1/award-3-7.pdf", "", "/etc/passwd", f"{root}"):
        assert files.relative_name(value, root, layout) == value
    # And back, for the local disk.
    assert files.absolute_path("awards/L-1/award-3-7.pdf", root) == (
        f"{root}/awards/L-1/award-3-7.pdf"
    )
    assert files.absolute_path("/etc/passwd", root) == "/etc/passwd"
    assert files.absolute_path("", root) == ""
