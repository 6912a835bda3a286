"""The devices console: the device list and map, a device's page (place, health,
latest values, history chart, alarms, rules, token), bulk provisioning from Excel, the
alarm inbox and an alarm's page (acknowledge, clear, comment, assign: htmx in the
inbox), the configuration of profiles, alarm rules and notification rules, and the
panels other apps' pages load (a building's, a region's alarms and devices)."""

from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts.auth import signed_in_user
from linli.core.access import requires
from linli.core.forms import apply_errors
from linli.core.htmx import htmx_partial, render_page
from linli.core.lists import page_of, query_without_page, render_list
from linli.core.maps import map_settings
from linli.core.permissions import Role
from linli.core.xlsx import xlsx_download
from linli.devices import selectors, services, sheet
from linli.devices.choices import AlarmAction, AlarmState, Channel, Severity, ValueType
from linli.devices.exports import DEVICES
from linli.devices.filters import AlarmFilter, DeviceFilter
from linli.devices.forms import (
    AlarmTypeForm,
    AssignForm,
    CommentForm,
    DeviceEditForm,
    DeviceForm,
    DeviceImportForm,
    NewKeyFormSet,
    NoteForm,
    NotificationRuleForm,
    ProfileCreateForm,
    ProfileForm,
    ProfileKeyForm,
    RuleForm,
    buildings_for,
    organisations_for,
)
from linli.devices.models import (
    Alarm,
    AlarmChange,
    AlarmRule,
    AlarmType,
    Device,
    DeviceProfile,
    NotificationRule,
    ProfileKey,
)
from linli.devices.permissions import ALARM_HANDLE, DEVICE_MANAGE, DEVICE_VIEW, RULE_MANAGE
from linli.devices.workbooks import tokens_workbook
from linli.exports.services import export_start
from linli.exports.views import export_answer
from linli.regions.models import Region
from linli.regions.selectors import active_grids, may, regions_within
from linli.registry.models import Building, House

RANGES = {
    "1h": (timedelta(hours=1), gettext_lazy("1 hour")),
    "24h": (timedelta(hours=24), gettext_lazy("24 hours")),
    "7d": (timedelta(days=7), gettext_lazy("7 days")),
    "30d": (timedelta(days=30), gettext_lazy("30 days")),
}
PANEL_ALARMS = 10


# --- devices ---------------------------------------------------------------------------


@requires(DEVICE_VIEW)
@require_GET
def device_list(request: HttpRequest) -> HttpResponse:
    """Devices by region, profile, online state and number or name, with their map."""
    user = signed_in_user(request)
    filters, errors = DeviceFilter.from_query(request.GET)
    found = selectors.device_list(user=user, filters=filters)
    return render_list(
        request,
        "devices/device_list.html",
        page=page_of(request, found),
        filters=filters,
        errors=errors,
        profiles=DeviceProfile.objects.order_by("name"),
        map={
            **map_settings(),
            "boundaries": selectors.grid_outlines(user=user, filters=filters),
            "devices": selectors.device_map(user=user, filters=filters),
        },
        map_limit=selectors.MAP_LIMIT,
        may_manage=user.has_action(DEVICE_MANAGE),
    )


@requires(DEVICE_VIEW)
@require_GET
def device_export(request: HttpRequest) -> HttpResponseBase:
    """The device list as a device sheet (the same filter as the page), audited."""
    filters, errors = DeviceFilter.from_query(request.GET)
    if errors:
        for error in errors:
            messages.error(request, error)
        return redirect(f"{reverse('devices:device-list')}?{query_without_page(request)}")
    return export_answer(export_start(user=request.user, kind=DEVICES, filters=filters))


def _device_form(request: HttpRequest, data: Any = None) -> DeviceForm:
    user = signed_in_user(request)
    return DeviceForm(
        data,
        grids=active_grids(user=user, action=DEVICE_MANAGE),
        buildings=buildings_for(user, DEVICE_MANAGE),
        organisations=organisations_for(user),
    )


