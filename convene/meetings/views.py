"""Pages of meetings and time polls. Thin (STYLE §1, §2): rules decide, services write, queries read.
Times show in the viewer's zone (the middleware activates it) with the organiser's alongside."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convene.core.concurrency import EditConflict
from convene.core.concurrency_views import add_service_error, conflict_response
from convene.core.errors import StateConflict
from convene.core.markdown import render_markdown
from convene.core.rules import can
from convene.groups import queries as group_queries
from convene.groups.models import Group
from convene.people.models import Person

from . import agenda_services, minutes_services, queries, services
from .feeds import entries_for, entry_for, personal_entries
from .forms import (
    ActionItemForm,
    AgendaItemForm,
    AnswerForm,
    AttendanceForm,
    DecisionForm,
    MeetingMoveForm,
    MeetingScheduleForm,
    MinutesForm,
    PollCreateForm,
    PreferencesForm,
    SeriesEndForm,
    SeriesMoveForm,
    TakerForm,
    poll_answer_form,
)
from .ical import calendar, invitation
from .models import CalendarFeed, DigestChoice, Invitation, Meeting, PollStatus, ReminderChoice
from .rules import is_committee_or_secretariat, may_schedule_for
from .times import to_local
from .tokens import invitation_id_of, preferences_of_token, writer_of, writer_token


def _default_zone(request) -> str:
    return getattr(request.user, "time_zone", "") or timezone.get_current_timezone_name()


@require_GET
def group_meetings(request, slug: str):
    group = group_queries.group_for_viewer(viewer=request.user, slug=slug)
    found = queries.group_meetings(group=group)
    return render(
        request,
        "meetings/group_meetings.html",
        {
            "group": group,
            "upcoming": found.upcoming,
            "past": found.past,
            "polls": list(queries.open_polls(group=group)) if request.user.is_authenticated else [],
            "can_schedule": may_schedule_for(request.user, [group]),
        },
    )


def _joint_choices(person, group: Group) -> list[tuple[str, str]]:
    """The other open groups the person may schedule for (a joint meeting)."""
    others = Group.objects.visible_to(person).exclude(pk=group.pk).only("id", "name", "slug", "status")
    return [(str(g.pk), g.name) for g in others if may_schedule_for(person, [g])]


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, slug: str):
    group = group_queries.group_for_viewer(viewer=request.user, slug=slug)
    if not may_schedule_for(request.user, [group]):
        raise PermissionDenied("meetings.schedule")
    joint = _joint_choices(request.user, group)
    form = MeetingScheduleForm(
        request.POST or None, joint_choices=joint, initial={"zone_name": _default_zone(request)}
    )
    if request.method == "POST" and form.is_valid():
        chosen = {int(pk) for pk in form.cleaned_data.get("also_groups", [])}
        scheduled = _schedule(request, form, groups=[group, *Group.objects.filter(pk__in=chosen)])
        if scheduled is not None:
            return scheduled
    return render(request, "meetings/meeting_form.html", {"group": group, "form": form})


def _schedule(request, form, *, groups=(), for_committee: bool = False):
    """Schedules what a valid scheduling form asks (one meeting or a series): the new meeting's page,
    or None with the refusal on the form."""
    starts, ends = form.span()
    common = {
        "acting": request.user,
        "title": form.cleaned_data["title"],
        "starts": starts,
        "ends": ends,
        "zone_name": form.cleaned_data["zone_name"],
        "groups": list(groups),
        "for_committee": for_committee,
        "form": form.cleaned_data["form"],
        "place": form.cleaned_data["place"],
        "video_url": form.cleaned_data["video_url"],
        "description": form.cleaned_data["description"],
    }
    try:
        recurrence = form.recurrence()
        if recurrence is None:
            meeting = services.meeting_schedule(**common)
        else:
            series = services.series_schedule(recurrence=recurrence, **common)
            meeting = series.meetings.order_by("starts").first()
    except ValidationError as error:
        add_service_error(form, error)
    except ValueError as error:
        form.add_error(None, str(error))
    else:
        messages.success(request, _("The meeting is scheduled and the members are invited."))
        return HttpResponseRedirect(reverse("meetings:detail", args=[meeting.pk]))
    return None


# --- The steering committee's own meetings -------------------------------------------------------


def _ensure_committee(request) -> None:
    if not is_committee_or_secretariat(request.user):
        raise PermissionDenied("meetings.committee")


@login_required
@require_GET
def committee_meetings(request):
    """The steering committee's meetings, coming and held: for the committee and the secretariat."""
    _ensure_committee(request)
    found = queries.committee_meetings()
    return render(
        request,
        "meetings/committee_meetings.html",
        {
            "upcoming": found.upcoming,
            "past": found.past,
            "can_schedule": may_schedule_for(request.user, [], for_committee=True),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def committee_meeting_new(request):
    if not may_schedule_for(request.user, [], for_committee=True):
        raise PermissionDenied("meetings.schedule")
    form = MeetingScheduleForm(request.POST or None, initial={"zone_name": _default_zone(request)})
    if request.method == "POST" and form.is_valid():
        scheduled = _schedule(request, form, for_committee=True)
        if scheduled is not None:
            return scheduled
    return render(request, "meetings/meeting_form.html", {"group": None, "form": form})


@require_GET
def meeting_detail(request, meeting: int):
    meeting = queries.meeting_for_viewer(viewer=request.user, meeting_id=meeting)
    details = queries.may_see_details(request.user, meeting)
    manages = can(request.user, "meetings.manage_meeting", meeting)
    invited = queries.viewer_invitation(viewer=request.user, meeting=meeting)
    minutes = queries.minutes_of(meeting=meeting)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "groups": list(meeting.groups.all()),
            "details": details,
            "manages": manages,
            "invitation": invited,
            "answer_form": AnswerForm(initial={"answer": invited.answer}) if invited else None,
            "counts": queries.answer_counts(meeting=meeting) if details else None,
            "writes_minutes": can(request.user, "meetings.write_minutes", meeting),
            "agenda": queries.agenda(meeting=meeting),
            "minutes": minutes if minutes.pk and (minutes.is_published or details) else None,
            "minutes_html": render_markdown(minutes.body, top_level=3) if minutes.pk else "",
            "decisions": queries.meeting_decisions(meeting=meeting) if minutes.is_published else [],
            "action_items": queries.action_items(meeting=meeting) if minutes.is_published else [],
            "invitations": queries.invitations_for_organiser(meeting=meeting) if manages else None,
        },
    )


