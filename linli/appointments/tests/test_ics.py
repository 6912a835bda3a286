from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from linli.appointments import ics, services
from linli.testing.appointments import slot_at, tomorrow_at


def test_the_calendar_file_is_valid_rfc_5545_in_shanghai_time(world, hall, client):
    hall.centre.name = "车站社区党群服务中心，一楼; 大厅"  # a comma and a semicolon to escape
    hall.centre.save()
    slot = slot_at(hall.windows[0], hall.queues[0], tomorrow_at(9))
    appointment = services.appointment_book(slot=slot, by=world.resident_a)
    client.force_login(world.resident_a)
    answer = client.get(f"/appointments/my/{appointment.pk}/calendar.ics")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in answer["Content-Disposition"]
    raw = answer.content
    lines = raw.split(b"\r\n")
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in lines)  # folded by octets (§3.1)
    calendar = icalendar.Calendar.from_ical(raw)
    (event,) = calendar.walk("VEVENT")
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Asia/Shanghai"
    start = event.decoded("DTSTART")
    assert start.tzinfo is not None
    assert start.astimezone(ZoneInfo("Asia/Shanghai")) == datetime.combine(
        start.date(), datetime.min.time().replace(hour=9), ZoneInfo("Asia/Shanghai")
    )
    assert start == slot.starts_at
    assert event.decoded("DTEND") - start == timedelta(minutes=30)
    assert str(event["LOCATION"]).startswith("车站社区党群服务中心，一楼; 大厅")
    assert appointment.code in str(event["DESCRIPTION"])
    assert event["STATUS"] == "CONFIRMED"
    assert event["UID"] == f"appointment-{appointment.code}@testserver"


def test_folding_never_cuts_a_character():
    line = "SUMMARY:" + "预约" * 60
    folded = ics.fold(line)
    parts = folded.encode().split(b"\r\n ")
    assert all(len(p) <= 75 for p in parts)
    assert "".join(p.decode() for p in parts) == line  # each part is whole UTF-8


def test_someone_elses_calendar_is_not_found(world, hall, client):
    slot = slot_at(hall.windows[0], hall.queues[0], tomorrow_at(9))
    appointment = services.appointment_book(slot=slot, by=world.resident_a)
    client.force_login(world.worker_a)
    assert client.get(f"/appointments/my/{appointment.pk}/calendar.ics").status_code == 404


@pytest.mark.usefixtures("english")
def test_a_cancelled_appointment_cancels_the_event(world, hall):
    slot = slot_at(hall.windows[0], hall.queues[0], tomorrow_at(9))
    appointment = services.appointment_book(slot=slot, by=world.resident_a)
    appointment = services.appointment_cancel(appointment=appointment, by=world.resident_a)
    calendar = icalendar.Calendar.from_ical(ics.calendar(appointment, host="linli.example"))
    assert calendar["METHOD"] == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED" and int(event["SEQUENCE"]) >= 0
