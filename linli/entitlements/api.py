from linli.core.routers import Router

router = Router(tags=["entitlements"])
