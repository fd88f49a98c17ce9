"""The only write path of the expert pool. ``pool`` (profiles, classification, leave,
sanctions, import/export), ``draw`` (draws, confirmations, supplementary draws),
``appraisal`` (appraisal, assessment, remuneration).

One exception: what the evaluation committee records of a drawn expert — signed in, seat,
chair, replaced (status ``replaced``) — is copied onto their ``Invitation`` by the committee
itself (``ggzy.evaluation.services.committee``), the one place that decides it."""
