"""Ledger event kinds recorded by evaluation (评标台账事件): each a named constant
with what it witnesses. ``docs/events.md`` lists every app's; other apps react to them
through ``core.events``."""

EVALUATION_BID_REJECTED = "evaluation.bid_rejected"
"""A rejection the committee decides on its own motion (not from a flag). Recorded by
``services.flags.reject_bid``."""

EVALUATION_CHAIR_ELECTED = "evaluation.chair_elected"
"""Record the chair the committee chose (评标委员会主任由委员会推选) among its signed-in
members; a previous chair steps down. Recorded by ``services.committee.elect_chair``."""

EVALUATION_COMPLETED = "evaluation.completed"
"""The signed report is complete: every member signed, and the result stands. Recorded by
``services.report._finish``."""

EVALUATION_CONCLUDED = "evaluation.concluded"
"""Reach the result. Recorded by ``services.result.conclude``."""

EVALUATION_DISSENT = "evaluation.dissent"
"""A member's written disagreement with the result and why; it goes into the report. Recorded by
``services.report.dissent``."""

EVALUATION_FLAG_RESOLVED = "evaluation.flag_resolved"
"""The committee's vote on a candidate for rejection: rejected when most vote for it (then
``reason`` is the Art 51 ground), otherwise dismissed; ``ground`` says why. Recorded by
``services.flags.resolve_flag``."""

EVALUATION_MEMBER_ADDED = "evaluation.member_added"
"""Seat a newcomer: an expert confirmed from a supplementary draw of the same request, or
another representative of the initiator. Recorded by ``services.committee.add_member``."""

EVALUATION_MEMBER_REPLACED = "evaluation.member_replaced"
"""Take a member off the committee (更换评标委员会成员): their review is void (Reg. Art 48), a
result already reached is undone, and the committee waits for the newcomer. Recorded by
``services.committee.replace_member``."""

EVALUATION_METHOD_SET = "evaluation.method_set"
"""Write the evaluation method into the lot's tender documents (评标办法). Recorded by
``services.tender_method.set_method``."""

EVALUATION_REPORT_ISSUED = "evaluation.report_issued"
"""Generate the report PDF from the result; members then sign it. Recorded by
``services.report.issue_report``."""

EVALUATION_REPORT_SIGNED = "evaluation.report_signed"
"""A member signs the report with their own signing certificate (base64 signature over
``statement``). Recorded by ``services.report.sign_report``."""

EVALUATION_SEATS_ASSIGNED = "evaluation.seats_assigned"
"""Give every signed-in member without a seat a random seat number (随机座位号). Recorded by
``services.committee.assign_seats``."""

EVALUATION_SHEET_RETURNED = "evaluation.sheet_returned"
"""The chair returns a submitted sheet for reconsideration (e.g. after discussing a divergent
score); the reason is kept in the ledger. Recorded by ``services.review.return_sheet``."""

EVALUATION_SHEET_SAVED = "evaluation.sheet_saved"
"""Save (part of) the member's review of one bid; nothing is saved if any entry is bad. Recorded
by ``services.review.save_sheet``."""

EVALUATION_SHEET_SUBMITTED = "evaluation.sheet_submitted"
"""Submit the sheet: complete for every bid still under review. Recorded by
``services.review.submit``."""

EVALUATION_SIGNED_IN = "evaluation.signed_in"
"""A member signs in (签到), now; the centre's staff may sign a member in on their behalf and
record when they arrived (``at``). Recorded by ``services.committee.sign_in``."""

EVALUATION_STARTED = "evaluation.started"
"""Open the sealed list of drawn experts to the evaluation room and form the committee. Recorded
by ``services.committee.start``."""
