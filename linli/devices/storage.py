"""Telemetry storage: the set-based writes of the ingestion path, the monthly
partitions of PostgreSQL, hourly aggregates and retention (docs/devices.md,
"Storage").

Every write here is one statement for a whole batch (or one `executemany` on
SQLite), never a query per row:

- telemetry rows: `INSERT … SELECT FROM json_array_elements(…) ON CONFLICT DO
  NOTHING` on PostgreSQL, `INSERT OR IGNORE` on SQLite: a row delivered twice is
  stored once;
- latest values: an upsert where only a newer time wins, returning the values it
  replaces (the rules' previous values); on PostgreSQL in the same statement as the
  rows (`telemetry_store`);
- device health: last seen, online, battery and signal;
- client attributes: merged into `Device.attributes` (a null removes a key);
- refusals: `DeviceRejection` counted per device and reason.

On PostgreSQL `devices_telemetry` is partitioned by month of `ts` (UTC months,
`devices_telemetry_pYYYYMM`). The task `telemetry-partitions` creates them ahead
and drops those past the retention; the ingestion path makes sure the months of a
batch exist before it writes (`partitions_cover`), so no insert can fail for lack
of a partition. On SQLite the table is a plain table and retention deletes rows.
"""

import json
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

# (device id, key, time, number, text)
type Row = tuple[int, str, datetime, float | None, str | None]
# (device id, reason) → (count, last detail)
type Refusals = Mapping[tuple[int | None, str], tuple[int, str]]

TELEMETRY = "devices_telemetry"
CHUNK = 20_000  # rows per statement
SQLITE_CHUNK = 6_000
PARTITIONS_BEHIND = 2  # months kept ready before this one (at least)
PARTITIONS_AHEAD = 3  # months created after this one
_LOCK_ID = 0x4C494E4C49  # pg_advisory_xact_lock: one partition maker at a time


def postgres() -> bool:
    return connection.vendor == "postgresql"


