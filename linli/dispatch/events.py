"""The dispatch centre's live channel (linli.core.live): a call arrived or moved.
Followed by the dispatchers' boards (staff who may view calls there)."""

LIVE_CALLS = "dispatch.calls"
