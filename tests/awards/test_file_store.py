"""Sealed bids, the evaluation report and the award letters through the file store: on an
S3-protocol server on loopback, made and read back by the platform's own services; and the
data migrations that turned the absolute paths of earlier versions into stored names."""

from __future__ import annotations

import hashlib
import importlib
import io
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage

from ggzy.awards.models import Letter
from ggzy.core import files, seal
from ggzy.evaluation.models import Evaluation
from ggzy.kernel import clock
from ggzy.kernel.crypto import check_ciphertext, parse_header, read_header
from ggzy.tendering.models import Bid, Upload
from ggzy.tendering.services.opening import write_plaintext

from ..fixtures.s3 import S3Server
from ..fixtures.tendering import World
from ..tendering.flow import ok
from .flow import AWARDS, candidates, evaluated

EVAL_API = "/api/v1/evaluation"


def _awarded(world: World, manual_clock: Any, tmp_path: Path, verified_client: Any) -> Any:
    """A procurement lot taken through sealed bids, opening, evaluation, the signed report
    and the award, whose letters are issued at once (no publicity in procurement)."""
    r = evaluated(world, manual_clock, tmp_path, verified_client, gp=True)
    body = {"bid": candidates(r)[0]}
    ok(
        world.initiator.client.post(f"{AWARDS}/lots/{r.lot_id}/award", body, "application/json"),
        201,
    )
    return r


def _read(response: Any) -> bytes:
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content)


def test_bids_report_and_letters_are_written_to_and_read_from_s3(
    world: World,
    manual_clock: clock.ManualClock,
    tmp_path: Path,
    verified_client: Any,
    s3_server: S3Server,
    s3_storage: str,
) -> None:
    r = _awarded(world, manual_clock, tmp_path, verified_client)
    keys = s3_server.keys(s3_storage)
    bids = list(Bid.objects.filter(lot_id=r.lot_id))
    evaluation = Evaluation.objects.get(pk=r.evaluation_id)
    letters = list(Letter.objects.filter(award__lot_id=r.lot_id))
    code = bids[0].lot.code
    # Every file went to the bucket under its relative name; none to the local disk.
    assert len(bids) == 4 and {b.status for b in bids} == {Bid.Status.DECRYPTED}
    for bid in bids:
        upload = Upload.objects.get(bid=bid)
        assert bid.file == f"tendering/bids/{code}/{upload.token}.sealed"
        assert keys[bid.file] == bid.size
    assert evaluation.report_file.startswith(f"evaluation/{code}/report-")
    assert evaluation.report_file in keys
    assert len(letters) == 4 and all(
        letter.file.startswith(f"awards/{code}/") for letter in letters
    )
    assert {letter.file for letter in letters} <= set(keys)
    local = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert local == []
    assert [p for p in Path(settings.GGZY_UPLOAD_DIR).rglob("*") if p.is_file()] == []
    # Read back: each sealed bid is byte for byte the one receipted, and decrypts again.
    for bid in bids:
        with files.open_stored(bid.file) as src:
            stored = read_header(src)
            check_ciphertext(src, parse_header(bytes(bid.header), bytes(bid.signature)))
        assert stored.header_bytes == bytes(bid.header)
    plain = io.BytesIO()
    write_plaintext(bids[0], plain)
    assert plain.getvalue()
    # The report and the winner's letter, downloaded through the API, from the bucket.
    report = _read(r.staff.get(f"{EVAL_API}/{r.evaluation_id}/report.pdf"))
    assert hashlib.sha256(report).hexdigest() == evaluation.report_digest
    winner = next(letter for letter in letters if letter.kind == Letter.Kind.AWARD)
    party = next(p for p in world.bidders if p.entity and p.entity.pk == winner.entity_id)
    pdf = _read(party.client.get(f"{AWARDS}/letters/{winner.pk}.pdf"))
    assert hashlib.sha256(pdf).hexdigest() == winner.digest
    check = seal.verify_pdf(pdf)
    assert check.intact and check.valid and check.covers_document


def _migration(app: str, name: str) -> Any:
    return importlib.import_module(f"ggzy.{app}.migrations.{name}")


def test_migrations_turn_absolute_paths_into_stored_names(
    world: World, manual_clock: clock.ManualClock, tmp_path: Path, verified_client: Any
) -> None:
    r = _awarded(world, manual_clock, tmp_path, verified_client)
    root = Path(settings.MEDIA_ROOT)
    bids = Bid.objects.filter(lot_id=r.lot_id)
    letters = Letter.objects.filter(award__lot_id=r.lot_id)
    evaluations = Evaluation.objects.filter(pk=r.evaluation_id)
    names = {
        "bids": dict(bids.values_list("pk", "file")),
        "letters": dict(letters.values_list("pk", "file")),
        "reports": dict(evaluations.values_list("pk", "report_file")),
    }
    # The rows as an earlier version wrote them: absolute paths, uploads not linked to bids.
    tendering = _migration("tendering", "0007_file_store")
    evaluation = _migration("evaluation", "0002_file_store")
    awards = _migration("awards", "0002_file_store")
    for migration in (tendering, evaluation, awards):
        migration.backward(apps, None)
    Upload.objects.filter(bid__in=bids).update(bid=None, path="")
    for bid in bids:
        assert bid.file == str(root / names["bids"][bid.pk])
        Upload.objects.filter(token=Path(bid.file).stem).update(path=bid.file)
    assert letters.first().file.startswith(str(root))  # type: ignore[union-attr]
    # Migrated: names again, each upload pointing at its bid, every file readable.
    for migration in (tendering, evaluation, awards):
        migration.forward(apps, None)
    assert dict(bids.values_list("pk", "file")) == names["bids"]
    assert dict(letters.values_list("pk", "file")) == names["letters"]
    assert dict(evaluations.values_list("pk", "report_file")) == names["reports"]
    for bid in bids:
        assert Upload.objects.get(bid=bid).token == Path(bid.file).stem
        assert default_storage.exists(bid.file)
    pdf = _read(r.staff.get(f"{EVAL_API}/{r.evaluation_id}/report.pdf"))
    assert pdf.startswith(b"%PDF")
