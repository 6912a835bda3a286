from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from linli.devices import storage
from linli.devices.ingestion import ingest
from linli.devices.models import HourlyAggregate, Telemetry
from linli.devices.tests.support import message, ms

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.postgresql(reason="partitions need PostgreSQL")
sqlite_only = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="PostgreSQL drops partitions"
)


def months_from_now(n: int) -> date:
    this = storage.month_of(timezone.now().astimezone(UTC))
    index = this.year * 12 + this.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


@postgres_only
def test_telemetry_is_partitioned_by_month_from_two_back_to_three_ahead(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = 'devices_telemetry'")
        assert cursor.fetchone() == ("p",)
    present = set(storage.partitions())
    assert {months_from_now(n) for n in range(-2, 4)} <= present


@postgres_only
@override_settings(LINLI_TELEMETRY_RETENTION_DAYS=400)
def test_the_daily_task_creates_ahead_and_drops_past_the_retention(db):
    old, kept = months_from_now(-15), months_from_now(-12)
    storage.partitions_ensure(old, kept)
    result = storage.telemetry_partitions()
    assert storage.partition_name(old) in result["dropped"]
    present = storage.partitions()
    assert old not in present and kept in present
    assert months_from_now(3) in present
    assert storage.telemetry_partitions()["created"] == []  # safe to run again


@postgres_only
def test_no_insert_fails_for_lack_of_a_partition(sensor):
    with connection.cursor() as cursor:
        for month in storage.partitions():
            cursor.execute(f"DROP TABLE {storage.partition_name(month)}")
    storage.partitions_forget()
    at = timezone.now().replace(microsecond=0)
    counts = ingest(
        [
            message({"ts": ms(at), "values": {"temperature": 20}}),
            message({"ts": ms(at - timedelta(days=6, hours=23)), "values": {"temperature": 21}}),
        ]
    )
    assert counts["stored"] == 2
    assert storage.month_of(at.astimezone(UTC)) in storage.partitions()


@sqlite_only
@override_settings(LINLI_TELEMETRY_RETENTION_DAYS=400)
def test_retention_deletes_old_rows_on_sqlite(sensor):
    now = timezone.now()
    Telemetry.objects.create(
        device=sensor, key="temperature", ts=now - timedelta(days=401), value=1
    )
    Telemetry.objects.create(
        device=sensor, key="temperature", ts=now - timedelta(days=399), value=2
    )
    storage.telemetry_partitions(now)
    assert list(Telemetry.objects.values_list("value", flat=True)) == [2]


def test_hourly_aggregates_of_the_recent_hours_and_late_data(sensor):
    now = timezone.now()
    hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    ingest(
        [
            message(
                {
                    "ts": ms(hour + timedelta(minutes=m)),
                    "values": {"temperature": v, "humidity": 40},
                }
            )
            for m, v in ((1, 20), (20, 24), (59, 22))
        ]
        + [message({"ts": ms(hour + timedelta(hours=1, minutes=1)), "values": {"temperature": 30}})]
    )
    storage.telemetry_hourly(now)
    row = HourlyAggregate.objects.get(device=sensor, key="temperature", hour=hour)
    assert (row.count, row.minimum, row.maximum, row.total) == (3, 20, 24, 66)
    assert HourlyAggregate.objects.filter(device=sensor, key="temperature").count() == 2
    late = hour - timedelta(days=2)
    ingest([message({"ts": ms(late + timedelta(minutes=5)), "values": {"temperature": 18}})])
    ingest([message({"ts": ms(hour + timedelta(minutes=30)), "values": {"temperature": 40}})])
    storage.telemetry_hourly(now)
    row.refresh_from_db()
    assert (row.count, row.maximum) == (4, 40)  # recomputed, not added to
    assert not HourlyAggregate.objects.filter(hour=late).exists()
    storage.hourly_late(now)  # the daily pass
    assert HourlyAggregate.objects.get(device=sensor, key="temperature", hour=late).total == 18


def test_the_periodic_tasks_are_registered(db):
    from linli.core import periodic

    every = {job.name: job.every for job in periodic.jobs()}
    assert every["telemetry-partitions"] == timedelta(days=1)
    assert every["telemetry-hourly"] == timedelta(minutes=10)
    assert every["devices-offline"] == timedelta(minutes=1)


def test_a_month_is_made_of_utc_dates():
    assert storage.month_of(datetime(2026, 12, 31, 23, 0, tzinfo=UTC)) == date(2026, 12, 1)
    assert storage.partition_name(date(2027, 1, 1)) == "devices_telemetry_p202701"


@postgres_only
def test_a_partition_gone_behind_the_processs_back_is_made_again(sensor):
    now = timezone.now()
    storage.partitions_cover(now, now)  # known to this process
    with connection.cursor() as cursor:
        cursor.execute(
            f"DROP TABLE {storage.partition_name(storage.month_of(now.astimezone(UTC)))}"
        )
    assert ingest([message({"temperature": 20})])["stored"] == 1
