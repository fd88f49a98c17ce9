"""The pure hash chain and Merkle tree of kernel.ledger."""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ggzy.kernel import ledger as chain


def make_chain(n: int, alg: str = "sha256") -> list[chain.Entry]:
    entries, prev = [], chain.GENESIS_HASH
    for seq in range(1, n + 1):
        body = chain.canonical_json({"n": seq, "amount": Decimal("1.50"), "名称": "招标"})
        at = f"2026-11-23T01:00:{seq % 60:02d}.000000+00:00"
        digest = chain.chain_hash(
            alg, prev, chain.content(seq, at, "test.kind", "user:1", f"s:{seq}", body)
        )
        entries.append(
            chain.Entry(seq, at, "test.kind", "user:1", f"s:{seq}", body, prev, digest, alg)
        )
        prev = digest
    return entries


def test_canonical_json_is_stable_and_rejects_floats() -> None:
    assert chain.canonical_json({"b": 1, "a": "中"}) == '{"a":"中","b":1}'
    assert chain.canonical_json({"x": Decimal("2.10")}) == '{"x":"2.10"}'
    with pytest.raises(TypeError):
        chain.canonical_json({"x": 0.1})


@pytest.mark.parametrize("alg", ["sha256", "sm3"])
def test_intact_chain_verifies(alg: str) -> None:
    checked, problem = chain.verify_chain(make_chain(20, alg))
    assert (checked, problem) == (20, None)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 30), data=st.data())
def test_any_single_edit_is_found_at_that_entry(n: int, data: st.DataObject) -> None:
    entries = make_chain(n)
    i = data.draw(st.integers(0, n - 1))
    field = data.draw(st.sampled_from(["at", "kind", "actor", "subject", "body"]))
    value = getattr(entries[i], field)
    new = chain.canonical_json({"edited": True}) if field == "body" else value + "x"
    entries[i] = replace(entries[i], **{field: new})
    _, problem = chain.verify_chain(entries)
    assert problem is not None
    assert (problem.seq, problem.code) == (i + 1, "altered")


@settings(max_examples=40, deadline=None)
@given(n=st.integers(3, 30), data=st.data())
def test_deletion_and_reordering_are_found(n: int, data: st.DataObject) -> None:
    entries = make_chain(n)
    i = data.draw(st.integers(0, n - 2))
    deleted = entries[:i] + entries[i + 1 :]
    _, problem = chain.verify_chain(deleted)
    assert problem is not None and problem.seq == i + 1 and problem.code == "missing"

    swapped = list(entries)
    swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
    _, problem = chain.verify_chain(swapped)
    assert problem is not None and problem.seq == i + 1


def test_rehashed_edit_breaks_the_next_link() -> None:
    entries = make_chain(5)
    forged_body = chain.canonical_json({"forged": 1})
    forged = replace(entries[2], body=forged_body)
    forged = replace(forged, hash=chain.compute_hash(forged))
    entries[2] = forged
    _, problem = chain.verify_chain(entries)
    assert problem is not None and (problem.seq, problem.code) == (4, "broken_link")


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 70), alg=st.sampled_from(["sha256", "sm3"]), data=st.data())
def test_inclusion_proofs_verify_and_wrong_ones_fail(n: int, alg: str, data: st.DataObject) -> None:
    hashes = [e.hash for e in make_chain(n, alg)]
    root = chain.merkle_root(alg, hashes)
    index = data.draw(st.integers(0, n - 1))
    proof = chain.inclusion_proof(alg, hashes, index)
    assert chain.verify_inclusion(alg, hashes[index], index, n, proof, root)
    other = (index + 1) % n
    if other != index:
        assert not chain.verify_inclusion(alg, hashes[other], index, n, proof, root)
    assert not chain.verify_inclusion(alg, "00" * 32, index, n, proof, root)


@given(
    seq=st.integers(1, 10**12),
    kind=st.text(max_size=20),
    actor=st.text(max_size=20),
    subject=st.text(max_size=20),
    payload=st.dictionaries(st.text(max_size=8), st.integers() | st.text(max_size=8), max_size=5),
)
def test_spliced_content_equals_canonical_json(seq, kind, actor, subject, payload) -> None:
    at = "2026-11-23T01:00:00.000000+00:00"
    body = chain.canonical_json(payload)
    expected = chain.canonical_json(
        {"seq": seq, "at": at, "kind": kind, "actor": actor, "subject": subject, "payload": payload}
    )
    assert chain.content(seq, at, kind, actor, subject, body) == expected.encode()