@require_GET
def meeting_ics(request, meeting: int):
    meeting = queries.meeting_for_viewer(viewer=request.user, meeting_id=meeting)
    entry = entry_for(meeting, with_video=queries.may_see_details(request.user, meeting), request=request)
    response = HttpResponse(invitation(entry), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@login_required
@require_POST
def meeting_answer(request, meeting: int):
    meeting = queries.meeting_for_viewer(viewer=request.user, meeting_id=meeting)
    invited = Invitation.objects.filter(meeting=meeting, person=request.user).first()
    if invited is None:
        raise PermissionDenied("meetings.answer")
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Answer yes, maybe or no."))
    else:
        try:
            services.invitation_answer(invitation=invited, answer=form.cleaned_data["answer"])
        except StateConflict as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your answer is saved."))
    return HttpResponseRedirect(reverse("meetings:detail", args=[meeting.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_move(request, meeting: int):
    meeting = queries.meeting_for_viewer(viewer=request.user, meeting_id=meeting)
    if not can(request.user, "meetings.manage_meeting", meeting):
        raise PermissionDenied("meetings.manage_meeting")
    local_starts = to_local(meeting.starts, meeting.zone_name)
    form = MeetingMoveForm(
        request.POST or None,
        initial={
            "day": local_starts.date(),
            "starts": local_starts.time(),
            "ends": to_local(meeting.ends, meeting.zone_name).time(),
            "zone_name": meeting.zone_name,
        },
    )
    if request.method == "POST" and form.is_valid():
        starts, ends = form.span()
        try:
            services.meeting_move(
                meeting=meeting,
                acting=request.user,
                starts=starts,
                ends=ends,
                zone_name=form.cleaned_data["zone_name"],
            )
        except (ValidationError, StateConflict) as error:
            if isinstance(error, ValidationError):
                add_service_error(form, error)
            else:
                form.add_error(None, str(error))
        else:
            messages.success(request, _("The meeting is moved; the invited are told."))
            return HttpResponseRedirect(reverse("meetings:detail", args=[meeting.pk]))
    return render(request, "meetings/meeting_move.html", {"meeting": meeting, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request, meeting: int):
    """GET asks to confirm (no JavaScript needed), POST cancels."""
    meeting = queries.meeting_for_viewer(viewer=request.user, meeting_id=meeting)
    if not can(request.user, "meetings.manage_meeting", meeting):
        raise PermissionDenied("meetings.manage_meeting")
    if request.method == "POST":
        services.meeting_cancel(meeting=meeting, acting=request.user)
        messages.success(request, _("The meeting is cancelled; the invited are told."))
        return HttpResponseRedirect(reverse("meetings:detail", args=[meeting.pk]))
    return render(request, "meetings/meeting_cancel.html", {"meeting": meeting})


@login_required
@require_http_methods(["GET", "POST"])
def poll_new(request, slug: str):
    group = group_queries.group_for_viewer(viewer=request.user, slug=slug)
    if not may_schedule_for(request.user, [group]):
        raise PermissionDenied("meetings.schedule")
    form = PollCreateForm(request.POST or None, initial={"zone_name": _default_zone(request)})
    if request.method == "POST" and form.is_valid():
        try:
            poll = services.poll_create(
                acting=request.user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                zone_name=form.cleaned_data["zone_name"],
                slots=form.slots(),
                groups=[group],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The proposed times are open for the members' answers."))
            return HttpResponseRedirect(reverse("meetings:poll", args=[poll.pk]))
    return render(request, "meetings/poll_form.html", {"group": group, "form": form})


def _poll_page(request, poll, form=None, status=200):
    results = queries.poll_results(poll=poll, viewer=request.user)
    may_answer = poll.status == PollStatus.OPEN and can(request.user, "meetings.answer_poll", poll)
    form = form or (poll_answer_form(results.slots, results.mine) if may_answer else None)
    rows = [
        {
            "slot": slot,
            "tally": results.tallies[i],
            "field": form[f"slot_{slot.pk}"] if form else None,
        }
        for i, slot in enumerate(results.slots)
    ]
    return render(
        request,
        "meetings/poll_detail.html",
        {
            "poll": poll,
            "groups": list(poll.groups.all()),
            "rows": rows,
            "form": form,
            "invited": results.invited,
            "manages": poll.status == PollStatus.OPEN and can(request.user, "meetings.manage_poll", poll),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def poll_detail(request, poll: int):
    poll = queries.poll_for_viewer(viewer=request.user, poll_id=poll)
    if request.method == "POST":
        if not request.user.is_authenticated or not can(request.user, "meetings.answer_poll", poll):
            raise PermissionDenied("meetings.answer_poll")
        results = queries.poll_results(poll=poll, viewer=request.user)
        form = poll_answer_form(results.slots, results.mine, request.POST)
        if not form.is_valid():
            return _poll_page(request, poll, form, status=400)
        answers = {int(name.removeprefix("slot_")): value for name, value in form.cleaned_data.items()}
        try:
            services.poll_answer(poll=poll, acting=request.user, answers=answers)
        except StateConflict as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your answers are saved."))
        return HttpResponseRedirect(reverse("meetings:poll", args=[poll.pk]))
    return _poll_page(request, poll)


@login_required
@require_POST
def poll_choose(request, poll: int):
    poll = queries.poll_for_viewer(viewer=request.user, poll_id=poll)
    if not can(request.user, "meetings.manage_poll", poll):
        raise PermissionDenied("meetings.manage_poll")
    chosen = request.POST.get("slot", "").strip()
    slot = poll.slots.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    if slot is None:
        raise Http404
    try:
        meeting = services.poll_close(
            poll=poll,
            acting=request.user,
            slot=slot,
            form=request.POST.get("form", "virtual"),
            place=request.POST.get("place", ""),
            video_url=request.POST.get("video_url", ""),
        )
    except (ValidationError, StateConflict) as error:
        messages.error(
            request, " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        )
        return HttpResponseRedirect(reverse("meetings:poll", args=[poll.pk]))
    messages.success(request, _("The meeting is scheduled at the chosen time and the members are invited."))
    return HttpResponseRedirect(reverse("meetings:detail", args=[meeting.pk]))


@require_GET
def series_detail(request, series: int):
    series = queries.series_for_viewer(viewer=request.user, series_id=series)
    meetings = list(
        queries.meetings_visible_to(request.user).filter(series=series).order_by("starts", "pk")[:200]
    )
    first = series.meetings.first()
    return render(
        request,
        "meetings/series_detail.html",
        {
            "series": series,
            "meetings": meetings,
            "now": timezone.now(),
            "manages": first is not None
            and not series.cancelled
            and can(request.user, "meetings.manage_meeting", first),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def series_move(request, meeting: int):
    """Moves this meeting and the following ones of its series (GET shows the form)."""
    meeting = queries.meeting_for_viewer(viewer=request.user, meeting_id=meeting)
    if meeting.series_id is None:
        raise Http404
    if not can(request.user, "meetings.manage_meeting", meeting):
        raise PermissionDenied("meetings.manage_meeting")
    local_starts = to_local(meeting.starts, meeting.zone_name)
    form = SeriesMoveForm(
        request.POST or None,
        initial={
            "day": local_starts.date(),
            "starts": local_starts.time(),
            "ends": to_local(meeting.ends, meeting.zone_name).time(),
            "zone_name": meeting.zone_name,
        },
    )
    if request.method == "POST" and form.is_valid():
        starts, ends = form.span()
        try:
            moved = services.series_move(
                series=meeting.series,
                acting=request.user,
                meeting=meeting,
                starts=starts,
                ends=ends,
                zone_name=form.cleaned_data["zone_name"],
                include_moved=form.cleaned_data["include_moved"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        except StateConflict as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)d meeting is moved; the invited are told.",
                    "%(n)d meetings are moved; the invited are told.",
                    len(moved),
                )
                % {"n": len(moved)},
            )
            return HttpResponseRedirect(reverse("meetings:series", args=[meeting.series_id]))
    return render(
        request,
        "meetings/series_move.html",
        {"meeting": meeting, "series": meeting.series, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def series_end(request, series: int):
    """Ends a series after a day (GET shows the form)."""
    series = queries.series_for_viewer(viewer=request.user, series_id=series)
    first = series.meetings.first()
    if first is None or not can(request.user, "meetings.manage_meeting", first):
        raise PermissionDenied("meetings.manage_meeting")
    form = SeriesEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            removed = services.series_end(
                series=series, acting=request.user, last_day=form.cleaned_data["last_day"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        except StateConflict as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "The series ends; %(n)d meeting after that day is removed.",
                    "The series ends; %(n)d meetings after that day are removed.",
                    removed,
                )
                % {"n": removed},
            )
            return HttpResponseRedirect(reverse("meetings:series", args=[series.pk]))
    return render(
        request,
        "meetings/series_end.html",
        {"series": series, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _ics_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=900"
    return response


@require_GET
def group_feed(request, slug: str):
    """A group's meetings as a calendar feed: public groups' to anyone (no video links)."""
    group = group_queries.group_for_viewer(viewer=request.user, slug=slug)
    meetings = queries.feed_meetings(meetings=Meeting.objects.of_group(group))
    entries = entries_for(
        meetings, with_video=lambda m: queries.may_see_details(request.user, m), request=request
    )
    return _ics_response(calendar(entries, name=group.name), f"{group.slug}.ics")


@require_GET
def personal_feed(request, key: str):
    """The meetings a person is asked to, read by their calendar program with the private address."""
    feed = CalendarFeed.objects.select_related("person").filter(key=key, person__is_active=True).first()
    if feed is None:
        raise Http404
    meetings = queries.feed_meetings(meetings=Meeting.objects.filter(invitations__person=feed.person))
    entries = entries_for(meetings, with_video=lambda m: True, request=request)
    entries += personal_entries(feed.person, request)
    return _ics_response(calendar(entries, name=_("My meetings")), "meetings.ics")


@login_required
@require_http_methods(["GET", "POST"])
def calendar_address(request):
    """The person's private calendar address; POST replaces it by a new one (the old stops working)."""
    if request.method == "POST":
        services.calendar_feed_renew(person=request.user)
        messages.success(request, _("Your calendar has a new address. The old one no longer works."))
        return HttpResponseRedirect(reverse("meetings:calendar"))
    feed = services.calendar_feed_for(person=request.user)
    url = request.build_absolute_uri(reverse("meetings:personal_feed", args=[feed.key]))
    return render(request, "meetings/calendar_address.html", {"url": url})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """The person's reminders before meetings and their digest."""
    current = queries.preferences_of(request.user)
    form = PreferencesForm(
        request.POST or None, initial={"reminder": current.reminder, "digest": current.digest}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_set(person=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your choices are saved."))
            return HttpResponseRedirect(reverse("meetings:preferences"))
    return render(
        request,
        "meetings/preferences.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@csrf_exempt  # RFC 8058 one-click: mail programs POST without a CSRF token; the signed token authenticates.
@require_http_methods(["GET", "POST"])
def preferences_by_link(request, token: str):
    """The List-Unsubscribe link of a reminder or a digest: no login. GET asks to confirm (a mail
    scanner following links stops nothing); POST stops that e-mail."""
    found = preferences_of_token(token)
    person = Person.objects.filter(pk=found[0], is_active=True).first() if found else None
    if person is None:
        return render(request, "meetings/answer_invalid.html", status=404)
    what = found[1]
    done = False
    if request.method == "POST":
        if what == "reminder":
            services.preferences_set(person=person, reminder=ReminderChoice.NONE)
        else:
            services.preferences_set(person=person, digest=DigestChoice.NONE)
        done = True
    return render(request, "meetings/preferences_stop.html", {"person": person, "what": what, "done": done})


@require_http_methods(["GET", "POST"])
def answer_by_link(request, token: str):
    """The link in the invitation e-mail: no login. GET shows the answer the link chose, ready to
    confirm with one button (so that a mail scanner following links answers nothing); POST saves it."""
    invitation_id = invitation_id_of(token)
    invited = (
        Invitation.objects.select_related("meeting", "person").filter(pk=invitation_id).first()
        if invitation_id
        else None
    )
    if invited is None:
        return render(request, "meetings/answer_invalid.html", status=404)
    form = AnswerForm(request.POST or None, initial={"answer": request.GET.get("answer") or invited.answer})
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            invited = services.invitation_answer(invitation=invited, answer=form.cleaned_data["answer"])
        except StateConflict as error:
            form.add_error(None, str(error))
        else:
            saved = True
    return render(
        request,
        "meetings/answer_by_link.html",
        {"invitation": invited, "meeting": invited.meeting, "form": form, "saved": saved},
        status=400 if request.method == "POST" and not saved else 200,
    )


# --- Minutes --------------------------------------------------------------------------------------


def _minutes_context(request, meeting, form=None) -> dict:
    minutes = queries.minutes_of(meeting=meeting)
    invitations = queries.invitations_for_organiser(meeting=meeting)
    people = [(str(i.person_id), i.person.profile.name or i.person.email) for i in invitations]
    groups = list(meeting.groups.all())
    recorded = dict(meeting.attendance.values_list("person_id", "presence"))
    manages = can(request.user, "meetings.manage_meeting", meeting)
    if form is None:
        rescued = queries.minutes_rescue(meeting=meeting, person=request.user)
        form = MinutesForm(
            initial={
                "body": rescued.body if rescued else minutes.body,
                "writer": writer_token(meeting.pk, request.user.pk),
            },
            revision=rescued.revision if rescued and rescued.revision else minutes.revision,
        )
        if rescued:
            messages.info(
                request, _("The text you typed before your session ended was kept: check it and save.")
            )
    return {
        "meeting": meeting,
        "minutes": minutes,
        "form": form,
        "manages": manages,
        "attendance_form": AttendanceForm(invitations=invitations, recorded=recorded),
        "decision_form": DecisionForm(groups=groups),
        "action_form": ActionItemForm(people=people, groups=groups),
        "taker_form": TakerForm(people=people, initial={"taker": minutes.taker_id or ""})
        if manages
        else None,
        "decisions": queries.meeting_decisions(meeting=meeting),
        "action_items": queries.action_items(meeting=meeting),
    }


def _minutes_meeting(request, meeting_id: int):
    meeting = queries.meeting_for_viewer(viewer=request.user, meeting_id=meeting_id)
    if not can(request.user, "meetings.write_minutes", meeting):
        raise PermissionDenied("meetings.write_minutes")
    return meeting


def _back_to_minutes(meeting) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("meetings:minutes", args=[meeting.pk]))


@require_http_methods(["GET", "POST"])
def minutes_edit(request, meeting: int):
    """The minutes: typed here, saved by the button (and every few seconds with JavaScript).

    A save that arrives after the writer's session ended is not lost: the form carries a signed
    field naming its writer and meeting, the text is kept for them, and they find it here after
    logging in again."""
    if request.method == "POST" and not request.user.is_authenticated:
        found = Meeting.objects.filter(pk=meeting).first()
        writer = writer_of(request.POST.get("writer", ""), found.pk) if found else None
        if writer is not None:
            revision = request.POST.get("revision", "")
            minutes_services.minutes_rescue_keep(
                meeting=found,
                person_id=writer,
                body=request.POST.get("body", "")[:200_000],
                revision=int(revision) if revision.isdigit() else None,
            )
        login = reverse("account_login")
        return HttpResponseRedirect(f"{login}?next={reverse('meetings:minutes', args=[meeting])}")
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"{reverse('account_login')}?next={request.path}")
    meeting = _minutes_meeting(request, meeting)
    if request.method == "POST":
        form = MinutesForm(request.POST, revision=None)
        if form.is_valid():
            try:
                minutes_services.minutes_save(
                    meeting=meeting,
                    acting=request.user,
                    body=form.cleaned_data["body"],
                    revision=form.cleaned_data["revision"],
                )
            except EditConflict as conflict:
                context = _minutes_context(request, meeting, form)
                return conflict_response(
                    request, "meetings/minutes.html", context, form=form, conflict=conflict
                )
            except (ValidationError, StateConflict) as error:
                if isinstance(error, ValidationError):
                    add_service_error(form, error)
                else:
                    form.add_error(None, str(error))
            else:
                if request.htmx:
                    return render(
                        request,
                        "meetings/_minutes_saved.html",
                        {"minutes": queries.minutes_of(meeting=meeting)},
                    )
                messages.success(request, _("The minutes are saved."))
                return _back_to_minutes(meeting)
        if request.htmx:
            return render(request, "meetings/_minutes_saved.html", {"error": True}, status=409)
        return render(request, "meetings/minutes.html", _minutes_context(request, meeting, form), status=400)
    return render(request, "meetings/minutes.html", _minutes_context(request, meeting))


def _minutes_post(request, meeting: int, action):
    """A part of the minutes page (attendance, a decision, an action item, the taker): saved, then the
    page again; a refusal is told at the top."""
    meeting = _minutes_meeting(request, meeting)
    try:
        action(meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except StateConflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Saved."))
    return _back_to_minutes(meeting)


def _group_of(meeting, value: str):
    return next((g for g in meeting.groups.all() if str(g.pk) == value), None)


@login_required
@require_POST
def minutes_attendance(request, meeting: int):
    def record(meeting):
        form = AttendanceForm(request.POST, invitations=queries.invitations_for_organiser(meeting=meeting))
        if not form.is_valid():
            raise ValidationError(_("Choose present, apologies or absent."))
        minutes_services.attendance_record(meeting=meeting, acting=request.user, presence=form.presence())

    return _minutes_post(request, meeting, record)


@login_required
@require_POST
def minutes_decision(request, meeting: int):
    def record(meeting):
        form = DecisionForm(request.POST, groups=list(meeting.groups.all()))
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        minutes_services.meeting_decision_record(
            meeting=meeting,
            acting=request.user,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
            group=_group_of(meeting, form.cleaned_data.get("group", "")),
        )

    return _minutes_post(request, meeting, record)


@login_required
@require_POST
def minutes_action(request, meeting: int):
    def record(meeting):
        invitations = queries.invitations_for_organiser(meeting=meeting)
        people = [(str(i.person_id), i.person.email) for i in invitations]
        form = ActionItemForm(request.POST, people=people, groups=list(meeting.groups.all()))
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        chosen = form.cleaned_data["assignee"]
        assignee = next((i.person for i in invitations if str(i.person_id) == chosen), None)
        minutes_services.action_item_add(
            meeting=meeting,
            acting=request.user,
            what=form.cleaned_data["what"],
            assignee=assignee,
            due_on=form.cleaned_data["due_on"],
            group=_group_of(meeting, form.cleaned_data.get("group", "")),
        )

    return _minutes_post(request, meeting, record)


@login_required
@require_POST
def minutes_action_delete(request, meeting: int, item: int):
    def delete(meeting):
        found = meeting.action_items.filter(pk=item).first()
        if found is None:
            raise Http404
        minutes_services.action_item_delete(item=found, acting=request.user)

    return _minutes_post(request, meeting, delete)


@login_required
@require_POST
def minutes_taker(request, meeting: int):
    def name(meeting):
        chosen = request.POST.get("taker", "")
        person = next(
            (
                i.person
                for i in queries.invitations_for_organiser(meeting=meeting)
                if str(i.person_id) == chosen
            ),
            None,
        )
        if chosen and person is None:
            raise ValidationError(_("Choose someone asked to the meeting."))
        minutes_services.minutes_name_taker(meeting=meeting, acting=request.user, person=person)

    return _minutes_post(request, meeting, name)


@login_required
@require_POST
def minutes_publish(request, meeting: int):
    meeting = _minutes_meeting(request, meeting)
    if not can(request.user, "meetings.manage_meeting", meeting):
        raise PermissionDenied("meetings.manage_meeting")
    try:
        minutes_services.minutes_publish(meeting=meeting, acting=request.user)
    except (ValidationError, StateConflict) as error:
        messages.error(
            request, " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        )
        return _back_to_minutes(meeting)
    messages.success(request, _("The minutes are published; the action items are tasks of the work plan."))
    return HttpResponseRedirect(reverse("meetings:detail", args=[meeting.pk]))


# --- The agenda -----------------------------------------------------------------------------------


def _agenda_meeting(request, meeting_id: int):
    meeting = queries.meeting_for_viewer(viewer=request.user, meeting_id=meeting_id)
    if not can(request.user, "meetings.manage_meeting", meeting):
        raise PermissionDenied("meetings.manage_meeting")
    return meeting


@login_required
@require_http_methods(["GET", "POST"])
def agenda_edit(request, meeting: int):
    meeting = _agenda_meeting(request, meeting)
    invitations = queries.invitations_for_organiser(meeting=meeting)
    people = [(str(i.person_id), i.person.profile.name or i.person.email) for i in invitations]
    form = AgendaItemForm(request.POST or None, request.FILES or None, people=people)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["presenter"]
        try:
            agenda_services.agenda_item_add(
                meeting=meeting,
                acting=request.user,
                title=form.cleaned_data["title"],
                presenter=next((i.person for i in invitations if str(i.person_id) == chosen), None),
                minutes_allotted=form.cleaned_data["minutes_allotted"],
                notes=form.cleaned_data["notes"],
                document=form.cleaned_data["document"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The item is on the agenda."))
            return HttpResponseRedirect(reverse("meetings:agenda", args=[meeting.pk]))
    return render(
        request,
        "meetings/agenda.html",
        {"meeting": meeting, "form": form, "items": queries.agenda(meeting=meeting)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def agenda_template(request, meeting: int):
    meeting = _agenda_meeting(request, meeting)
    try:
        agenda_services.agenda_from_template(meeting=meeting, acting=request.user)
    except StateConflict as error:
        messages.error(request, str(error))
    return HttpResponseRedirect(reverse("meetings:agenda", args=[meeting.pk]))


@login_required
@require_POST
def agenda_item_change(request, meeting: int, item: int):
    """Move an item up or down, or remove it (``action`` in the form)."""
    meeting = _agenda_meeting(request, meeting)
    found = meeting.agenda.filter(pk=item).first()
    if found is None:
        raise Http404
    action = request.POST.get("action")
    if action == "delete":
        agenda_services.agenda_item_delete(item=found, acting=request.user)
    elif action in ("up", "down"):
        agenda_services.agenda_item_move(item=found, acting=request.user, up=action == "up")
    else:
        messages.error(request, _("Choose up, down or remove."))
    return HttpResponseRedirect(reverse("meetings:agenda", args=[meeting.pk]))
