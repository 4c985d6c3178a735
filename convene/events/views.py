"""Pages of events. Thin (STYLE §1, §2): rules decide, services write, queries read. Times show in
the viewer's zone (the middleware activates it) with the organiser's alongside."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convene.core.errors import StateConflict
from convene.core.exports import csv_response, xlsx_response
from convene.core.markdown import render_markdown
from convene.core.rules import can, is_secretariat
from convene.groups.models import Group
from convene.groups.rules import current_roles
from convene.meetings.ical import calendar
from convene.people.imports import ImportFileError, parse_upload

from . import queries, services
from .feeds import entry_for
from .forms import (
    AfterForm,
    AttendanceImportForm,
    CalendarFilterForm,
    EventEditForm,
    EventForm,
    FollowUpForm,
    answers_of,
    registration_form,
)
from .models import Registration, RegistrationStatus
from .tokens import read_token


def _ics_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=900"
    return response


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- The annual calendar --------------------------------------------------------------------------


def _calendar_filters(request) -> tuple[CalendarFilterForm, queries.CalendarFilters]:
    groups = (
        Group.objects.filter(events__isnull=False).distinct().order_by("name").values_list("slug", "name")
    )
    form = CalendarFilterForm(request.GET or None, group_choices=list(groups))
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = queries.CalendarFilters(
        year=data.get("year") or timezone.localdate().year,
        kind=data.get("kind", ""),
        group=data.get("group", ""),
        language=data.get("language", ""),
        region=data.get("region", ""),
    )
    return form, filters


@require_GET
def calendar_page(request):
    """The year's events and campaign days, filtered; each in the viewer's zone."""
    form, filters = _calendar_filters(request)
    events = queries.calendar_events(viewer=request.user, filters=filters)
    months: dict[datetime.date, list] = {}
    for event in events:
        local = timezone.localtime(event.starts)
        months.setdefault(local.date().replace(day=1), []).append((event, *queries.localized(event)))
    context = {
        "form": form,
        "filters": filters,
        "months": sorted(months.items()),
        "count": len(events),
        "may_create": can(request.user, "events.create"),
        "feed_query": request.GET.urlencode(),
    }
    template = "events/_calendar_results.html" if request.htmx else "events/calendar.html"
    return render(request, template, context)


@require_GET
def calendar_feed(request):
    """The annual calendar (with the same filters) as an iCalendar feed."""
    _form, filters = _calendar_filters(request)
    events = queries.calendar_events(viewer=request.user, filters=filters)
    entries = [entry_for(event, with_link=False, request=request) for event in events]
    return _ics_response(calendar(entries, name=_("Events")), "events.ics")


# --- One event ------------------------------------------------------------------------------------


def _event(request, event_id: int):
    return queries.event_for_viewer(viewer=request.user, event_id=event_id)


def _manage(request, event_id: int):
    event = _event(request, event_id)
    if not can(request.user, "events.manage", event):
        raise PermissionDenied("events.manage")
    return event


def _detail(request, event, form=None, status=200):
    registration = queries.registration_of(event=event, person=request.user)
    title, description = queries.localized(event)
    anonymous = not request.user.is_authenticated
    may_register = event.is_public or can(request.user, "events.register_as_member", event)
    if form is None and may_register:
        form = registration_form(event, anonymous=anonymous)
    holds = registration is not None and registration.holds_place
    waiting = registration is not None and registration.status == RegistrationStatus.WAITING
    context = {
        "event": event,
        "title": title,
        "description_html": render_markdown(description),
        "materials_html": render_markdown(event.materials) if event.materials else "",
        "sessions": list(event.sessions.all()),
        "groups": list(event.host_groups.all()),
        "partners": [p for p in event.partners.splitlines() if p.strip()],
        "registration": registration,
        "form": form if may_register and not (holds or waiting) else None,
        "full": event.capacity is not None and event.taken >= event.capacity,
        "places_left": None if event.capacity is None else max(event.capacity - event.taken, 0),
        "manages": can(request.user, "events.manage", event),
        "shows_link": holds or can(request.user, "events.manage", event),
        "ended": timezone.now() >= event.ends,
    }
    return render(request, "events/event_detail.html", context, status=status)


@require_GET
def event_detail(request, event: int):
    return _detail(request, _event(request, event))


@require_GET
def event_ics(request, event: int):
    found = _event(request, event)
    registration = queries.registration_of(event=found, person=request.user)
    with_link = (registration is not None and registration.holds_place) or can(
        request.user, "events.manage", found
    )
    return _ics_response(calendar([entry_for(found, with_link=with_link, request=request)]), "event.ics")


@require_POST
def event_register(request, event: int):
    found = _event(request, event)
    anonymous = not request.user.is_authenticated
    form = registration_form(found, request.POST, anonymous=anonymous)
    if not form.is_valid():
        return _detail(request, found, form, status=400)
    try:
        registration = services.registration_register(
            event=found,
            acting=None if anonymous else request.user,
            email=form.cleaned_data.get("email", ""),
            name=form.cleaned_data.get("name", ""),
            answers=answers_of(form),
            remind_week=form.cleaned_data["remind_week"],
            remind_hour=form.cleaned_data["remind_hour"],
            language=getattr(request, "LANGUAGE_CODE", ""),
        )
    except ValidationError as error:
        _add_errors(form, error)
        return _detail(request, found, form, status=400)
    messages.success(
        request,
        {
            RegistrationStatus.UNCONFIRMED: _(
                "Nearly there: confirm your address from the e-mail we sent you."
            ),
            RegistrationStatus.REGISTERED: _("You are registered. The confirmation is in your e-mail."),
            RegistrationStatus.WAITING: _("The event is full: you are on the waiting list."),
        }[registration.status],
    )
    return HttpResponseRedirect(reverse("events:detail", args=[found.pk]))


@require_POST
@login_required
def event_unregister(request, event: int):
    found = _event(request, event)
    registration = queries.registration_of(event=found, person=request.user)
    if registration is None:
        raise Http404
    services.registration_cancel(registration=registration)
    messages.success(request, _("Your registration is cancelled."))
    return HttpResponseRedirect(reverse("events:detail", args=[found.pk]))


@require_http_methods(["GET", "POST"])
def by_link(request, token: str):
    """The links in the e-mails, without login: confirm the address, cancel, take the place offered.
    GET shows what the link will do, with one button (a mail scanner following links does nothing);
    POST does it."""
    read = read_token(token)
    registration = Registration.objects.select_related("event").filter(pk=read[0]).first() if read else None
    if registration is None:
        return render(request, "events/link_invalid.html", status=404)
    action = read[1]
    done, error = False, ""
    if request.method == "POST":
        try:
            if action == "confirm":
                registration = services.registration_confirm(registration=registration)
            elif action == "accept":
                registration = services.offer_accept(registration=registration)
            else:
                registration = services.registration_cancel(registration=registration)
            done = True
        except StateConflict as conflict:
            error = " ".join(conflict.messages)
    return render(
        request,
        "events/by_link.html",
        {
            "registration": registration,
            "event": registration.event,
            "action": action,
            "done": done,
            "error": error,
        },
        status=409 if error else 200,
    )


# --- Creating --------------------------------------------------------------------------------------


def _group_choices(person) -> list[tuple[str, str]]:
    groups = Group.objects.order_by("name")
    if not is_secretariat(person):
        mine = [pk for pk, role in current_roles(person).items() if role == "cochair"]
        groups = groups.filter(pk__in=mine)
    return [(g.slug, g.name) for g in groups if g.is_open]


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request):
    if not can(request.user, "events.create"):
        raise PermissionDenied("events.create")
    choices = _group_choices(request.user)
    zone = request.user.time_zone or "UTC"
    form = EventForm(request.POST or None, group_choices=choices, initial={"zone_name": zone})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.event_create(
                acting=request.user,
                translations=form.translations(),
                sessions=data["sessions"],
                questions=data["questions"],
                **_event_fields(data),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The event is created."))
            return HttpResponseRedirect(reverse("events:detail", args=[event.pk]))
    return render(request, "events/event_form.html", {"form": form}, status=400 if form.errors else 200)


def _event_fields(data: dict) -> dict:
    """The service's arguments from the event form's cleaned data (wall-clock times, no zone)."""

    def wall(value):
        return value and value.replace(tzinfo=None)

    return {
        "kind": data["kind"],
        "title": data["title"],
        "description": data["description"],
        "language": data["language"],
        "starts": wall(data["starts"]),
        "ends": wall(data["ends"]),
        "zone_name": data["zone_name"],
        "online_url": data["online_url"],
        "venue": data["venue"],
        "region": data["region"],
        "host_groups": list(Group.objects.filter(slug__in=data["host_groups"])),
        "partners": data["partners"].splitlines(),
        "capacity": data["capacity"],
        "registration_opens": wall(data["registration_opens"]),
        "registration_closes": wall(data["registration_closes"]),
        "visibility": data["visibility"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, event: int):
    """Change an event after its creation. Those registered are told of a new time or place; a
    higher capacity offers places to the waiting list."""
    found = _manage(request, event)
    if found.cancelled:
        raise Http404
    hosts = {g.slug: g.name for g in found.host_groups.all()}
    choices = dict(_group_choices(request.user)) | hosts  # the hosts already there stay choosable
    locked = services.has_answers(found)
    form = EventEditForm(
        request.POST or None,
        group_choices=sorted(choices.items(), key=lambda c: c[1]),
        initial=EventEditForm.initial_for(found),
        questions_locked=locked,
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = services.event_update(
                event=found,
                acting=request.user,
                translations=form.translations(),
                questions=None if locked else form.cleaned_data["questions"],
                **_event_fields(form.cleaned_data),
            )
        except ValidationError as error:
            _add_errors(form, error)
        except StateConflict as conflict:
            form.add_error(None, conflict.messages)
        else:
            messages.success(request, _("The event is saved."))
            if result.moved:
                messages.info(request, _("Those registered are sent the new time and place."))
            if result.offered:
                messages.info(
                    request,
                    ngettext(
                        "%(n)s place was offered to the waiting list.",
                        "%(n)s places were offered to the waiting list.",
                        result.offered,
                    )
                    % {"n": result.offered},
                )
            return HttpResponseRedirect(reverse("events:detail", args=[found.pk]))
    return render(
        request,
        "events/event_form.html",
        {"form": form, "event": found},
        status=400 if form.errors else 200,
    )


# --- Organisers: registrations, check-in, attendance, after -----------------------------------------


@login_required
@require_GET
def registrations(request, event: int):
    """Everyone registered, the waiting list, and the check-in buttons (usable on a phone)."""
    found = _manage(request, event)
    rows = queries.registrations_of(event=found)
    questions = list(found.questions.all())
    for row in rows:  # the answers in the questions' order, for the list
        row.answer_list = [(q.label, row.answers.get(str(q.pk), "")) for q in questions]
    return render(
        request,
        "events/registrations.html",
        {
            "event": found,
            "registered": [r for r in rows if r.status == RegistrationStatus.REGISTERED],
            "waiting": queries.waiting_list(event=found),
            "others": [
                r
                for r in rows
                if r.status
                not in (RegistrationStatus.REGISTERED, RegistrationStatus.WAITING, RegistrationStatus.OFFERED)
            ],
            "questions": questions,
        },
    )


@login_required
@require_GET
def registrations_export(request, event: int):
    """Everyone registered, in any state, as CSV (or XLSX with ?format=xlsx), the times in the
    viewer's zone and one column per question."""
    found = _manage(request, event)
    headers, rows = queries.registration_table(event=found)
    filename = f"registrations-{found.pk}"
    if request.GET.get("format") == "xlsx":
        return xlsx_response(filename=filename, sheet=_("Registrations"), headers=headers, rows=rows)
    return csv_response(filename=filename, headers=headers, rows=rows)


