"""The only write path of the expert pool. ``pool`` (profiles, classification, leave,
sanctions, import/export), ``draw`` (draws, confirmations, supplementary draws),
``evaluation`` (sign-in, seats, replacement, chair), ``appraisal`` (appraisal, assessment,
remuneration)."""
