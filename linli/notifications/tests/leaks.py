"""Community B for the leak test: a notification of B's worker (personal, not
region-scoped: nobody else sees or opens it)."""

from linli.notifications.services import notify
from linli.testing.leaks import Leaks, Send

MARKER = "市南泄漏通知"


def community_b(world, made) -> Leaks:
    (notification,) = notify(users=[world.worker_b], kind="x", title=MARKER)
    return Leaks(
        objects={"notification": [notification]},
        markers=[MARKER],
        sends={
            ("post", "notifications:notification-open"): Send(
                f"/notifications/{notification.pk}/open/", by="worker_b"
            ),
            ("post", "notifications:notification-read-all"): Send(
                "/notifications/read-all/", anyone=True, by="worker_b"
            ),
        },
    )
