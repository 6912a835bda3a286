"""The live channel of the queues: the call screen, the window console and the
centre's page fetch again when a ticket or appointment of their centre changes."""

from linli.appointments.models import Centre
from linli.core import live

QUEUE_CHANNEL = "appointments.queue"


def changed(centre: Centre) -> None:
    live.publish(QUEUE_CHANNEL, path=centre.region.path, data={"centre": centre.pk})
