"""The streaming tar index lists exactly what tarfile lists, however the stream is cut."""

from __future__ import annotations

import io
import tarfile

from hypothesis import given, settings
from hypothesis import strategies as st

from ggzy.tendering.tar_index import TarIndex

names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\"),
    min_size=1,
    max_size=150,
).filter(lambda n: n not in (".", ".."))


def _tar(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(f"attachments/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


@settings(max_examples=60, deadline=None)
@given(
    members=st.lists(
        st.tuples(names, st.binary(max_size=2000)), min_size=1, max_size=5, unique_by=lambda m: m[0]
    ),
    cut=st.integers(min_value=1, max_value=4096),
)
def test_index_matches_tarfile(members: list[tuple[str, bytes]], cut: int) -> None:
    stream = _tar(members)
    index = TarIndex()
    for start in range(0, len(stream), cut):
        assert index.write(stream[start : start + cut]) == len(stream[start : start + cut])
    with tarfile.open(fileobj=io.BytesIO(stream), mode="r|") as tar:
        expected = [(m.name, m.size) for m in tar]
    assert index.files == expected


def test_long_chinese_name_and_empty_file() -> None:
    name = "技术标" * 60 + ".pdf"
    index = TarIndex()
    index.write(_tar([(name, b""), ("b.txt", b"x" * 513)]))
    assert index.files == [(f"attachments/{name}", 0), ("attachments/b.txt", 513)]
