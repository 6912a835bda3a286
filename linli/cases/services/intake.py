"""Intake: a case is reported (`case_report`), and whoever meets a problem already
reported "+1"s it (`case_support`) instead of reporting it again.

Reporting places the case (`_locate`: the grid holding the point, else the place
given), gives it a tracking code (`_new_code`), starts the time to accept it and
stores its photos; the same request key (the API's Idempotency-Key, the form's
one-time token) sent again by the same reporter returns the case made the first
time. Merging a duplicate that was reported all the same is a step of the stage
machine: `transitions.case_merge`.
"""

import hashlib
import json
import re
import secrets
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.cases import origins, sources
from linli.cases.choices import OPEN_STAGES, Stage
from linli.cases.models import (
    MAX_DESCRIPTION,
    Case,
    CasePhoto,
    CaseSupport,
    CaseTransition,
    Category,
)
from linli.cases.permissions import CASE_RECORD
from linli.cases.photos import CheckedPhoto
from linli.cases.questions import answers_clean
from linli.cases.services.deadlines import _due
from linli.cases.services.photos import _photos_remove, _photos_store
from linli.cases.services.transitions import stage_changed
from linli.core.geojson import contains
from linli.core.problems import Conflict
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.regions.selectors import district_path, ensure_may

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out on the phone
PHONE_PATTERN = r"^1[3-9]\d{9}$"


def _new_code() -> str:
    day = timezone.localdate().strftime("%y%m%d")
    return day + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def _locate(
    region: Region | None, longitude: Decimal | None, latitude: Decimal | None, address: str
) -> Region:
    """Where the case is: the grid holding the point, else the region given (a
    community or grid of the district, or the district itself: a place known by its
    address alone, which the district's staff take on)."""
    if (longitude is None) != (latitude is None):
        raise ValidationError({"latitude": _("Give both longitude and latitude, or neither.")})
    if longitude is None and not (region and address):
        raise ValidationError(
            {"address": _("Give the location: a point on the map, or the place and an address.")}
        )
    if longitude is not None:
        grids = Region.objects.filter(
            level=Level.GRID, path__startswith=region.path if region else district_path()
        ).filter(retired_at__isnull=True)
        for grid in grids.only("pk", "path", "boundary"):
            if contains(grid.boundary, float(longitude), float(latitude)):
                return grid
        if region is not None and contains(region.boundary, float(longitude), float(latitude)):
            return region
        raise ValidationError(
            {"latitude": _("This location is outside the district (or the place given).")}
        )
    if not region.path.startswith(district_path()) or region.level not in (
        Level.GRID,
        Level.COMMUNITY,
        Level.DISTRICT,
    ):
        raise ValidationError({"region": _("Choose a community or grid of the district.")})
    return region


