"""REST API for the expert pool, evaluation and appraisal, mounted at /api/v1/experts
(thin: parse, authorise, call one service or selector). Errors are mapped in ``ggzy.api``.

- ``schemas``: request and response schemas
- ``_common``: the router and shared helpers (``expert_out`` and the other output shapes)
- ``experts``: the pool, leave, sanctions, profile changes, classification and Excel
- ``evaluation``: evaluation committees, appraisal, assessment and remuneration

Importing a module registers its endpoints on ``router``; ``experts`` is imported before
``evaluation`` so the routes keep their order.
"""

from . import experts
from ._common import expert_out, router

# isort: split
from . import evaluation

__all__ = ["evaluation", "expert_out", "experts", "router"]
