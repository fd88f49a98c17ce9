"""REST API for the expert pool and appraisal, mounted at /api/v1/experts
(thin: parse, authorise, call one service or selector). Errors are mapped in ``ggzy.api``.
The evaluation committee (sign-in, seats, chair, replacement) is the evaluation API's.

- ``schemas``: request and response schemas
- ``_common``: the router and shared helpers (``expert_out`` and the other output shapes)
- ``experts``: the pool, leave, sanctions, profile changes, classification and Excel
- ``appraisal``: appraisal, assessment and remuneration

Importing a module registers its endpoints on ``router``; ``experts`` is imported before
``appraisal`` so the routes keep their order.
"""

from . import experts
from ._common import expert_out, router

# isort: split
from . import appraisal

__all__ = ["appraisal", "expert_out", "experts", "router"]