def _request_digest(**request: object) -> str:
    """A fingerprint of what a report asks (its photos aside)."""
    canonical = json.dumps(request, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _same_request(first: Case, digest: str) -> Case:
    """The case made the first time a request key was sent, if this is the same request
    again; the key sent with another request is refused (the IETF draft "The
    Idempotency-Key HTTP Header Field": 422)."""
    if first.request_digest and first.request_digest != digest:
        raise ValidationError(
            _(
                "This Idempotency-Key was sent with another report (%(code)s): "
                "use a new key for a new report."
            )
            % {"code": first.code}
        )
    return first


@transaction.atomic
def case_report(
    *,
    category: Category,
    description: str,
    source: str,
    by,
    region: Region | None = None,
    address: str = "",
    longitude: Decimal | None = None,
    latitude: Decimal | None = None,
    reporter_name: str = "",
    reporter_phone: str | None = None,
    request_key: str = "",
    answers: dict | None = None,
    photos: Sequence[CheckedPhoto] = (),
    origin: models.Model | None = None,
    media_url: str = "",
) -> Case:
    """A new case, in stage "reported", with the time to accept it running.

    Staff report in their scope (a grid worker's event, a hotline call taken for a
    caller); residents and other systems report anywhere in the district. A
    `request_key` (the API's Idempotency-Key, the form's one-time token) makes a
    repeated submission by the same reporter return the case made the first time;
    the same key with another request is refused.
    `photos` (checked by `photos.photo_check` before: nothing is written for a bad
    one) are stored with it. `origin` is what raised it (a kind of object registered
    in `cases.origins`: a patrol, an alarm…), which `by` sees. `media_url` is a photo
    elsewhere (http or https), kept as a link.
    """
    if len(photos) > CasePhoto.MAX_PHOTOS:
        raise ValidationError(
            {"photo": _("A case has at most %(n)s photos.") % {"n": CasePhoto.MAX_PHOTOS}}
        )
    reporter = by if getattr(by, "is_authenticated", False) else None
    digest = _request_digest(
        category=category.pk,
        region=region.pk if region else None,
        source=source,
        description=(description or "").strip(),
        address=address.strip(),
        longitude=longitude,
        latitude=latitude,
        reporter_name=reporter_name.strip(),
        reporter_phone=(reporter_phone or "").strip(),
        answers=answers,
        origin=[origins.kind_of(origin).type, str(origin.pk)] if origin is not None else None,
        media_url=media_url.strip(),
    )
    if request_key and reporter is not None:
        first = Case.objects.filter(reporter=reporter, request_key=request_key).first()
        if first is not None:
            return _same_request(first, digest)
    errors: dict[str, list[str]] = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("Describe the problem.")]
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = [
            _("At most %(n)s characters (this one has %(count)s).")
            % {"n": MAX_DESCRIPTION, "count": len(description)}
        ]
    if not category.active or category.children.exists():
        errors["category"] = [_("Choose one of the active categories at the lowest level.")]
    if not sources.known(source):
        errors["source"] = [_("Unknown source.")]
    if origin is not None and (
        by is not None and not origins.visible(by, origins.kind_of(origin).type, str(origin.pk))
    ):
        errors["origin"] = [_("Unknown origin.")]
    if reporter_phone and not re.fullmatch(PHONE_PATTERN, reporter_phone.strip()):
        errors["reporter_phone"] = [
            _("Enter an 11-digit mainland mobile number, e.g. 13812345678.")
        ]
    if "category" not in errors:
        try:
            answers = answers_clean(category.questions, answers)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    place = _locate(region, longitude, latitude, address.strip())
    if sources.get(source).staff:
        ensure_may(by, place, CASE_RECORD)
    now = timezone.now()
    case = Case(
        code=_new_code(),
        category=category,
        region=place,
        source=source,
        description=description,
        address=address.strip()[:200],
        longitude=longitude,
        latitude=latitude,
        media_url=media_url.strip(),
        reporter=reporter,
        request_key=request_key[:64] if reporter is not None else "",
        request_digest=digest if request_key and reporter is not None else "",
        reporter_name=reporter_name.strip()[:50],
        reporter_phone=(reporter_phone or "").strip() or None,
        answers=answers,
        origin_type=origins.kind_of(origin).type if origin is not None else "",
        origin_id=str(origin.pk) if origin is not None else "",
        stage_since=now,
        due_at=_due(category, Stage.REPORTED, now),
    )
    try:
        # The fields' own checks; the keys were looked up by the caller, and the one
        # constraint (reporter + request key) is kept by the database (see below).
        case.full_clean(
            exclude=["code", "category", "region", "reporter"], validate_constraints=False
        )
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:  # the same key, sent twice at once: the other one won
        if not case.request_key:
            raise
        return _same_request(
            Case.objects.get(reporter=reporter, request_key=case.request_key), digest
        )
    stage_changed(
        CaseTransition.objects.create(
            case=case, from_stage="", to_stage=Stage.REPORTED, actor=case.reporter, at=now
        )
    )
    stored: list[CasePhoto] = []
    try:
        _photos_store(case, list(photos), by, stored)
    except BaseException:
        _photos_remove(stored)
        raise
    return case


@transaction.atomic
def case_support(*, case: Case, by) -> Case:
    """+1: the person met the same open problem; counted once per person."""
    if case.stage not in OPEN_STAGES:
        raise Conflict(
            _("This case is %(stage)s: report the problem anew if it is back.")
            % {"stage": case.get_stage_display()},
            code="wrong_stage",
        )
    _support, created = CaseSupport.objects.get_or_create(case=case, user=by)
    if created:
        Case.objects.filter(pk=case.pk).update(supporters=F("supporters") + 1)
    case.refresh_from_db(fields=["supporters"])
    return case
