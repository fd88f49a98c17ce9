"""Ledger event kinds recorded by awards (定标与合同台账事件): each a named constant
with what it witnesses. ``docs/events.md`` lists every app's; other apps react to them
through ``core.events``."""

AWARD_DECIDED = "award.decided"
"""The initiator's award to one candidate; notices and letters follow in the same step. Recorded
by ``services.award.decide``."""

AWARD_PUBLICITY = "award.publicity"
"""Publish the candidates from now until ``ends_at``. Recorded by
``services.publicity.publish_candidates``."""

CHALLENGE_ANSWERED = "challenge.answered"
"""The purchaser or agent answered a challenge in writing. Recorded by
``services.challenges.answer_challenge``."""

CHALLENGE_FILED = "challenge.filed"
"""A supplier filed a challenge (质疑) to a procurement result. Recorded by
``services.challenges.file_challenge``."""

CONTRACT_PERFORMANCE = "contract.performance"
"""Performance information (履约信息), published as it is entered. Recorded by
``services.contract.record_performance``."""

CONTRACT_RECORDED = "contract.recorded"
"""Record and publish the signed contract; deposits fall due for refund. Recorded by
``services.contract.record_contract``."""

OBJECTION_RAISED = "objection.raised"
"""A bidder's objection to the result during the publicity (异议). Recorded by
``services.publicity.raise_candidate_objection``."""
