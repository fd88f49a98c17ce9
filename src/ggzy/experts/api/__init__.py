from ninja import Router

from .draws import router as draws_router
from .pool import router as pool_router

router = Router(tags=["experts 专家"])
router.add_router("", pool_router)
router.add_router("/draws", draws_router)
