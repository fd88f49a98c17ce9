from ninja import Router

router = Router(tags=["experts 专家库"])