def _pg(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run a statement on PostgreSQL with server-side binding: arrays travel as
    parameters, not as literals in the text (Django's cursors bind on the client).
    Errors are Django's, as from its own cursors."""
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql.encode(), params)
        return cursor.fetchall() if cursor.description else []


# Rows travel to PostgreSQL as one JSON array of arrays: dumping it is a C call, where
# psycopg dumps array parameters element by element in Python (twice the CPU).
ROWS_FROM_JSON = (
    "SELECT (e->>0)::bigint, e->>1, (e->>2)::timestamptz, (e->>3)::float8, e->>4"
    " FROM json_array_elements(%s::json) AS e"
)
ROWS_FROM_JSON_NAMED = (
    "SELECT (e->>0)::bigint AS device_id, e->>1 AS key, (e->>2)::timestamptz AS ts,"
    " (e->>3)::float8 AS value, e->>4 AS text FROM json_array_elements(%s::json) AS e"
)


def rows_json(rows: Iterable[Row]) -> str:
    times: dict[datetime, str] = {}  # a message's values share their time
    return json.dumps(
        [
            (d, k, times.get(ts) or times.setdefault(ts, ts.isoformat()), v, t)
            for d, k, ts, v, t in rows
        ]
    )


def ids_in(column: str, ids: Iterable[int]) -> tuple[str, list[Any]]:
    """A condition `column` is one of `ids`, and its parameters."""
    ids = sorted(set(ids))
    if postgres():  # an array's text: psycopg would dump a list element by element
        return f"{column} = ANY(%s::bigint[])", ["{" + ",".join(map(str, ids)) + "}"]
    return f"{column} IN ({', '.join(['%s'] * len(ids)) or 'NULL'})", ids


def select(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Rows of a query (server-side binding on PostgreSQL)."""
    if postgres():
        return _pg(sql, params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def db_time(value: datetime) -> Any:
    """A time as the backend stores it (SQLite: Django's text form, naive UTC)."""
    return value if postgres() else connection.ops.adapt_datetimefield_value(value)


def telemetry_insert(rows: Sequence[Row]) -> Counter[int]:
    """Store `rows`, each once; returns how many were new per device."""
    stored: Counter[int] = Counter()
    if not rows:
        return stored
    if postgres():
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            found = _pg(
                "WITH new AS ("  # noqa: S608 (a constant table name)
                f" INSERT INTO {TELEMETRY} (device_id, key, ts, value, text) {ROWS_FROM_JSON}"
                " ON CONFLICT DO NOTHING RETURNING device_id)"
                " SELECT device_id, count(*) FROM new GROUP BY device_id",
                [rows_json(chunk)],
            )
            for device_id, count in found:
                stored[device_id] += count
        return stored
    with connection.cursor() as cursor:
        # Multi-row VALUES, within SQLite's 32,766 parameters a statement.
        for start in range(0, len(rows), SQLITE_CHUNK):
            chunk = rows[start : start + SQLITE_CHUNK]
            cursor.execute(
                f"INSERT OR IGNORE INTO {TELEMETRY} (device_id, key, ts, value, text)"  # noqa: S608
                " VALUES "
                + ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
                + " RETURNING device_id",
                [
                    field
                    for device_id, key, ts, value, text in chunk
                    for field in (device_id, key, db_time(ts), value, text)
                ],
            )
            stored.update(device_id for (device_id,) in cursor.fetchall())
    return stored


type Previous = dict[tuple[int, str], tuple[datetime, float | None]]

# The rows' latest values (one a key) moved forward, and what they were before: the
# CTEs of one statement all see the table as it was when it began.
_LATEST_SWAP = (
    "last AS (SELECT DISTINCT ON (device_id, key) device_id, key, ts, value, text FROM v"
    " ORDER BY device_id, key, ts DESC),"
    " old AS (SELECT l.device_id, l.key, l.ts, l.value FROM devices_latestvalue AS l"
    " JOIN last USING (device_id, key)),"
    " moved AS (INSERT INTO devices_latestvalue (device_id, key, ts, value, text)"
    " SELECT device_id, key, ts, value, text FROM last ORDER BY device_id, key"
    " ON CONFLICT (device_id, key) DO UPDATE SET ts = excluded.ts,"
    " value = excluded.value, text = excluded.text"
    " WHERE devices_latestvalue.ts < excluded.ts)"
)


def telemetry_store(rows: Sequence[Row]) -> tuple[Counter[int], Previous]:
    """The ingestion's write of a batch's values: the rows stored, each once (how many
    were new per device), and each key's latest value moved forward (a value older
    than the one stored changes nothing). Returns also the latest values of the rows'
    keys as they were before: (device, key) → (time, number), the rules' memory.

    On PostgreSQL one statement (a chunk of rows), the rows sent once: the insert, the
    read of the latest values and their upsert in CTEs of the same statement."""
    stored: Counter[int] = Counter()
    previous: Previous = {}
    if not rows:
        return stored, previous
    if postgres():
        for start in range(0, len(rows), CHUNK):
            found = _pg(
                f"WITH v AS ({ROWS_FROM_JSON_NAMED}),"  # noqa: S608 (constant table names)
                f" new AS (INSERT INTO {TELEMETRY} (device_id, key, ts, value, text)"
                " SELECT * FROM v ON CONFLICT DO NOTHING RETURNING device_id),"
                f" {_LATEST_SWAP}"
                " SELECT device_id, NULL, NULL::timestamptz, NULL::float8, count(*) FROM new"
                " GROUP BY device_id"
                " UNION ALL SELECT device_id, key, ts, value, 0 FROM old",
                [rows_json(rows[start : start + CHUNK])],
            )
            for device_id, key, ts, value, count in found:
                if key is None:
                    stored[device_id] += count
                else:  # a later chunk's statement sees an earlier chunk's values
                    previous.setdefault((device_id, key), (ts, value))
        return stored, previous
    latest: dict[tuple[int, str], tuple[datetime, float | None, str | None]] = {}
    for device_id, key, ts, value, text in rows:
        known = latest.get((device_id, key))
        if known is None or known[0] < ts:
            latest[(device_id, key)] = (ts, value, text)
    previous = _sqlite_latest_of(latest)
    stored = telemetry_insert(rows)
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO devices_latestvalue (device_id, key, ts, value, text)"
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (device_id, key) DO UPDATE SET"
            " ts = excluded.ts, value = excluded.value, text = excluded.text"
            " WHERE devices_latestvalue.ts < excluded.ts",
            [(d, k, db_time(ts), v, t) for (d, k), (ts, v, t) in sorted(latest.items())],
        )
    return stored, previous


def _sqlite_latest_of(keys: Iterable[tuple[int, str]]) -> Previous:
    from linli.devices.models import LatestValue

    wanted = set(keys)
    return {
        (device_id, key): (ts, value)
        for device_id, key, ts, value in LatestValue.objects.filter(
            device_id__in={d for d, _ in wanted}
        ).values_list("device_id", "key", "ts", "value")
        if (device_id, key) in wanted
    }


def health_update(
    *,
    seen: Mapping[int, datetime],
    battery: Mapping[int, int],
    signal: Mapping[int, int],
    disconnected: Iterable[int] = (),
) -> None:
    """Devices heard from: last seen (never moved back), online, battery and signal
    where the batch reported them; devices a gateway reported disconnected: offline."""
    ids = sorted(seen)
    if ids and postgres():
        _pg(  # the devices as one JSON parameter (see ROWS_FROM_JSON)
            "UPDATE devices_device AS d SET last_seen_at = GREATEST(d.last_seen_at, v.seen),"
            " online = true, battery = COALESCE(v.battery, d.battery),"
            " signal = COALESCE(v.signal, d.signal)"
            " FROM (SELECT (e->>0)::bigint AS id, (e->>1)::timestamptz AS seen,"
            " (e->>2)::smallint AS battery, (e->>3)::smallint AS signal"
            " FROM json_array_elements(%s::json) AS e) AS v WHERE d.id = v.id",
            [json.dumps([(i, seen[i].isoformat(), battery.get(i), signal.get(i)) for i in ids])],
        )
    elif ids:
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE devices_device SET last_seen_at = CASE WHEN last_seen_at IS NULL"
                " OR last_seen_at < %s THEN %s ELSE last_seen_at END, online = 1,"
                " battery = COALESCE(%s, battery), signal = COALESCE(%s, signal) WHERE id = %s",
                [
                    (db_time(seen[i]), db_time(seen[i]), battery.get(i), signal.get(i), i)
                    for i in ids
                ],
            )
    gone = sorted(set(disconnected))
    if gone:
        condition, params = ids_in("id", gone)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE devices_device SET online = %s WHERE {condition}",  # noqa: S608
                [False, *params],
            )


