"""What the screens do after other apps' events commit."""

from linli.alerts.events import AlertCancelled, AlertIssued, AlertUpdated
from linli.screens.nudge import nudge


def take_over(event: AlertIssued | AlertUpdated | AlertCancelled) -> None:
    """An alert issued, updated or cancelled: the screens of its area fetch their
    content at once (the takeover starts, changes or ends)."""
    nudge(event.region_path)
