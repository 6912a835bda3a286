"""Demo service centres (docs/appointments.md): three in 周村区 — 丝绸路街道便民服务中心,
车站社区党群服务中心 and 大街街道为民服务中心 — each with its queues, windows (and the
matters of the catalogue they handle, where the hall's demo seeded them), a week of
slots, today's appointments (the demo resident 陈秀英's among them), today's tickets
(called, served, waiting, not come), two weeks of past tickets for the indicator, and
a ticket kiosk and a call screen terminal each, their tokens written to
`demo-terminal-tokens.tsv` in the data directory (owner only) to sign them in at
/hall-terminal/."""

import random
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import OutputWrapper
from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.appointments import services
from linli.appointments.calendar import opening
from linli.appointments.choices import TerminalKind, TicketState
from linli.appointments.models import Centre, Queue, Slot, Ticket, Window
from linli.core.private import write_private_lines
from linli.hall.models import Matter
from linli.regions.models import Region

WEEK = {d: (time(8, 30), time(17, 30)) for d in range(5)} | {5: (time(9), time(12))}
QUEUES = [("A", "综合受理"), ("B", "社保医保"), ("C", "民政救助")]
# region code, centre, address, phone, windows: (number, name, queue letters, matter words)
CENTRES: list[tuple[str, str, str, str, list[tuple[int, str, str, tuple[str, ...]]]]] = [
    (
        "370306001000",
        "丝绸路街道便民服务中心",
        "周村区丝绸路街道新建中路18号一楼",
        "0533-6412345",
        [
            (1, "综合受理", "AB", ("证明", "门牌")),
            (2, "综合受理", "A", ("证明", "登记")),
            (3, "社保医保", "B", ("补贴", "津贴")),
            (4, "民政救助", "C", ("救助", "保障", "优待")),
        ],
    ),
    (
        "370306001001",
        "车站社区党群服务中心",
        "周村区丝绸路街道车站社区站北路6号",
        "0533-6418800",
        [
            (1, "综合受理", "AC", ("证明", "救助")),
            (2, "社保医保", "B", ("补贴", "津贴", "优待")),
        ],
    ),
    (
        "370306002000",
        "大街街道为民服务中心",
        "周村区大街街道正阳路66号",
        "0533-6420110",
        [
            (1, "综合受理", "AB", ("证明", "门牌", "登记")),
            (2, "社保医保", "B", ("补贴", "津贴")),
            (3, "民政救助", "C", ("救助", "保障", "光荣证")),
        ],
    ),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
TERMINALS = ((TerminalKind.KIOSK, "大厅取号机"), (TerminalKind.CALL_SCREEN, "大厅叫号屏"))
TOKENS_FILE = "demo-terminal-tokens.tsv"
GIVEN = ["秀英", "桂兰", "建国", "玉梅", "志强", "春华", "国庆", "丽娟", "海燕", "德胜"]


def tokens_path() -> Path:
    return Path(settings.DATA_DIR) / TOKENS_FILE


def seed(stdout: OutputWrapper, **_options: Any) -> None:
    rng = random.Random(370306)
    tokens: list[tuple[str, str, str]] = []
    for code, name, address, phone, windows in CENTRES:
        region = Region.objects.filter(code=code).first()
        if region is None or Centre.objects.filter(region=region, name=name).exists():
            continue
        with transaction.atomic():
            centre = _centre(rng, region, name, address, phone, windows)
            for kind, label in TERMINALS:
                _terminal, token = services.terminal_register(
                    centre=centre, kind=kind, name=label, by=None
                )
                tokens.append((name, label, token))
    if tokens:
        write_private_lines(tokens_path(), tokens)
    stdout.write(
        f"appointments: {len(tokens) // len(TERMINALS)} service centres with windows, slots, "
        f"tickets and terminals (tokens in {tokens_path()})"
    )


def _centre(
    rng: random.Random,
    region: Region,
    name: str,
    address: str,
    phone: str,
    windows: list[tuple[int, str, str, tuple[str, ...]]],
) -> Centre:
    centre = services.centre_create(
        region=region, name=name, address=address, phone=phone, hours=WEEK, by=None
    )
    queues = {
        letter: services.queue_create(centre=centre, letter=letter, name=label, by=None)
        for letter, label in QUEUES
    }
    matters = list(Matter.objects.filter(published=True))
    made: list[Window] = []
    for number, label, letters, words in windows:
        handles = [m for m in matters if any(w in m.name for w in words)]
        made.append(
            services.window_create(
                centre=centre,
                number=number,
                name=label,
                queues=[queues[x] for x in letters],
                matters=handles,
                by=None,
            )
        )
    today = timezone.localdate()
    for offset in range(7):
        day = today + timedelta(days=offset)
        if opening(centre, day) is None:
            continue
        for window in made:
            queue = window.queues.order_by("letter").first()
            handled = list(window.matters.all())
            if queue is None:
                continue
            services.slots_create(
                window=window,
                queue=queue,
                day=day,
                minutes=30,
                capacity=2,
                matter=handled[0] if handled else None,
                by=None,
            )
    _appointments(rng, centre)
    _tickets_today(rng, centre, list(queues.values()), made)
    _past_tickets(rng, centre, list(queues.values()), made)
    return centre


def _people(rng: random.Random, n: int) -> list[User]:
    """The demo resident 陈秀英 (`jumin`) and demo booking accounts."""
    people = list(User.objects.filter(username="jumin"))
    for k in range(n):
        username = f"yuyue{k:02d}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=rng.choice(SURNAMES) + rng.choice(GIVEN))
            user.set_unusable_password()  # a demo booker: never signs in
            user.save()
        people.append(user)
    return people


def _appointments(rng: random.Random, centre: Centre) -> None:
    """About half of the coming slots' places today and tomorrow booked."""
    now = timezone.now()
    people = _people(rng, 12)
    slots = Slot.objects.filter(
        centre=centre, starts_at__gt=now, starts_at__lt=now + timedelta(days=2)
    ).select_related("centre__region")
    for slot in slots:
        for person in rng.sample(people, k=rng.choice([0, 1, 1, 2])):
            services.appointment_book(slot=slot, by=person)  # distinct people, ≤ capacity


def _tickets_today(
    rng: random.Random, centre: Centre, queues: list[Queue], windows: list[Window]
) -> None:
    """Today's tickets from opening time: most served, a few not come, some waiting,
    one at each window now."""
    hours = opening(centre, timezone.localdate())
    if hours is None:
        return
    now = timezone.now()
    start = timezone.make_aware(datetime.combine(timezone.localdate(), hours[0]))
    span = max(60.0, min((now - start).total_seconds(), 8 * 3600))
    count = rng.randint(18, 30)
    moments = sorted(now - timedelta(seconds=rng.uniform(0, span)) for _ in range(count))
    for issued in moments:
        queue = rng.choice([q for q in queues if q.windows.exists()])
        ticket = services.ticket_issue(queue=queue, by=None)
        Ticket.objects.filter(pk=ticket.pk).update(issued_at=issued)
    for window in windows:
        while True:
            waiting = Ticket.objects.filter(
                centre=centre, state=TicketState.WAITING, queue__in=window.queues.all()
            ).order_by("issued_at")
            first = waiting.first()
            if first is None or waiting.count() <= 2:
                break
            called = services.ticket_call_next(window=window, by=None)
            waited = rng.randint(120, 1500)
            at = min(now, first.issued_at + timedelta(seconds=waited))
            served = rng.randint(180, 900)
            if rng.random() < 0.08:
                services.ticket_skip(ticket=called, by=None)
                Ticket.objects.filter(pk=called.pk).update(
                    first_called_at=at, called_at=at, finished_at=at, waited_s=waited
                )
                continue
            services.ticket_finish(ticket=called, by=None)
            Ticket.objects.filter(pk=called.pk).update(
                first_called_at=at,
                called_at=at,
                finished_at=min(now, at + timedelta(seconds=served)),
                waited_s=int((at - first.issued_at).total_seconds()),
                served_s=served,
            )
        if Ticket.objects.filter(
            centre=centre, state=TicketState.WAITING, queue__in=window.queues.all()
        ).exists():
            services.ticket_call_next(window=window, by=None)


def _past_tickets(
    rng: random.Random, centre: Centre, queues: list[Queue], windows: list[Window]
) -> None:
    """Two weeks of served tickets on the days the centre was open (for the indicator
    and the figures)."""
    rows = []
    today = timezone.localdate()
    for back in range(1, 15):
        day = today - timedelta(days=back)
        hours = opening(centre, day)
        if hours is None:
            continue
        opens = timezone.make_aware(datetime.combine(day, hours[0]))
        for number in range(1, rng.randint(15, 35)):
            queue = rng.choice(queues)
            window = rng.choice(windows)
            issued = opens + timedelta(minutes=rng.randint(0, 420))
            waited = rng.randint(60, 1800)
            served = rng.randint(180, 900)
            missed = rng.random() < 0.06
            called = issued + timedelta(seconds=waited)
            rows.append(
                Ticket(
                    centre=centre,
                    queue=queue,
                    day=day,
                    number=number,
                    state=TicketState.NO_SHOW if missed else TicketState.DONE,
                    window=window,
                    calls=1,
                    issued_at=issued,
                    first_called_at=called,
                    called_at=called,
                    finished_at=called + timedelta(seconds=0 if missed else served),
                    waited_s=waited,
                    served_s=None if missed else served,
                )
            )
    Ticket.objects.bulk_create(rows, ignore_conflicts=True)
