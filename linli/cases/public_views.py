"""Resident reporting, mobile first and public (`/report/`): a report with category,
description, photos and location gives a tracking code; its page follows the case
and takes the reporter's rating once it is closed. Residents report signed in, or
with their mobile number proven by a text-message code (docs/cases.md)."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts.services import phone_code_check, phone_code_send
from linli.cases import drafts, selectors, services
from linli.cases.choices import Source, Stage
from linli.cases.forms import PublicRateForm, PublicReportForm
from linli.cases.models import Case, CasePhoto, Category
from linli.cases.photos import photo_check, photo_served
from linli.cases.questions import posted_answers
from linli.core.access import public, signed_in
from linli.core.crypto import mask_phone
from linli.core.forms import apply_errors
from linli.core.lists import page_of, query_without_page
from linli.core.maps import map_settings
from linli.core.network import client_ip
from linli.regions.models import Region

# A number proven by a code stays proven in the browser's session this long.
VERIFIED_FOR = timedelta(minutes=30)
PURPOSES = ("report", "rate")


def _verified(request: HttpRequest, phone: str, purpose: str) -> bool:
    proven = request.session.get(f"phone-{purpose}", {})
    return proven.get("phone") == phone and proven.get("until", 0) > timezone.now().timestamp()


def _prove(request: HttpRequest, form, purpose: str) -> bool:
    """Whether the form's phone is proven: earlier in this session, or by its code
    now (a wrong code is put on the form)."""
    phone = form.cleaned_data["phone"]
    if _verified(request, phone, purpose):
        return True
    if not form.cleaned_data.get("code"):  # not a try: nothing typed yet
        form.add_error("code", _("Type the code texted to this number (Send code)."))
        return False
    try:
        phone_code_check(phone=phone, purpose=purpose, code=form.cleaned_data.get("code", ""))
    except ValidationError as exc:
        apply_errors(form, exc)
        return False
    until = (timezone.now() + VERIFIED_FOR).timestamp()
    request.session[f"phone-{purpose}"] = {"phone": phone, "until": until}
    return True


@public
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest):
    signed_in = request.user.is_authenticated
    posted = request.method == "POST"
    form = PublicReportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        phone_needed=not signed_in,
        communities=selectors.district_communities(),
        initial={"phone": request.session.get("report-phone", "")},
    )
    valid = form.is_valid()
    category, answers = posted_answers(form, request.POST)
    photos, new = [], []
    if posted:  # the photos kept from a form sent back, as still ticked, and new ones
        photos = drafts.only(request, request.POST.getlist("kept_photo"))
        try:
            new = [photo_check(upload) for upload in form.cleaned_data.get("photos") or []]
        except ValidationError as exc:
            apply_errors(form, exc)
            valid = False
        photos += new
    if valid:
        data = form.cleaned_data
        done = request.session.get("report-done", {})
        if data["request_key"] in done:  # the same form sent twice
            return redirect("report:track", code=done[data["request_key"]])
        if signed_in or _prove(request, form, "report"):
            try:
                case = services.case_report(
                    category=category,
                    description=data["description"],
                    source=Source.RESIDENT,
                    by=request.user,
                    region=Region.objects.filter(code=data["community"]).first(),
                    address=data["address"],
                    longitude=data["longitude"],
                    latitude=data["latitude"],
                    # a signed-in resident is reached through the account
                    reporter_phone=None if signed_in else data["phone"],
                    request_key=data["request_key"],
                    answers=answers,
                    photos=photos,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                drafts.forget(request)
                request.session["report-done"] = {**done, data["request_key"]: case.code}
                messages.success(
                    request,
                    _("Reported. Your tracking code is %(code)s: keep it to follow the case.")
                    % {"code": case.code},
                )
                return redirect("report:track", code=case.code)
    if posted:  # sent back: its new photos are kept for the next try
        drafts.keep(request, new)
    return render(
        request,
        "cases/public_report.html",
        {
            "form": form,
            "kept_photos": drafts.kept(request),
            "questions": category.questions if category else [],
            "answers": answers,
            "map": {**map_settings(), "boundaries": selectors.grid_boundaries()},
        },
        status=422 if form.errors else 200,
    )


@signed_in
@require_GET
def my_reports(request: HttpRequest):
    """我的上报: the cases the signed-in person reported, with their stages (`?open=1`:
    only those still open)."""
    found = selectors.reported_by(user=request.user)
    only_open = request.GET.get("open") == "1"
    if only_open:
        found = found.filter(stage__in=selectors.OPEN_STAGES)
    return render(
        request,
        "cases/my_reports.html",
        {"page": page_of(request, found), "query": query_without_page(request), "open": only_open},
    )


@public
@require_GET
def questions(request: HttpRequest):
    """The extra questions of the category chosen (a report form asks for them when
    its category changes)."""
    chosen = request.GET.get("category", "")
    category = None
    if chosen.isdigit() and len(chosen) < 10:
        category = Category.objects.filter(pk=int(chosen), active=True).first()
    return render(
        request,
        "cases/_questions.html",
        {"questions": category.questions if category else [], "answers": {}},
    )


@public
@require_POST
def code_send(request: HttpRequest):
    """Text a code to the number given, then go back to the page it was asked from."""
    phone = request.POST.get("phone", "").strip()[:11]
    purpose = request.POST.get("purpose", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "/report/"
    if purpose not in PURPOSES:
        return redirect(target)
    try:
        shown = phone_code_send(phone=phone, purpose=purpose, ip=client_ip(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        request.session["report-phone"] = phone
        messages.success(request, _("A code was sent to %(phone)s.") % {"phone": mask_phone(phone)})
        if shown:  # the demo sends no text messages: the code is shown here instead
            messages.info(
                request,
                _("Demo: no text message is sent. Your code is %(code)s.") % {"code": shown},
            )
    return redirect(target)


@public
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest, code: str):
    """A case's progress by its tracking code: stage and the times of its steps (no
    names, no staff notes); the description too for public cases. Once it is closed
    its reporter rates it here (signed in, or proving the number they reported with)."""
    case = get_object_or_404(
        Case.objects.select_related("category", "duplicate_of"), code=code.upper()[:16]
    )
    rateable = case.stage == Stage.CLOSED and case.source == Source.RESIDENT
    if request.method == "POST" and not rateable:
        return HttpResponseNotAllowed(["GET"])  # only a rating is ever posted here
    rate = None
    if rateable:
        rate = PublicRateForm(
            request.POST or None,
            phone_needed=case.reporter_id is None,
            initial={"phone": request.session.get("report-phone", "")},
        )
        if request.method == "POST" and rate.is_valid():
            by = _rater(request, case, rate)
            if by is not False:
                try:
                    services.case_rate(
                        case=case,
                        rating=rate.cleaned_data["rating"],
                        comment=rate.cleaned_data["comment"],
                        by=by,
                    )
                except ValidationError as exc:
                    apply_errors(rate, exc)
                else:
                    messages.success(request, _("Thank you for your rating."))
                    return redirect("report:track", code=case.code)
    return render(
        request,
        "cases/public_track.html",
        {
            "case": case,
            "public": Case.objects.public().filter(pk=case.pk).exists(),
            "steps": case.transitions.order_by("at", "pk").values_list("to_stage", "at"),
            "stages": dict(Stage.choices),
            "rate": rate,
            "photos": case.photos.filter(public=True),
        },
        status=422 if rate is not None and rate.errors else 200,
    )


@public
@require_GET
def track_photo(request: HttpRequest, code: str, photo_pk: int):
    """A photo staff chose to show on the tracking page (404 for any other)."""
    photo = get_object_or_404(
        CasePhoto.objects.select_related(None),
        case__code=code.upper()[:16],
        pk=photo_pk,
        public=True,
    )
    return photo_served(photo)


def _rater(request: HttpRequest, case: Case, form):
    """Who rates: the signed-in reporter, or None (the system) for an anonymous
    reporter who proved the number of the report; False (and an error on the form)
    for anyone else."""
    if case.reporter_id is not None:
        if request.user.is_authenticated and request.user.pk == case.reporter_id:
            return request.user
        form.add_error(None, _("Sign in as the person who reported it to rate it."))
        return False
    if not _prove(request, form, "rate"):  # first: only one's own number is compared
        return False
    if form.cleaned_data["phone"] != (case.reporter_phone or ""):
        form.add_error("phone", _("This is not the number the case was reported with."))
        return False
    return None
