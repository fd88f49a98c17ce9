"""Drawing experts: avoidance, sealed results, supplementary draws, and re-running a draw."""

from datetime import timedelta

import pytest

from ggzy.core import sealing
from ggzy.core.models import LedgerEntry
from ggzy.core.selectors import verify_ledger
from ggzy.experts.models import DrawAttempt, ExpertStatus, Invitation, RandomnessParty
from ggzy.experts.services import draw
from ggzy.experts.verification import verify_attempt
from ggzy.kernel.errors import Forbidden, InvalidInput, RuleViolation
from tests.fixtures.draws import AGENT, INITIATOR, SUPERVISOR_USCC

pytestmark = pytest.mark.django_db


def drawn_ids(attempt: DrawAttempt) -> list[int]:
    result = sealing.unseal(attempt.sealed_result, draw.seal_aad(attempt))
    return [i for ids in result["buckets"].values() for i in ids]  # type: ignore[index]


def test_a_draw_invites_the_committee_and_verifies(manual_clock, pool, request_for) -> None:
    request = request_for()
    attempt = draw.draw(user=request.created_by, request_id=request.pk)
    invitations = Invitation.objects.filter(request=request)
    assert invitations.count() == 7
    assert {i.bucket for i in invitations} == {"main:A0801", "main:A0802"}
    assert len({i.expert.employer_uscc for i in invitations}) == 7  # one per employer
    assert verify_attempt(attempt).ok
    kinds = list(LedgerEntry.objects.values_list("kind", flat=True))
    assert kinds.count("expert.draw_started") == 1 and kinds.count("expert.drawn") == 1
    drawn_entry = LedgerEntry.objects.get(kind="expert.drawn")
    for invitation in invitations:  # the public ledger does not name the experts
        assert str(invitation.expert.name) not in drawn_entry.body
    assert verify_ledger().ok


def test_excluded_experts_are_listed_with_reasons_and_never_drawn(
    manual_clock, pool, draw_expert, request_for
) -> None:
    bad = [
        draw_expert(employer_uscc=INITIATOR),
        draw_expert(employer_uscc=AGENT),
        draw_expert(employer_uscc=SUPERVISOR_USCC),
        draw_expert(status=ExpertStatus.BLACKLISTED),
        draw_expert(status=ExpertStatus.SUSPENDED),
        draw_expert(years_of_practice=3),
        draw_expert(declared_conflicts=[INITIATOR]),
    ]
    request = request_for()
    attempt = draw.draw(user=request.created_by, request_id=request.pk)
    reasons = {x["expert"]: x["rule"] for x in attempt.snapshot["exclusions"]}
    assert reasons == {
        bad[0].pk: "experts.avoid_interested_employer",
        bad[1].pk: "experts.avoid_interested_employer",
        bad[2].pk: "experts.avoid_supervisor_staff",
        bad[3].pk: "experts.status",
        bad[4].pk: "experts.status",
        bad[5].pk: "works.expert_min_years",
        bad[6].pk: "experts.avoid_declared_conflict",
    }
    assert not set(drawn_ids(attempt)) & {e.pk for e in bad}


def test_a_decline_brings_a_supplementary_draw(manual_clock, pool, request_for) -> None:
    request = request_for()
    draw.draw(user=request.created_by, request_id=request.pk)
    first = Invitation.objects.filter(request=request).order_by("pk").first()
    assert first is not None
    draw.respond(user=first.expert.user, invitation_id=first.pk, accept=False, reason="出差")
    replacement = Invitation.objects.filter(request=request).order_by("-pk").first()
    assert replacement is not None and replacement.pk != first.pk
    assert replacement.bucket == first.bucket and replacement.attempt.supplementary
    assert replacement.expert_id != first.expert_id
    assert all(verify_attempt(a).ok for a in request.attempts.all())


def test_silence_expires_and_is_replaced(manual_clock, pool, request_for) -> None:
    request = request_for(reply_minutes=30)
    draw.draw(user=request.created_by, request_id=request.pk)
    manual_clock.advance(timedelta(minutes=31))
    assert draw.expire_silent_invitations() == 7
    assert Invitation.objects.filter(request=request, status="expired").count() == 7
    assert Invitation.objects.filter(request=request, status="pending").count() == 7


def test_confirmations_complete_the_request(manual_clock, pool, request_for) -> None:
    request = request_for()
    draw.draw(user=request.created_by, request_id=request.pk)
    for invitation in Invitation.objects.filter(request=request):
        draw.respond(user=invitation.expert.user, invitation_id=invitation.pk, accept=True)
    request.refresh_from_db()
    assert request.status == "complete"


def test_too_few_eligible_says_how_many_and_why(manual_clock, draw_expert, request_for) -> None:
    for _ in range(3):
        draw_expert("A0801")
    draw_expert("A0801", employer_uscc=INITIATOR)
    for _ in range(2):
        draw_expert("A0802")
    request = request_for()
    indexes = list(RandomnessParty.objects.values_list("next_index", flat=True))
    with pytest.raises(InvalidInput) as caught:
        draw.draw(user=request.created_by, request_id=request.pk)
    assert caught.value.code == "not_enough_experts"
    assert "只有 3 名" in caught.value.message_zh and "第四十六条" in caught.value.message_zh
    assert not DrawAttempt.objects.exists()
    assert list(RandomnessParty.objects.values_list("next_index", flat=True)) == indexes


