"""Live updates (linli.core.live): a message published in a transaction reaches, after
commit and on both transports (the table, a real Redis), the streams whose channel and
scope match and no other; a reconnecting client gets what it missed or a reset; the
stream's URL checks its input and answers 404 for channels not the asker's."""

import asyncio
import json
import threading
import time

import pytest
from asgiref.sync import sync_to_async
from django.db import connections, transaction
from django.test import AsyncClient

from linli.core import live
from linli.devices.events import LIVE_ALARMS
from linli.testing.live import wait_for_hub

URL = "/live/stream"


def _publish(path: str, n: int) -> None:
    with transaction.atomic():
        live.publish(LIVE_ALARMS, path=path, data={"alarm": n})


def _received(subscription: live.Subscription, count: int, timeout: float = 3) -> list[int]:
    got: list[int] = []
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        subscription.wait(0.05)
        _reset, messages = subscription.take()
        got += [m.data["alarm"] for m in messages]
    return got


@pytest.mark.django_db(transaction=True)
def test_a_message_reaches_the_streams_in_scope_once_committed(world, live_transport):
    everywhere = live.hub.subscribe({LIVE_ALARMS: [""]})
    community_a = live.hub.subscribe({LIVE_ALARMS: [world.a.path]})
    community_b = live.hub.subscribe({LIVE_ALARMS: [world.b.path]})
    started = time.monotonic()
    _publish(world.a1.path, 1)
    with pytest.raises(RuntimeError), transaction.atomic():
        live.publish(LIVE_ALARMS, path=world.a1.path, data={"alarm": 2})
        raise RuntimeError  # rolled back: never sent
    _publish(world.b1.path, 3)
    assert _received(everywhere, 2) == [1, 3]
    assert time.monotonic() - started < 2
    assert _received(community_a, 1) == [1]
    assert _received(community_b, 1) == [3]
    assert _received(community_a, 1, timeout=0.3) == []  # nothing else arrives


@pytest.mark.django_db(transaction=True)
def test_a_reconnecting_client_is_sent_what_it_missed(world, live_transport):
    first = live.hub.subscribe({LIVE_ALARMS: [world.a.path]})
    seen = live.hub.last
    live.hub.unsubscribe(first)  # the line drops
    _publish(world.a1.path, 1)
    _publish(world.b1.path, 2)
    _publish(world.a1.path, 3)
    wait_for_hub(seen + 3)
    again = live.hub.subscribe({LIVE_ALARMS: [world.a.path]}, last=seen)
    reset, messages = again.take()
    assert (reset, [m.data["alarm"] for m in messages]) == (False, [1, 3])


def test_published_data_stays_small_and_channels_known():
    with pytest.raises(ValueError, match="Unknown live channel"):
        live.publish("nobody.listens", path="", data={})
    with pytest.raises(ValueError, match="at most"):
        live.publish(LIVE_ALARMS, path="", data={"text": "长" * 300})


class _Quiet:
    """A transport that brings nothing (the hub's own rules, without a database)."""

    def __init__(self, latest: int) -> None:
        self._latest = latest

    def publish(self, channel, path, data):
        raise AssertionError

    def latest(self) -> int:
        return self._latest

    def listen(self, hub, stop: threading.Event) -> None:
        hub.begin(self._latest)
        stop.wait()


def test_a_client_that_missed_more_than_the_hub_knows_is_told_to_reset(settings):
    hub = live.Hub(lambda: _Quiet(100))
    try:
        fresh = hub.subscribe({"c": [""]})
        assert fresh.take() == (False, [])
        hub.dispatch(live.Message(101, "c", "37", {}))
        assert hub.subscribe({"c": [""]}, last=99).take() == (True, [])  # before the hub
        assert [m.id for m in hub.subscribe({"c": [""]}, last=100).take()[1]] == [101]
        slow = hub.subscribe({"c": [""]})
        for n in range(102, 102 + live.QUEUE + 1):  # it does not read: its queue overflows
            hub.dispatch(live.Message(n, "c", "37", {}))
        assert slow.take() == (True, [])
        hub.lost()  # the transport broke: everyone fetches again
        assert fresh.take()[0] is True
        settings.LINLI_LIVE_MAX_CLIENTS = len(hub)
        with pytest.raises(live.TooManyClients):
            hub.subscribe({"c": [""]})
    finally:
        hub.stop()