@requires(DEVICE_MANAGE)
@require_http_methods(["GET", "POST"])
def device_create(request: HttpRequest) -> HttpResponse:
    """Provision one device: its token is shown on the answer, this once."""
    user = signed_in_user(request)
    form = _device_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        grid = get_object_or_404(
            Region.objects.visible_to(user, DEVICE_MANAGE), code=data["grid_code"]
        )
        house = None
        if data["house"]:
            house = House.objects.filter(
                building=data["building"], unit=data["unit"] or 1, number=data["house"].strip()
            ).first()
            if house is None:
                form.add_error("house", _("No such house in the building."))
        if not form.errors:
            try:
                device, token = services.device_provision(
                    grid=grid,
                    profile=data["profile"],
                    key=data["key"],
                    name=data["name"],
                    building=data["building"],
                    house=house,
                    longitude=data["longitude"],
                    latitude=data["latitude"],
                    owner=data["owner"],
                    maintainer=data["maintainer"],
                    by=user,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return render(
                    request,
                    "devices/device_token.html",
                    {"device": device, "token": token, "new": True},
                    status=201,
                )
    status = 422 if form.errors else 200
    return render(request, "devices/device_form.html", {"form": form}, status=status)


def _device(request: HttpRequest, pk: int, action: str = DEVICE_VIEW) -> Device:
    return get_object_or_404(
        selectors.devices_visible(user=request.user, action=action).select_related(
            "owner", "maintainer", "grid__parent", "house__building", "gateway"
        ),
        pk=pk,
    )


def _chart(request: HttpRequest, device: Device) -> dict[str, Any]:
    """The history chart's choices (key, range) and data for static/linli/telemetry.js."""
    keys = [k for k in device.profile.keys.all() if k.type != ValueType.TEXT]
    chosen = request.GET.get("range", "24h")
    if chosen not in RANGES:
        chosen = "24h"
    wanted = request.GET.get("key", "")
    if not wanted:  # the first key the device has reported, in the profile's order
        reported = selectors.reported_keys(device=device)
        numbers_first = sorted(keys, key=lambda k: k.type != ValueType.NUMBER)  # stable
        wanted = next((k.key for k in numbers_first if k.key in reported), "")
    key = next((k for k in keys if k.key == wanted), keys[0] if keys else None)
    data: dict[str, Any] = {"keys": keys, "key": key, "range": chosen, "ranges": RANGES}
    if key is not None:
        until = timezone.now()
        found = selectors.history(
            device=device, key=key.key, since=until - RANGES[chosen][0], until=until
        )
        data["series"] = {
            "title": f"{key.label} ({key.unit})" if key.unit else key.label,
            "aggregation": found["aggregation"],
            "points": [[_wall_clock(p[0]), *p[1:]] for p in found["points"]],
            "step": key.type == ValueType.BOOLEAN,
            "labels": {
                "value": str(_("Value")),
                "mean": str(_("Hourly mean")),
                "minimum": str(_("Minimum")),
                "maximum": str(_("Maximum")),
            },
        }
    return data


def _wall_clock(iso: str) -> int:
    """A time as the chart draws it: the milliseconds at which UTC reads what the
    deployment's clock (Asia/Shanghai) read then. The chart formats its axis and
    tooltip in UTC (telemetry.js: useUTC), so they show the deployment's times in any
    browser's time zone; the offset of each time's own date is taken (daylight
    saving, where a deployment has it)."""
    local = datetime.fromisoformat(iso).astimezone(timezone.get_default_timezone())
    return int(local.replace(tzinfo=UTC).timestamp() * 1000)


@requires(DEVICE_VIEW)
@require_GET
def device_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    device = _device(request, pk)
    location = None
    if device.longitude is not None and device.latitude is not None:
        location = {
            **map_settings(),
            "boundary": device.grid.boundary,
            "devices": [
                {
                    "at": [float(device.longitude), float(device.latitude)],
                    "label": device.name,
                    "code": device.key,
                    "url": "",
                    "state": selectors.device_state(device),
                }
            ],
        }
    return render_page(
        request,
        "devices/device_detail.html",
        {
            "device": device,
            "state": selectors.device_state(device),
            "latest": selectors.latest_values(device=device),
            "attributes": selectors.device_attributes(device=device),
            "gateway_children": device.children.count() if device.is_gateway else 0,
            "rejections": selectors.rejections(device=device),
            "alarms": selectors.alarms_visible(user=user).filter(device=device)[:20],
            "rules": selectors.effective_rules(device=device),
            "chart": _chart(request, device),
            "map": location,
            "may_manage": may(user, device.grid, DEVICE_MANAGE) and device.active,
            "may_set_rules": may(user, device.grid, RULE_MANAGE) and device.active,
        },
        partial="chart",
    )


@requires(DEVICE_MANAGE)
@require_http_methods(["GET", "POST"])
def device_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A device's name, point and organisations."""
    device = _device(request, pk, DEVICE_MANAGE)
    initial = {
        "name": device.name,
        "longitude": device.longitude,
        "latitude": device.latitude,
        "owner": device.owner_id,
        "maintainer": device.maintainer_id,
    }
    form = DeviceEditForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        organisations=organisations_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.device_update(device=device, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Device saved."))
            return redirect("devices:device-detail", pk=device.pk)
    return render(
        request,
        "devices/device_edit.html",
        {"device": device, "form": form},
        status=422 if form.errors else 200,
    )


@requires(DEVICE_MANAGE)
@require_POST
def device_token_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    """A new token, shown on the answer this once; the old one stops working."""
    device = _device(request, pk, DEVICE_MANAGE)
    try:
        token = services.device_token_rotate(device=device, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("devices:device-detail", pk=device.pk)
    return render(request, "devices/device_token.html", {"device": device, "token": token})


@requires(DEVICE_MANAGE)
@require_POST
def device_retire(request: HttpRequest, pk: int) -> HttpResponse:
    device = _device(request, pk, DEVICE_MANAGE)
    services.device_retire(device=device, by=request.user)
    messages.success(request, _("The device is retired: its token no longer works."))
    return redirect("devices:device-detail", pk=device.pk)


# --- bulk provisioning -----------------------------------------------------------------


@requires(DEVICE_MANAGE)
@require_GET
def device_import_template(request: HttpRequest) -> HttpResponseBase:
    return xlsx_download(BytesIO(sheet.template()), "设备台账模板.xlsx")


class _SizeLimit(FileUploadHandler):
    """Stops storing an upload past the sheet's size limit (as the ledger import does):
    an oversize file is read and dropped, never written to a temporary file in full."""

    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request)
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > sheet.MAX_FILE_BYTES:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


@requires(DEVICE_MANAGE)
@csrf_exempt  # the CSRF check runs below, after the size limit is installed
@require_http_methods(["GET", "POST"])
def device_import(request: HttpRequest) -> HttpResponseBase:
    """Upload a device sheet: every row is checked, and a sheet with any error adds no
    device (the errors are listed row by row). A good sheet adds every device and
    answers the workbook of their tokens, to download this once."""
    limit = _SizeLimit(request)
    request.upload_handlers.insert(0, limit)
    return _device_import(request, limit)


@csrf_protect
def _device_import(request: HttpRequest, limit: _SizeLimit) -> HttpResponseBase:
    user = signed_in_user(request)
    form = DeviceImportForm()
    problems: list[sheet.Problem] = []
    status = 200
    if request.method == "POST":
        form = DeviceImportForm(request.POST, request.FILES)
        too_large = _("The file is larger than %(mb)s MB.") % {
            "mb": sheet.MAX_FILE_BYTES // (1024 * 1024)
        }
        if limit.exceeded:  # the file was dropped: say why, not "required"
            form.is_valid()
            form.errors["file"] = form.error_class([too_large])
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                checked = sheet.check(upload.read(), user=user)
            except sheet.SheetError as exc:
                form.add_error("file", str(exc))
            else:
                problems = checked.problems
                if not problems:
                    try:
                        made = services.devices_import(rows=checked.rows, by=user)
                    except ValidationError as exc:
                        form.add_error("file", " ".join(exc.messages))
                    else:
                        return tokens_workbook(made)
        status = 422
    return render(
        request,
        "devices/device_import.html",
        {"form": form, "problems": problems, "max_rows": sheet.MAX_ROWS},
        status=status,
    )


# --- alarms ----------------------------------------------------------------------------


def _inbox_filters(request: HttpRequest) -> tuple[AlarmFilter, list[str]]:
    """The inbox's filter; by default the active alarms (acknowledged or not)."""
    filters, errors = AlarmFilter.from_query(request.GET)
    if not filters.state and "state" not in request.GET and "all" not in request.GET:
        filters.state = [AlarmState.ACTIVE_UNACK, AlarmState.ACTIVE_ACK]
    return filters, errors


@requires(DEVICE_VIEW)
@require_GET
def alarm_list(request: HttpRequest) -> HttpResponse:
    """The alarm inbox: by severity, state, type, region and days, newest first."""
    user = signed_in_user(request)
    filters, errors = _inbox_filters(request)
    page = page_of(request, selectors.alarm_list(user=user, filters=filters))
    return render_list(
        request,
        "devices/alarm_list.html",
        page=page,
        filters=filters,
        errors=errors,
        severities=Severity.choices,
        states=AlarmState.choices,
        types=AlarmType.objects.order_by("name"),
        counts=selectors.open_alarm_counts(user=user),
        handles=_handled(request, page.object_list),
    )


def _handled(request: HttpRequest, alarms: Any) -> set[int]:
    """The alarms of a page this user may handle (their buttons)."""
    return {a.pk for a in alarms if may(request.user, a.device.grid, ALARM_HANDLE)}


def _alarm(request: HttpRequest, pk: int, action: str = DEVICE_VIEW) -> Alarm:
    return get_object_or_404(selectors.alarms_visible(user=request.user, action=action), pk=pk)


@requires(DEVICE_VIEW)
@require_GET
def alarm_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alarm = _alarm(request, pk)
    handles = may(request.user, alarm.device.grid, ALARM_HANDLE)
    return render(
        request,
        "devices/alarm_detail.html",
        {
            "alarm": alarm,
            "changes": _readable(selectors.alarm_changes(alarm=alarm)),
            "case": selectors.alarm_case(alarm, request.user),
            "handles": handles,
            "assign": AssignForm(
                initial={"to": alarm.assignee_id}, people=selectors.assignable(alarm=alarm)
            )
            if handles
            else None,
            "note": NoteForm(),
            "comment": CommentForm(),
        },
    )


def _readable(changes: Any) -> list[AlarmChange]:
    """The log with a severity change's note in words ("critical → major" is stored)."""
    found = list(changes)
    for change in found:
        if change.action == AlarmAction.SEVERITY:
            change.note = " → ".join(
                str(Severity(s).label) if s in Severity.values else s
                for s in change.note.split(" → ")
            )
    return found


def _after(request: HttpRequest, alarm: Alarm, error: str = "") -> HttpResponse:
    """An action's answer: in the inbox (htmx) the alarm's row again, else its page."""
    if htmx_partial(request, "row"):
        alarm = _alarm(request, alarm.pk)
        response = render(
            request,
            "devices/_alarm_row.html",
            {"a": alarm, "handles": {alarm.pk}, "error": error},
        )  # 200 even with an error: htmx swaps only successful answers
        if not error:  # the inbox fetches its severity counts (and rows) again
            response["HX-Trigger"] = "linli:counts"
        return response
    if error:
        messages.error(request, error)
    return redirect("devices:alarm-detail", pk=alarm.pk)


def _act(request: HttpRequest, pk: int, act: str) -> HttpResponse:
    alarm = _alarm(request, pk, ALARM_HANDLE)
    user = signed_in_user(request)
    try:
        if act == "acknowledge":
            form = NoteForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            services.alarm_acknowledge(alarm=alarm, note=note, by=user)
            done = _("Alarm acknowledged.")
        elif act == "clear":
            form = NoteForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            services.alarm_clear(alarm=alarm, note=note, by=user)
            done = _("Alarm cleared.")
        elif act == "comment":
            comment = CommentForm(request.POST)
            if not comment.is_valid():
                raise ValidationError(_("Write the comment (at most 500 characters)."))
            services.alarm_comment(alarm=alarm, note=comment.cleaned_data["note"], by=user)
            done = _("Comment added.")
        else:
            assign = AssignForm(request.POST, people=selectors.assignable(alarm=alarm))
            if not assign.is_valid():
                raise ValidationError(_("This person may not handle alarms here."))
            services.alarm_assign(alarm=alarm, to=assign.cleaned_data["to"], by=user)
            done = _("Assignee saved.")
    except ValidationError as exc:
        return _after(request, alarm, " ".join(exc.messages))
    if not htmx_partial(request, "row"):
        messages.success(request, done)
    return _after(request, alarm)


@requires(ALARM_HANDLE)
@require_POST
def alarm_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "acknowledge")


@requires(ALARM_HANDLE)
@require_POST
def alarm_clear(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "clear")


@requires(ALARM_HANDLE)
@require_POST
def alarm_comment(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "comment")


@requires(ALARM_HANDLE)
@require_POST
def alarm_assign(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "assign")


# --- alarm rules -----------------------------------------------------------------------


def _key_choices(keys: Any) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for k in keys:
        seen.setdefault(k.key, f"{k.label} ({k.key})")
    return sorted(seen.items(), key=lambda item: item[1])


def _rule_form(request: HttpRequest, keys: Any, initial: dict[str, Any] | None = None) -> RuleForm:
    data = request.POST if request.method == "POST" else None
    chosen = request.GET.get("alarm_type", "")
    if initial is None and chosen.isdigit():  # back from creating an alarm type
        initial = {"alarm_type": int(chosen)}
    return RuleForm(data, initial=initial, keys=_key_choices(keys))


def _rule_page(
    request: HttpRequest, form: RuleForm, *, title: str, back: str, rule: AlarmRule | None = None
) -> HttpResponse:
    return render(
        request,
        "devices/rule_form.html",
        {
            "form": form,
            "title": title,
            "back": back,
            "rule": rule,
            "may_add_alarm_type": selectors.may_configure_profiles(request.user),
        },
        status=422 if form.errors else 200,
    )


def _create_rule(
    request: HttpRequest, form: RuleForm, back: str, **scope: Any
) -> HttpResponse | None:
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        services.rule_create(by=request.user, **scope, **form.cleaned_data)
    except ValidationError as exc:
        apply_errors(form, exc)
        return None
    messages.success(request, _("Rule saved."))
    return redirect(back)


@requires(RULE_MANAGE)
@require_http_methods(["GET", "POST"])
def device_rule_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A device's own rule: it overrides its building's and profile's of the same type."""
    device = _device(request, pk, RULE_MANAGE)
    form = _rule_form(request, device.profile.keys.all())
    back = reverse("devices:device-detail", args=[device.pk])
    done = _create_rule(request, form, back, device=device)
    title = _("New rule for %(name)s") % {"name": device.name}
    return done or _rule_page(request, form, title=title, back=back)


@requires(RULE_MANAGE)
@require_http_methods(["GET", "POST"])
def building_rule_create(request: HttpRequest, building_pk: int) -> HttpResponse:
    """A building's own rule, for its devices (overrides their profiles' rules)."""
    building = get_object_or_404(
        Building.objects.visible_to(request.user, RULE_MANAGE), pk=building_pk
    )
    form = _rule_form(request, ProfileKey.objects.all())
    back = reverse("registry:building-detail", args=[building.pk])
    done = _create_rule(request, form, back, building=building)
    title = _("New rule for %(name)s") % {"name": building.name}
    return done or _rule_page(request, form, title=title, back=back)


def _configures_profiles(request: HttpRequest) -> None:
    if not selectors.may_configure_profiles(request.user):
        raise PermissionDenied


@requires(RULE_MANAGE)
@require_http_methods(["GET", "POST"])
def profile_rule_create(request: HttpRequest, pk: int) -> HttpResponse:
    _configures_profiles(request)
    profile = get_object_or_404(DeviceProfile, pk=pk)
    form = _rule_form(request, profile.keys.all())
    back = reverse("devices:profile-detail", args=[profile.pk])
    done = _create_rule(request, form, back, profile=profile)
    title = _("New rule for %(name)s") % {"name": profile.name}
    return done or _rule_page(request, form, title=title, back=back)


def _rule_back(rule: AlarmRule) -> str:
    if rule.device_id is not None:
        return reverse("devices:device-detail", args=[rule.device_id])
    if rule.building_id is not None:
        return reverse("registry:building-detail", args=[rule.building_id])
    return reverse("devices:profile-detail", args=[rule.profile_id])


def _rule(request: HttpRequest, pk: int) -> AlarmRule:
    rule = get_object_or_404(selectors.rules_visible(user=request.user, action=RULE_MANAGE), pk=pk)
    if rule.profile_id is not None:
        _configures_profiles(request)
    return rule


@requires(RULE_MANAGE)
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _rule(request, pk)
    if rule.device is not None:
        keys: Any = rule.device.profile.keys.all()
    elif rule.profile is not None:
        keys = rule.profile.keys.all()
    else:
        keys = ProfileKey.objects.all()
    initial = {name: getattr(rule, name) for name in services.RULE_FIELDS}
    form = _rule_form(request, keys, initial)
    back = _rule_back(rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_update(rule=rule, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Rule saved."))
            return redirect(back)
    where = rule.device or rule.building or rule.profile
    title = _("Rule for %(name)s") % {"name": getattr(where, "name", "")}
    return _rule_page(request, form, title=title, back=back, rule=rule)


@requires(RULE_MANAGE)
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _rule(request, pk)
    back = _rule_back(rule)
    services.rule_delete(rule=rule, by=request.user)
    messages.success(request, _("Rule removed."))
    return redirect(back)


# --- profiles --------------------------------------------------------------------------


@requires(DEVICE_VIEW)
@require_GET
def profile_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "devices/profile_list.html",
        {
            "profiles": selectors.profiles(),
            "may_configure": selectors.may_configure_profiles(request.user),
        },
    )


@requires(RULE_MANAGE)
@require_http_methods(["GET", "POST"])
def profile_create(request: HttpRequest) -> HttpResponse:
    """A new device profile with its first telemetry keys (more on its page); nothing
    is saved unless the profile and every key filled in are right."""
    _configures_profiles(request)
    data = request.POST if request.method == "POST" else None
    form = ProfileCreateForm(data)
    keys = NewKeyFormSet(data, prefix="keys")
    valid = request.method == "POST" and form.is_valid() & keys.is_valid()  # both checked
    if valid:
        filled = [f for f in keys.forms if f.has_changed()]
        try:
            profile = services.profile_create(
                by=request.user, keys=[f.cleaned_data for f in filled], **form.cleaned_data
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                exc = ValidationError({NON_FIELD_ERRORS: exc.error_list})
            for field, errors in exc.error_dict.items():
                if field.startswith("keys."):
                    _keys, n, name = field.split(".", 2)
                    apply_errors(filled[int(n)], ValidationError({name: errors}))
                else:
                    form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Device profile created."))
            return redirect("devices:profile-detail", pk=profile.pk)
    failed = bool(form.errors) or any(f.errors for f in keys.forms) or bool(keys.non_form_errors())
    return render(
        request,
        "devices/profile_create.html",
        {"form": form, "keys": keys},
        status=422 if failed else 200,
    )


@requires(RULE_MANAGE)
@require_POST
def profile_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an unused profile; one devices use stays, and the page says why."""
    _configures_profiles(request)
    profile = get_object_or_404(DeviceProfile, pk=pk)
    try:
        services.profile_delete(profile=profile, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("devices:profile-detail", pk=profile.pk)
    messages.success(request, _("Device profile %(name)s removed.") % {"name": profile.name})
    return redirect("devices:profile-list")


def _profile_page(
    request: HttpRequest,
    profile: DeviceProfile,
    form: ProfileForm | None,
    key_form: ProfileKeyForm | None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "devices/profile_detail.html",
        {
            "profile": profile,
            "rules": selectors.with_key_labels(profile.rules.all(), profile.keys.all()),
            "form": form,
            "key_form": key_form,
        },
        status=status,
    )


@requires(DEVICE_VIEW)
@require_http_methods(["GET", "POST"])
def profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A profile: its keys and default rules; those who configure profiles edit it."""
    profile = get_object_or_404(selectors.profile_detail(), pk=pk)
    configures = selectors.may_configure_profiles(request.user)
    if request.method == "POST" and not configures:
        raise PermissionDenied
    initial = {
        "name": profile.name,
        "description": profile.description,
        "interval": profile.interval,
    }
    form = ProfileForm(request.POST or None, initial=initial) if configures else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.profile_update(profile=profile, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("devices:profile-detail", pk=profile.pk)
    key_form = ProfileKeyForm() if configures else None
    return _profile_page(request, profile, form, key_form, 422 if form and form.errors else 200)


@requires(RULE_MANAGE)
@require_POST
def profile_key_create(request: HttpRequest, pk: int) -> HttpResponse:
    _configures_profiles(request)
    profile = get_object_or_404(selectors.profile_detail(), pk=pk)
    key_form = ProfileKeyForm(request.POST)
    if key_form.is_valid():
        data = dict(key_form.cleaned_data)
        try:
            services.profile_key_create(
                profile=profile, key=data.pop("key"), type=data.pop("type"), by=request.user, **data
            )
        except ValidationError as exc:
            apply_errors(key_form, exc)
        else:
            messages.success(request, _("Key added."))
            return redirect("devices:profile-detail", pk=profile.pk)
    initial = {
        "name": profile.name,
        "description": profile.description,
        "interval": profile.interval,
    }
    return _profile_page(request, profile, ProfileForm(initial=initial), key_form, 422)


def _profile_key(request: HttpRequest, pk: int) -> ProfileKey:
    _configures_profiles(request)
    return get_object_or_404(ProfileKey.objects.select_related("profile"), pk=pk)


@requires(RULE_MANAGE)
@require_http_methods(["GET", "POST"])
def profile_key_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _profile_key(request, pk)
    initial = {f: getattr(item, f) for f in services.KEY_FIELDS}
    form = ProfileKeyForm(request.POST or None, initial=initial, existing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_key_update(item=item, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Key saved."))
            return redirect("devices:profile-detail", pk=item.profile_id)
    return render(
        request,
        "devices/profile_key_form.html",
        {"item": item, "form": form},
        status=422 if form.errors else 200,
    )


@requires(RULE_MANAGE)
@require_POST
def profile_key_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _profile_key(request, pk)
    try:
        services.profile_key_delete(item=item, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Key removed."))
    return redirect("devices:profile-detail", pk=item.profile_id)


# --- alarm types -----------------------------------------------------------------------


@requires(DEVICE_VIEW)
@require_GET
def alarm_type_list(request: HttpRequest) -> HttpResponse:
    """The alarm types: the case each opens, escalation, reminders, rules raising it."""
    return render(
        request,
        "devices/alarm_type_list.html",
        {
            "types": selectors.alarm_types(),
            "may_configure": selectors.may_configure_profiles(request.user),
        },
    )


def _back_to(request: HttpRequest, default: str) -> str:
    """Where to go after saving: `next` if it is a page of this site."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


@requires(RULE_MANAGE)
@require_http_methods(["GET", "POST"])
def alarm_type_create(request: HttpRequest) -> HttpResponse:
    """A new alarm type for rules to raise (a profile's rule form links here)."""
    _configures_profiles(request)
    form = AlarmTypeForm(request.POST or None, categories=selectors.case_categories(), new=True)
    back = _back_to(request, reverse("devices:alarm-type-list"))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.alarm_type_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Alarm type %(name)s created.") % {"name": item.name})
            if back != reverse("devices:alarm-type-list"):  # a rule form: the type chosen
                back = f"{back}{'&' if '?' in back else '?'}alarm_type={item.pk}"
            return redirect(back)
    return render(
        request,
        "devices/alarm_type_form.html",
        {"form": form, "back": back, "next": request.GET.get("next", "")},
        status=422 if form.errors else 200,
    )


@requires(RULE_MANAGE)
@require_http_methods(["GET", "POST"])
def alarm_type_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _configures_profiles(request)
    item = get_object_or_404(AlarmType.objects.select_related("case_category"), pk=pk)
    initial = {name: getattr(item, name) for name in services.ALARM_TYPE_FIELDS}
    form = AlarmTypeForm(
        request.POST or None, initial=initial, categories=selectors.case_categories()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.alarm_type_update(alarm_type=item, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Alarm type saved."))
            return redirect("devices:alarm-type-list")
    return render(
        request,
        "devices/alarm_type_form.html",
        {
            "form": form,
            "item": item,
            "rules": selectors.alarm_type_rules(item),
            "back": reverse("devices:alarm-type-list"),
        },
        status=422 if form.errors else 200,
    )


# --- notification rules ----------------------------------------------------------------


def _rule_regions(request: HttpRequest) -> Any:
    return (
        Region.objects.visible_to(request.user, RULE_MANAGE)
        .filter(retired_at__isnull=True)
        .select_related("parent")
        .order_by("path")[:500]
    )


@requires(DEVICE_VIEW)
@require_http_methods(["GET", "POST"])
def notification_rule_list(request: HttpRequest) -> HttpResponse:
    """Who hears of alarms where, with a form to add a rule (those who set rules)."""
    user = signed_in_user(request)
    sets = user.has_action(RULE_MANAGE)
    if request.method == "POST" and not sets:
        raise PermissionDenied
    form = (
        NotificationRuleForm(request.POST or None, regions=_rule_regions(request)) if sets else None
    )
    if request.method == "POST" and form is not None and form.is_valid():
        data = dict(form.cleaned_data)
        region = get_object_or_404(
            Region.objects.visible_to(user, RULE_MANAGE), code=data.pop("region_code")
        )
        try:
            services.notification_rule_create(region=region, by=user, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Notification rule saved."))
            return redirect("devices:notification-rule-list")
    rules = list(selectors.notification_rules_visible(user=user).order_by("region__path", "pk"))
    for rule in rules:  # labels, not stored values
        rule.role_labels = [Role(r).label for r in rule.roles]  # type: ignore[attr-defined]
        rule.severity_labels = [Severity(s).label for s in rule.severities]  # type: ignore[attr-defined]
        rule.channel_labels = [Channel(c).label for c in rule.channels]  # type: ignore[attr-defined]
    editable = {
        r.pk
        for r in selectors.notification_rules_visible(user=user, action=RULE_MANAGE).filter(
            pk__in=[r.pk for r in rules]
        )
    }
    return render(
        request,
        "devices/notification_rules.html",
        {"rules": rules, "form": form, "editable": editable},
        status=422 if form is not None and form.errors else 200,
    )


def _notification_rule(request: HttpRequest, pk: int) -> NotificationRule:
    return get_object_or_404(
        selectors.notification_rules_visible(user=request.user, action=RULE_MANAGE), pk=pk
    )


@requires(RULE_MANAGE)
@require_http_methods(["GET", "POST"])
def notification_rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _notification_rule(request, pk)
    initial = {
        "roles": rule.roles,
        "severities": rule.severities,
        "channels": rule.channels,
        "enabled": rule.enabled,
    }
    form = NotificationRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_rule_update(rule=rule, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Notification rule saved."))
            return redirect("devices:notification-rule-list")
    return render(
        request,
        "devices/notification_rule_form.html",
        {"rule": rule, "form": form},
        status=422 if form.errors else 200,
    )


@requires(RULE_MANAGE)
@require_POST
def notification_rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.notification_rule_delete(rule=_notification_rule(request, pk), by=request.user)
    messages.success(request, _("Notification rule removed."))
    return redirect("devices:notification-rule-list")


# --- panels on other apps' pages -------------------------------------------------------


@requires(DEVICE_VIEW)
@require_GET
def building_panel(request: HttpRequest, building_pk: int) -> HttpResponse:
    """A building's devices and active alarms, and its own alarm rules (the registry's
    building page loads it)."""
    building = get_object_or_404(
        Building.objects.visible_to(request.user).select_related("grid"), pk=building_pk
    )
    user = signed_in_user(request)
    devices = selectors.devices_visible(user=user).filter(
        building=building, retired_at__isnull=True
    )
    alarms = selectors.alarms_visible(user=user).filter(
        device__building=building, cleared_at__isnull=True
    )
    return render_page(
        request,
        "devices/building_panel.html",
        {
            "building": building,
            "devices": list(devices[:100]),
            "alarms": list(alarms[:PANEL_ALARMS]),
            "rules": selectors.with_key_labels(
                building.alarm_rules.select_related("alarm_type"), ProfileKey.objects.all()
            ),
            "may_set_rules": may(user, building.grid, RULE_MANAGE),
        },
        partial="panel",
    )


@requires(DEVICE_VIEW)
@require_GET
def region_panel(request: HttpRequest, code: str) -> HttpResponse:
    """A region's (a grid's, a community's…) active alarms by severity and the newest of
    them, and its devices online (the region page loads it)."""
    user = signed_in_user(request)
    region = get_object_or_404(Region.objects.visible_to(user, DEVICE_VIEW), code=code)
    within = regions_within([region.path]).values("pk")
    alarms = selectors.alarms_visible(user=user).filter(
        device__grid__in=within, cleared_at__isnull=True
    )
    devices = Device.objects.visible_to(user).filter(grid__in=within, retired_at__isnull=True)
    return render_page(
        request,
        "devices/region_panel.html",
        {
            "region": region,
            "counts": selectors.open_alarm_counts(
                user=user, region_field="device__grid", pks=within
            ),
            "alarms": list(alarms.order_by("-started_at")[:PANEL_ALARMS]),
            "device_count": devices.count(),
            "online_count": devices.filter(online=True).count(),
            "severities": dict(Severity.choices),
        },
        partial="panel",
    )