def test_draw_too_close_to_the_opening_is_refused_unless_remote(
    manual_clock, pool, request_for
) -> None:
    opening = manual_clock.now() + timedelta(hours=2)
    with pytest.raises(RuleViolation) as caught:
        request_for(opening_at=opening)
    assert caught.value.rule == "experts.draw_min_hours_before_opening"
    remote = request_for(
        opening_at=opening,
        mode="remote",
        secondary_venue_count=2,
        requirements=[
            {"specialty": "A0801", "venue": "main", "count": 3},
            {"specialty": "A0801", "venue": "secondary-1", "count": 2},
            {"specialty": "A0802", "venue": "secondary-2", "count": 2},
        ],
    )
    attempt = draw.draw(user=remote.created_by, request_id=remote.pk)
    venues = {i.venue_id for i in Invitation.objects.filter(request=remote)}
    assert len(venues) == 3 and remote.main_venue_id in venues
    assert verify_attempt(attempt).ok


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"committee_size": 6}, "committee_size"),
        (
            {
                "committee_size": 3,
                "requirements": [{"specialty": "A0801", "venue": "main", "count": 3}],
            },
            "committee_size",
        ),
        ({"owner_representatives": 3, "committee_size": 7}, "owner_representatives"),
        ({"requirements": [{"specialty": "Z99", "venue": "main", "count": 7}]}, "requirements"),
        (
            {"requirements": [{"specialty": "A0801", "venue": "secondary-1", "count": 7}]},
            "requirements",
        ),
        (
            {
                "committee_size": 9,
                "owner_representatives": 4,
                "requirements": [{"specialty": "A0801", "venue": "main", "count": 5}],
            },
            "requirements",
        ),
        ({"mode": "remote", "secondary_venue_count": 4}, "secondary_venue_count"),
        ({"initiator_uscc": "91350100M000100Y44"}, "initiator_uscc"),
        ({"lot_name": "<script>x</script>"}, "lot_name"),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_saved(
    manual_clock, pool, request_for, overrides, field
) -> None:
    before = LedgerEntry.objects.count()
    with pytest.raises((InvalidInput, RuleViolation)) as caught:
        request_for(**overrides)
    assert caught.value.field == field
    assert LedgerEntry.objects.count() == before


def test_only_centre_staff_draw(manual_clock, pool, request_for) -> None:
    request = request_for()
    expert_user = pool[0].user
    with pytest.raises(Forbidden):
        draw.draw(user=expert_user, request_id=request.pk)


def test_a_party_that_breaks_its_commitment_leaves_an_abandoned_attempt(
    manual_clock, pool, request_for, parties, tmp_path
) -> None:
    from ggzy.experts import beacon

    request = request_for()
    path = parties[1].endpoint.removeprefix("file:")
    with open(path, "w") as handle:
        handle.write(beacon.Chain.create("sm3", 200).to_json())
    with pytest.raises(Exception) as caught:
        draw.draw(user=request.created_by, request_id=request.pk)
    assert getattr(caught.value, "code", "") == "reveal_mismatch"
    attempt = DrawAttempt.objects.get()
    assert attempt.status == "abandoned"
    assert LedgerEntry.objects.filter(kind="expert.draw_abandoned").count() == 1
    assert verify_attempt(attempt).ok
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("tamper", ["snapshot", "reveal", "seal"])
def test_an_altered_record_fails_verification(manual_clock, pool, request_for, tamper: str) -> None:
    request = request_for()
    attempt = draw.draw(user=request.created_by, request_id=request.pk)
    if tamper == "snapshot":
        attempt.snapshot["buckets"][0]["eligible"].pop()
    elif tamper == "reveal":
        key = next(iter(attempt.reveals))
        attempt.reveals[key] = "00" * 32
    else:
        others = sealing.seal(
            {"buckets": {"main:A0801": [1, 2, 3, 4, 5]}, "venues": []}, draw.seal_aad(attempt)
        )
        attempt.sealed_result = others
    attempt.save()
    assert not verify_attempt(attempt).ok


def test_reveals_are_published_only_after_the_result_is_public(
    manual_clock, pool, request_for
) -> None:
    request = request_for()
    attempt = draw.draw(user=request.created_by, request_id=request.pk)
    assert not any(
        v in e
        for e in LedgerEntry.objects.values_list("body", flat=True)
        for v in attempt.reveals.values()
    )
    draw.publish_reveals(user=request.created_by, request_id=request.pk)
    revealed = LedgerEntry.objects.get(kind="expert.draw_revealed")
    assert all(v in revealed.body for v in attempt.reveals.values())
    assert attempt.seed in revealed.body


def test_every_attempt_counts_in_the_ledger(manual_clock, pool, request_for) -> None:
    request = request_for()
    draw.draw(user=request.created_by, request_id=request.pk)
    with pytest.raises(Exception):  # noqa: B017 — a second initial draw is refused
        draw.draw(user=request.created_by, request_id=request.pk)
    assert DrawAttempt.objects.count() == 1


def test_cli_verify_all_fails_on_an_altered_record(manual_clock, pool, request_for, capsys) -> None:
    import argparse

    from ggzy.cli import cmd_experts_verify

    request = request_for()
    attempt = draw.draw(user=request.created_by, request_id=request.pk)
    args = argparse.Namespace(all=True, draw_id=None)
    assert cmd_experts_verify(args) == 0
    assert "1 verified, 0 failed" in capsys.readouterr().out
    DrawAttempt.objects.filter(pk=attempt.pk).update(seed="00" * 32)
    attempt.refresh_from_db()
    attempt.snapshot["exclusions"].append(
        {"expert": 1, "rule": "x", "reason_zh": "", "reason_en": ""}
    )
    attempt.save(update_fields=["snapshot"])
    assert cmd_experts_verify(args) == 1
    assert "FAILED" in capsys.readouterr().out
