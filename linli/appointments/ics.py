"""An appointment as an iCalendar file (RFC 5545): one VEVENT in the centre's local
time with its VTIMEZONE (Asia/Shanghai: +08:00 all year), text escaped (§3.3.11),
lines folded at 75 octets without cutting a character (§3.1), CRLF line ends."""

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from linli.appointments.choices import AppointmentState
from linli.appointments.models import Appointment

PRODID = "-//Linli//Appointments 1.0//ZH"


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded into parts of at most 75 octets (a continuation starts
    with one space, which counts)."""
    parts: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, 74
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _offset(moment: datetime) -> str:
    delta = timezone.localtime(moment).utcoffset()
    minutes = int(delta.total_seconds() // 60) if delta is not None else 0
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y%m%dT%H%M%S")


def calendar(appointment: Appointment, *, host: str) -> str:
    slot = appointment.slot
    centre = slot.centre
    zone = timezone.get_current_timezone_name()
    offset = _offset(slot.starts_at)
    cancelled = appointment.state == AppointmentState.CANCELLED
    summary = _("Appointment at %(centre)s, window %(window)s") % {
        "centre": centre.name,
        "window": slot.window.number,
    }
    description = _(
        "Booking code %(code)s. Please bring your ID card and arrive a few minutes early; "
        "take a ticket at the kiosk with this code."
    ) % {"code": appointment.code}
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:CANCEL" if cancelled else "METHOD:PUBLISH",
        "BEGIN:VTIMEZONE",
        f"TZID:{zone}",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        f"TZOFFSETFROM:{offset}",
        f"TZOFFSETTO:{offset}",
        "TZNAME:CST",
        "END:STANDARD",
        "END:VTIMEZONE",
        "BEGIN:VEVENT",
        f"UID:appointment-{appointment.code}@{host}",
        f"DTSTAMP:{appointment.changed_at.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}",
        f"DTSTART;TZID={zone}:{_local(slot.starts_at)}",
        f"DTEND;TZID={zone}:{_local(slot.ends_at)}",
        f"SEQUENCE:{int((appointment.changed_at - appointment.created_at).total_seconds())}",
        f"SUMMARY:{escape(summary)}",
        f"LOCATION:{escape(f'{centre.name}，{centre.address}')}",
        f"DESCRIPTION:{escape(description)}",
        "STATUS:CANCELLED" if cancelled else "STATUS:CONFIRMED",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)
