"""The stored ledger: append, refuse edits, catch tampering, checkpoints and proofs."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction

from ggzy import cli
from ggzy.core import append_only
from ggzy.core.models import AppendOnlyError, Checkpoint, LedgerEntry
from ggzy.core.selectors import inclusion_proof, verify_ledger
from ggzy.core.services import receipt, record, write_checkpoints
from ggzy.kernel import ledger as chain

pytestmark = pytest.mark.django_db


def append(n: int) -> list[LedgerEntry]:
    return [
        record("test.event", subject=f"thing:{i}", payload={"i": i, "名称": "测试"}, actor="user:1")
        for i in range(n)
    ]


def raw(sql: str, params: list[object]) -> None:
    """Go around the ORM, as someone with database access would."""
    append_only.drop_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify_exit(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.cmd_ledger_verify(None)  # type: ignore[arg-type]
    return code, capsys.readouterr().out


def test_record_links_entries_and_gives_receipts(manual_clock) -> None:
    first, second = append(2)
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == chain.GENESIS_HASH and second.prev_hash == first.hash
    assert receipt(second)["ledger_hash"] == second.hash
    assert verify_ledger().ok


def test_orm_refuses_update_and_delete(manual_clock) -> None:
    (entry,) = append(1)
    entry.kind = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(seq=1).update(kind="x")
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.all().delete()


def test_database_trigger_refuses_raw_update_and_delete(manual_clock) -> None:
    append(1)
    for sql in ("UPDATE core_ledgerentry SET kind = 'x'", "DELETE FROM core_ledgerentry"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert LedgerEntry.objects.get(seq=1).kind == "test.event"


def test_verify_names_an_edited_row(manual_clock, capsys) -> None:
    append(5)
    assert verify_exit(capsys)[0] == 0
    raw("UPDATE core_ledgerentry SET body = %s WHERE seq = %s", ['{"i":99}', 3])
    code, out = verify_exit(capsys)
    assert code == 1
    assert "#3" in out and "altered" in out


def test_verify_names_a_deleted_row(manual_clock, capsys) -> None:
    append(5)
    raw("DELETE FROM core_ledgerentry WHERE seq = %s", [2])
    code, out = verify_exit(capsys)
    assert code == 1 and "#2" in out and "missing" in out


def test_verify_notices_the_tail_was_cut(manual_clock, capsys) -> None:
    append(5)
    raw("DELETE FROM core_ledgerentry WHERE seq = %s", [5])
    code, out = verify_exit(capsys)
    assert code == 1 and "#5" in out


def test_verify_names_a_reordered_pair(manual_clock, capsys) -> None:
    entries = append(4)
    a, b = entries[1], entries[2]
    raw(
        "UPDATE core_ledgerentry SET subject = %s, body = %s WHERE seq = %s",
        [b.subject, b.body, a.seq],
    )
    raw(
        "UPDATE core_ledgerentry SET subject = %s, body = %s WHERE seq = %s",
        [a.subject, a.body, b.seq],
    )
    code, out = verify_exit(capsys)
    assert code == 1 and "#2" in out


def test_verify_names_an_inserted_row(manual_clock, capsys) -> None:
    entries = append(3)
    # Shift entries 2..3 up by one and put a forged entry at 2, correctly hashed on #1.
    for e in reversed(entries[1:]):
        raw("UPDATE core_ledgerentry SET seq = %s WHERE seq = %s", [e.seq + 1, e.seq])
    forged = chain.Entry(
        2,
        chain.format_instant(entries[0].at),
        "forged",
        "x",
        "y",
        "{}",
        entries[0].hash,
        "",
        entries[0].alg,
    )
    digest = chain.compute_hash(forged)
    raw(
        "INSERT INTO core_ledgerentry (seq, at, kind, actor, subject, body, alg, prev_hash, hash) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [2, entries[0].at, "forged", "x", "y", "{}", entries[0].alg, entries[0].hash, digest],
    )
    code, out = verify_exit(capsys)
    assert code == 1 and "#3" in out


def test_checkpoints_close_each_day_and_prove_inclusion(manual_clock) -> None:
    append(3)
    manual_clock.advance(timedelta(days=1))
    append(4)
    assert write_checkpoints() == [Checkpoint.objects.get()]  # today is not closed yet
    manual_clock.advance(timedelta(days=1))
    days = write_checkpoints()
    assert len(days) == 1
    first, second = Checkpoint.objects.order_by("day")
    assert (first.first_seq, first.last_seq) == (1, 3)
    # The second range holds day 2's entries plus the entry witnessing checkpoint 1.
    assert (second.first_seq, second.last_seq) == (4, 8)
    for seq in (1, 2, 3, 5, 8):
        proof = inclusion_proof(seq)["checkpoint"]
        entry = LedgerEntry.objects.get(seq=seq)
        assert chain.verify_inclusion(
            proof["alg"],
            entry.hash,
            proof["index"],
            second.size if seq > 3 else 3,
            proof["proof"],
            proof["root"],
        )
    assert verify_ledger().checkpoints == 2
    assert write_checkpoints() == []


def test_checkpoint_mismatch_is_reported(manual_clock) -> None:
    append(2)
    manual_clock.advance(timedelta(days=1))
    write_checkpoints()
    raw("UPDATE core_checkpoint SET root = %s", ["ab" * 32])
    report = verify_ledger()
    assert not report.ok and report.problem is not None
    assert report.problem.code == "checkpoint_mismatch"


def test_public_ledger_api(client, manual_clock) -> None:
    append(3)
    response = client.get("/api/v1/ledger/entries?after=1")
    assert response.status_code == 200
    assert [e["seq"] for e in response.json()] == [2, 3]
    assert client.get("/api/v1/ledger/entries/99").status_code == 404
    assert client.get("/api/v1/ledger/entries/2").json()["checkpoint"] is None
