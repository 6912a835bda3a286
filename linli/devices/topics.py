"""The topics of the ThingsBoard device API a device may use, and the internal ones
only ingestion workers read: one list for every broker Linli answers for (the demo
broker, `broker.py`; EMQX, `emqx_api.py`; the Mosquitto plugin keeps its own copy in C,
linli/devices/mosquitto/linli_plugin.c, which must say the same)."""

DEVICE_WRITE = frozenset(
    {
        "v1/devices/me/telemetry",
        "v1/devices/me/attributes",
        "v1/gateway/telemetry",
        "v1/gateway/attributes",
        "v1/gateway/connect",
        "v1/gateway/disconnect",
    }
)
DEVICE_SUBSCRIBE = frozenset(
    {
        "v1/devices/me/attributes",
        "v1/devices/me/attributes/response/+",
        "v1/devices/me/rpc/request/+",
    }
)
INTERNAL_PREFIX = "linli/"  # linli/<device key>/<kind>: the workers' topics


def unshared(topic: str) -> str:
    """`$share/<group>/<filter>` → `<filter>`."""
    if topic.startswith("$share/"):
        return topic.split("/", 2)[2] if topic.count("/") >= 2 else ""
    return topic