@pytest.mark.django_db(transaction=True)
def test_the_stream_answers_only_what_the_asker_may_see(world, client, live_transport):
    client.force_login(world.grid_worker_a1)
    first = client.get(URL, {"channel": LIVE_ALARMS, "poll": "1"})
    assert first.status_code == 200 and first["Cache-Control"] == "no-store"
    start = first.json()["last"]
    _publish(world.b1.path, 1)  # another community: not theirs
    _publish(world.a1.path, 2)
    wait_for_hub(start + 2)
    answer = client.get(URL, {"channel": LIVE_ALARMS, "poll": "1", "last": start}).json()
    assert [m["data"] for m in answer["messages"]] == [{"alarm": 2}]
    assert answer["messages"][0]["channel"] == LIVE_ALARMS
    assert "path" not in answer["messages"][0]  # no region code, no personal data
    assert answer["reset"] is False and answer["last"] > start


@pytest.mark.django_db(transaction=True)
def test_server_sent_events_carry_the_message_within_a_second(world, client, live_transport):
    client.force_login(world.grid_worker_a1)
    response = client.get(URL, {"channel": LIVE_ALARMS}, HTTP_ACCEPT="text/event-stream")
    assert response["Content-Type"].startswith("text/event-stream")
    assert response["X-Accel-Buffering"] == "no"
    chunks = iter(response.streaming_content)
    hello = next(chunks).decode()
    assert "event: hello" in hello and "retry: 3000" in hello
    started = time.monotonic()
    _publish(world.a1.path, 7)
    frame = next(chunks).decode()
    assert time.monotonic() - started < 1
    assert "event: message" in frame
    body = json.loads(frame.split("data: ", 1)[1])
    assert body == {"channel": LIVE_ALARMS, "data": {"alarm": 7}}
    response.close()


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_under_asgi_a_stream_is_a_coroutine_not_a_thread(world, live_transport):
    from linli.asgi import application

    client = AsyncClient()
    await client.aforce_login(world.grid_worker_a1)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    sent: asyncio.Queue = asyncio.Queue()
    gone = asyncio.Event()

    async def receive():
        await gone.wait()
        return {"type": "http.disconnect"}

    def request(query: bytes):
        scope = {
            "type": "http", "method": "GET", "path": URL, "query_string": query,
            "headers": [(b"host", b"127.0.0.1"), (b"cookie", cookie)], "scheme": "http",
            "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 50000), "root_path": "",
        }  # fmt: skip
        return asyncio.ensure_future(application(scope, receive, sent.put))

    refused = request(b"channel=devices.nothing")
    assert (await sent.get())["status"] == 404
    await sent.get()
    await refused
    threads, subscribed = threading.active_count(), len(live.hub)
    streams = [request(b"channel=devices.alarms") for _ in range(20)]
    opened = [await sent.get() for _ in range(2 * len(streams))]
    starts = [m for m in opened if m["type"] == "http.response.start"]
    assert [m["status"] for m in starts] == [200] * len(streams)
    assert (b"content-type", b"text/event-stream; charset=utf-8") in starts[0]["headers"]
    assert all(b"event: hello" in m["body"] for m in opened if m not in starts)
    # 20 open streams: the hub's thread and the shared pool that read their sessions
    assert threading.active_count() - threads < len(streams) // 2
    await sync_to_async(_publish)(world.a1.path, 8)
    frames = [await asyncio.wait_for(sent.get(), 2) for _ in streams]
    assert all(b'"alarm": 8' in m["body"] for m in frames)
    gone.set()  # the clients go away: their subscriptions end
    await asyncio.wait_for(asyncio.gather(*streams), 2)
    assert len(live.hub) == subscribed
    await sync_to_async(connections.close_all)()  # the async client's thread's connection


@pytest.mark.django_db(transaction=True)
def test_bad_or_foreign_subscriptions_are_refused(world, client):
    assert client.get(URL, {"channel": LIVE_ALARMS}).status_code == 404  # not signed in
    client.force_login(world.resident_a)  # may not view devices anywhere
    assert client.get(URL, {"channel": LIVE_ALARMS}).status_code == 404
    client.force_login(world.grid_worker_a1)
    for query, status in [
        ({}, 400),
        ({"channel": "devices.nothing"}, 404),
        ({"channel": [LIVE_ALARMS, LIVE_ALARMS]}, 400),
        ({"channel": LIVE_ALARMS, "last": "abc"}, 400),
        ({"channel": LIVE_ALARMS, "last": "-1"}, 400),
        ({"channel": LIVE_ALARMS, "poll": "yes"}, 400),
    ]:
        answer = client.get(URL, query)
        assert answer.status_code == status, query
        assert answer["Content-Type"] == "application/problem+json"