def attributes_merge(attributes: Mapping[int, Mapping[str, Any]]) -> None:
    """Client attributes into `Device.attributes`: keys set, a null removes one."""
    if not attributes:
        return
    with connection.cursor() as cursor:
        for device_id in sorted(attributes):
            given = attributes[device_id]
            if postgres():
                cursor.execute(
                    "UPDATE devices_device SET attributes = (attributes || %s::jsonb) - %s::text[]"
                    " WHERE id = %s",
                    [
                        json.dumps({k: v for k, v in given.items() if v is not None}),
                        [k for k, v in given.items() if v is None],
                        device_id,
                    ],
                )
            else:
                cursor.execute(
                    "UPDATE devices_device SET attributes = json_patch(attributes, %s)"
                    " WHERE id = %s",
                    [json.dumps(dict(given)), device_id],
                )


def rejections_record(refusals: Refusals, at: datetime) -> None:
    """Count refusals per device (None: an unknown token) and reason."""
    if not refusals:
        return
    rows = sorted(refusals.items(), key=lambda item: (item[0][0] or 0, item[0][1]))
    with connection.cursor() as cursor:
        for (device_id, reason), (count, detail) in rows:
            detail = detail[:200]
            if postgres():
                cursor.execute(
                    "INSERT INTO devices_devicerejection (device_id, reason, count, last_at,"
                    " last_detail) VALUES (%s, %s, %s, %s, %s)"
                    " ON CONFLICT (device_id, reason) DO UPDATE SET"
                    " count = devices_devicerejection.count + excluded.count,"
                    " last_at = excluded.last_at, last_detail = excluded.last_detail",
                    [device_id, reason, count, at, detail],
                )
                continue
            # SQLite: NULLs are distinct in its unique index, but it has one writer.
            cursor.execute(
                "UPDATE devices_devicerejection SET count = count + %s, last_at = %s,"
                " last_detail = %s WHERE device_id IS %s AND reason = %s",
                [count, db_time(at), detail, device_id, reason],
            )
            if cursor.rowcount == 0:
                cursor.execute(
                    "INSERT INTO devices_devicerejection (device_id, reason, count, last_at,"
                    " last_detail) VALUES (%s, %s, %s, %s, %s)",
                    [device_id, reason, count, db_time(at), detail],
                )


# Partitions (PostgreSQL) ---------------------------------------------------------