@login_required
@require_POST
def check_in(request, event: int, registration: int):
    found = _manage(request, event)
    value = request.POST.get("attended", "yes")
    try:
        row = services.attendance_mark(
            event=found,
            acting=request.user,
            registration_id=registration,
            attended={"yes": True, "no": False}.get(value),
        )
    except ValidationError as error:
        raise Http404 from error
    if request.htmx:
        return render(request, "events/_check_in.html", {"event": found, "r": row})
    return HttpResponseRedirect(reverse("events:registrations", args=[found.pk]) + f"#r{row.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def attendance_import(request, event: int):
    found = _manage(request, event)
    form = AttendanceImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            parsed = parse_upload(name=upload.name, data=upload.read())
            result = services.attendance_import(
                event=found,
                acting=request.user,
                parsed=parsed,
                email_column=form.cleaned_data["email_column"],
                min_minutes=form.cleaned_data["min_minutes"],
                duration_column=form.cleaned_data["duration_column"],
            )
        except ImportFileError as error:
            form.add_error("file", error.message)
        except ValidationError as error:
            _add_errors(form, error)
    status = 400 if form.errors else 200
    return render(
        request,
        "events/attendance_import.html",
        {"event": found, "form": form, "result": result},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_after(request, event: int):
    """After the event: the recording, the materials, certificates, and the follow-up mail."""
    found = _manage(request, event)
    after = AfterForm(
        request.POST if "recording_url" in request.POST else None,
        initial={
            "recording_url": found.recording_url,
            "materials": found.materials,
            "certificates": found.certificates,
        },
    )
    follow = FollowUpForm(request.POST if "attendees_text" in request.POST else None)
    if request.method == "POST":
        try:
            if after.is_bound and after.is_valid():
                services.event_after(event=found, acting=request.user, **after.cleaned_data)
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(reverse("events:after", args=[found.pk]))
            if follow.is_bound and follow.is_valid():
                owed = services.follow_up_send(event=found, acting=request.user, **follow.cleaned_data)
                messages.success(request, _("The follow-up is being sent to %(n)s people.") % {"n": owed})
                return HttpResponseRedirect(reverse("events:after", args=[found.pk]))
        except ValidationError as error:
            _add_errors(follow if follow.is_bound else after, error)
        if not after.is_bound and not follow.is_bound:
            after.add_error(None, _("Nothing to save."))
    status = 400 if after.errors or follow.errors else 200
    return render(
        request, "events/event_after.html", {"event": found, "after": after, "follow": follow}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_cancel(request, event: int):
    """Cancel the event: everyone holding a place is told, with a calendar entry that removes it."""
    found = _manage(request, event)
    if request.method == "POST":
        services.event_cancel(event=found, acting=request.user)
        messages.success(request, _("The event is cancelled; those registered are told."))
        return HttpResponseRedirect(reverse("events:detail", args=[found.pk]))
    return render(request, "events/event_cancel.html", {"event": found})


# --- A person's events -----------------------------------------------------------------------------


@login_required
@require_GET
def my_events(request):
    """The events a person registered for, and those they attended (a CPD-style record)."""
    return render(
        request,
        "events/my_events.html",
        {
            "attended": queries.attended_by(person=request.user),
            "upcoming": queries.upcoming_for(person=request.user),
        },
    )


@login_required
@require_GET
def certificate(request, event: int):
    """A certificate of attendance (PDF), where the organiser enables it."""
    from .certificates import certificate_pdf

    registration = (
        Registration.objects.select_related("event")
        .filter(event_id=event, person=request.user, attended=True, status=RegistrationStatus.REGISTERED)
        .first()
    )
    if registration is None or not registration.event.certificates:
        raise Http404
    response = HttpResponse(certificate_pdf(registration), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{event}.pdf"'
    return response
