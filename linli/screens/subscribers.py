"""What the screens do after other apps' events commit."""

from linli.alerts.events import AlertCancelled, AlertExpired, AlertIssued, AlertUpdated
from linli.notices.events import NoticeExpired, NoticePublished, NoticeWithdrawn
from linli.screens.nudge import nudge


def take_over(event: AlertIssued | AlertUpdated | AlertCancelled | AlertExpired) -> None:
    """An alert issued, updated, cancelled or expired: the screens of its area fetch
    their content at once (the takeover starts, changes or ends)."""
    nudge(event.region_path)


def show_notices(event: NoticePublished | NoticeWithdrawn | NoticeExpired) -> None:
    """A notice for everyone in a region went out or came down: the screens and TV
    boxes of the communities in that region (all of them, for a district's notice)
    fetch what they show at once, not at their next poll."""
    if event.everyone:
        nudge(event.region_path)