def month_of(value: datetime | date) -> date:
    return date(value.year, value.month, 1)


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _add_months(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _start(month: date) -> datetime:
    return datetime(month.year, month.month, 1, tzinfo=UTC)


def partition_name(month: date) -> str:
    return f"{TELEMETRY}_p{month:%Y%m}"


class _Known:
    """The months this process knows to have a partition (PostgreSQL)."""

    def __init__(self) -> None:
        self.months: set[date] = set()
        self.lock = threading.Lock()


_known = _Known()


def partitions() -> list[date]:
    """The months that have a partition, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
            [TELEMETRY],
        )
        names = [name for (name,) in cursor.fetchall()]
    prefix = f"{TELEMETRY}_p"
    return sorted(
        date(int(name[-6:-2]), int(name[-2:]), 1)
        for name in names
        if name.startswith(prefix) and name[len(prefix) :].isdigit()
    )


def partitions_ensure(first: date, last: date) -> list[date]:
    """Partitions for every month from `first` to `last`; returns those created."""
    created = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])
        existing = set(partitions())
        month = month_of(first)
        while month <= last:
            if month not in existing:
                cursor.execute(
                    f"CREATE TABLE {partition_name(month)} PARTITION OF {TELEMETRY}"
                    f" FOR VALUES FROM ('{month:%Y-%m-%d} 00:00:00+00')"
                    f" TO ('{_next_month(month):%Y-%m-%d} 00:00:00+00')"
                )
                created.append(month)
            month = _next_month(month)
        with _known.lock:
            _known.months |= existing | set(created)
    return created


def partitions_cover(oldest: datetime, newest: datetime) -> None:
    """Make sure the months from `oldest` to `newest` have partitions (PostgreSQL;
    nothing on SQLite). Known months cost no query."""
    if not postgres():
        return
    first, last = month_of(oldest.astimezone(UTC)), month_of(newest.astimezone(UTC))
    month, missing = first, False
    while month <= last:
        if month not in _known.months:
            missing = True
            break
        month = _next_month(month)
    if missing:
        partitions_ensure(first, last)


def partitions_forget() -> None:
    """Forget the months known to have partitions (tests that drop them)."""
    with _known.lock:
        _known.months.clear()


def accepted_since(now: datetime) -> datetime:
    """The oldest time a value may have: LINLI_TELEMETRY_MAX_AGE_DAYS back, and never
    older than the retention."""
    days = min(settings.LINLI_TELEMETRY_MAX_AGE_DAYS, settings.LINLI_TELEMETRY_RETENTION_DAYS)
    return now - timedelta(days=days)


def telemetry_partitions(now: datetime | None = None) -> dict[str, list[str]]:
    """The daily upkeep: partitions from two months back (or the oldest month a value
    may still be accepted for) to three months ahead; partitions, or on SQLite rows,
    older than the retention dropped."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.LINLI_TELEMETRY_RETENTION_DAYS)
    if not postgres():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TELEMETRY} WHERE ts < %s", [db_time(cutoff)])  # noqa: S608
        return {"created": [], "dropped": []}
    this = month_of(now.astimezone(UTC))
    first = min(
        _add_months(this, -PARTITIONS_BEHIND), month_of(accepted_since(now).astimezone(UTC))
    )
    created = partitions_ensure(first, _add_months(this, PARTITIONS_AHEAD))
    dropped = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])
        for month in partitions():
            end = _start(_next_month(month))
            if end <= cutoff:
                cursor.execute(f"DROP TABLE {partition_name(month)}")
                dropped.append(month)
        with _known.lock:
            _known.months -= set(dropped)
    return {
        "created": [partition_name(m) for m in created],
        "dropped": [partition_name(m) for m in dropped],
    }


# Hourly aggregates ---------------------------------------------------------------

HOURLY_RECENT = timedelta(hours=3)


def hourly_recompute(since: datetime, until: datetime) -> int:
    """Recompute the hourly aggregates of the hours from `since` (rounded down to its
    hour) to `until` from the stored numbers: one statement a day. Returns the rows
    written."""
    start = since.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    written = 0
    hour = "date_trunc('hour', ts)" if postgres() else "strftime('%%Y-%%m-%%d %%H:00:00', ts)"
    sql = (
        "INSERT INTO devices_hourlyaggregate (device_id, key, hour, count, minimum, maximum,"  # noqa: S608
        f" total) SELECT device_id, key, {hour}, count(*), min(value), max(value), sum(value)"
        f" FROM {TELEMETRY} WHERE ts >= %s AND ts < %s AND value IS NOT NULL"
        f" GROUP BY device_id, key, {hour}"
        " ON CONFLICT (device_id, key, hour) DO UPDATE SET count = excluded.count,"
        " minimum = excluded.minimum, maximum = excluded.maximum, total = excluded.total"
    )
    with connection.cursor() as cursor:
        while start < until:
            end = min(start + timedelta(days=1), until)
            with transaction.atomic():
                cursor.execute(sql, [db_time(start), db_time(end)])
                written += max(cursor.rowcount, 0)
            start = end
    return written


def telemetry_hourly(now: datetime | None = None) -> int:
    """The recent hours (the last three, so a value arriving a little late is
    counted); the daily task recomputes the whole window values are accepted for."""
    now = now or timezone.now()
    return hourly_recompute(now - HOURLY_RECENT, now + timedelta(minutes=5))


def hourly_late(now: datetime | None = None) -> int:
    """Every hour a value may still arrive for (LINLI_TELEMETRY_MAX_AGE_DAYS): late
    data is in the aggregates within a day."""
    now = now or timezone.now()
    return hourly_recompute(accepted_since(now), now + timedelta(minutes=5))
