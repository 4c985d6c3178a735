"""Joining and leaving, members, invitations, current activities, discussion threads, unsubscribe and
the inbox. Thin (STYLE §1, §2): rules decide, services write, queries read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_countries import countries

from convene.core.exports import csv_response, xlsx_response
from convene.core.markdown import render_markdown
from convene.core.rules import can, ensure

from . import queries, services, tokens
from .membership_forms import (
    ActivityForm,
    InviteSearchForm,
    JoinForm,
    NotifyForm,
    ReplyForm,
    RoleForm,
    ThreadForm,
)
from .models import Activity, GroupMembership, MembershipStatus, Notify

MEMBERS_PAGE_SIZE = 100
THREADS_PAGE_SIZE = 30
POSTS_PAGE_SIZE = 100
ACTIVITIES_LIMIT = 1000


def _group(request, slug: str):
    return queries.group_for_viewer(viewer=request.user, slug=slug)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _next_or(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- Joining and leaving ---------------------------------------------------------------------------


def _join_box(request, group, text: str, level: str):
    """After a join or leave: the whole detail page again, or only the button's box for HTMX."""
    if request.htmx:
        membership = queries.viewer_membership(viewer=request.user, group=group)
        return render(
            request,
            "groups/members_join_box.html",
            {
                "group": group,
                "membership": membership,
                "can_join": can(request.user, "groups.join", group),
                "box_message": text,
                "box_level": level,
            },
        )
    getattr(messages, level)(request, text)
    return redirect("groups:detail", group.slug)


@login_required
@require_POST
def join(request, slug: str):
    group = _group(request, slug)
    form = JoinForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        membership = services.membership_join(group=group, acting=request.user, note=note)
    except ValidationError as error:
        return _join_box(request, group, _error_text(error), "error")
    if membership.status == MembershipStatus.REQUESTED:
        text = _("You asked to join. The co-chairs will answer by e-mail.")
    else:
        text = _("Welcome to %(group)s.") % {"group": group.name}
    return _join_box(request, group, text, "success")


@login_required
@require_POST
def leave(request, slug: str):
    group = _group(request, slug)
    try:
        membership = services.membership_leave(group=group, acting=request.user)
    except ValidationError as error:
        return _join_box(request, group, _error_text(error), "error")
    if membership.status == MembershipStatus.LEFT and membership.left_on is None:
        text = _("Your request or invitation is withdrawn.")
    else:
        text = _("You have left %(group)s.") % {"group": group.name}
    return _join_box(request, group, text, "info")


@login_required
@require_POST
def notify(request, slug: str):
    group = _group(request, slug)
    membership = queries.viewer_membership(viewer=request.user, group=group)
    form = NotifyForm(request.POST)
    if membership is None or membership.status != MembershipStatus.ACTIVE:
        messages.error(request, _("You are not a member of this group."))
    elif not form.is_valid():
        messages.error(request, _("Choose how you want to hear from this group."))
    else:
        services.membership_set_notify(
            membership=membership, notify=form.cleaned_data["notify"], acting=request.user
        )
        messages.success(
            request,
            _("Saved: %(choice)s from %(group)s.")
            % {"choice": Notify(form.cleaned_data["notify"]).label, "group": group.name},
        )
    return HttpResponseRedirect(_next_or(request, reverse("groups:detail", args=[group.slug])))


# --- Members and invitations -----------------------------------------------------------------------


@require_GET
def members(request, slug: str):
    group = _group(request, slug)
    ensure(request.user, "groups.view_members", group)
    can_manage = can(request.user, "groups.manage_members", group)
    page = Paginator(queries.group_members(group=group), MEMBERS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "group": group,
        "page": page,
        "can_manage": can_manage,
        "viewer_membership": queries.viewer_membership(viewer=request.user, group=group),
        "notify_choices": Notify.choices,
    }
    if can_manage:
        waiting = list(queries.group_requests(group=group))
        search = InviteSearchForm(request.GET or None)
        candidates = None
        if (
            search.is_bound
            and search.is_valid()
            and (search.cleaned_data["q"] or search.cleaned_data["country"])
        ):
            candidates = list(
                queries.invitable_people(
                    group=group,
                    viewer=request.user,
                    q=search.cleaned_data["q"],
                    country=search.cleaned_data["country"],
                )
            )
        context.update(
            requests=[m for m in waiting if m.status == MembershipStatus.REQUESTED],
            invitations=[m for m in waiting if m.status == MembershipStatus.INVITED],
            history=list(queries.membership_history(group=group)),
            search=search,
            candidates=candidates,
            role_form=RoleForm(),
        )
    return render(request, "groups/members.html", context)


_ACTIONS = {"approve", "decline", "role", "remove"}


@login_required
@require_POST
def membership_action(request, slug: str, membership_id: int, action: str):
    group = _group(request, slug)
    if action not in _ACTIONS:
        raise Http404
    ensure(request.user, "groups.manage_members", group)
    membership = get_object_or_404(
        GroupMembership.objects.select_related("group", "person__profile"), pk=membership_id, group=group
    )
    name = membership.person.display_name
    try:
        if action in ("approve", "decline"):
            services.membership_request_decide(
                membership=membership, acting=request.user, approve=action == "approve"
            )
            text = (
                _("%(name)s is now a member.")
                if action == "approve"
                else _("The request of %(name)s is declined.")
            ) % {"name": name}
        elif action == "role":
            form = RoleForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose coordinator, member or observer."))
            services.membership_set_role(
                membership=membership, role=form.cleaned_data["role"], acting=request.user
            )
            text = _("The role of %(name)s is saved.") % {"name": name}
        else:
            services.membership_remove(membership=membership, acting=request.user)
            text = _("%(name)s is no longer in the group.") % {"name": name}
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, text)
    return redirect("groups:members", group.slug)


@login_required
@require_POST
def invite(request, slug: str):
    group = _group(request, slug)
    ensure(request.user, "groups.manage_members", group)
    try:
        person_id = int(request.POST.get("person_id", ""))
    except ValueError:
        person_id = 0
    person = queries.invitable_person(group=group, viewer=request.user, person_id=person_id)
    if person is None:
        messages.error(request, _("Choose a member of the network to invite."))
        return redirect("groups:members", group.slug)
    try:
        services.membership_invite(group=group, person=person, acting=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, _("%(name)s is invited and will hear by e-mail.") % {"name": person.display_name}
        )
    return redirect("groups:members", group.slug)


@login_required
@require_POST
def invitation_answer(request, slug: str, answer: str):
    if answer not in ("accept", "decline"):
        raise Http404
    group = _group(request, slug)
    membership = queries.viewer_membership(viewer=request.user, group=group)
    if membership is None or membership.status != MembershipStatus.INVITED:
        messages.error(request, _("There is no invitation to answer."))
        return HttpResponseRedirect(_next_or(request, reverse("groups:detail", args=[group.slug])))
    try:
        services.invitation_answer(membership=membership, acting=request.user, accept=answer == "accept")
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        if answer == "accept":
            messages.success(request, _("Welcome to %(group)s.") % {"group": group.name})
        else:
            messages.info(request, _("You declined the invitation to %(group)s.") % {"group": group.name})
    return HttpResponseRedirect(_next_or(request, reverse("groups:detail", args=[group.slug])))


# --- Current activities ------------------------------------------------------------------------------


@require_GET
def activities(request, slug: str):
    group = _group(request, slug)
    ensure(request.user, "groups.view_members", group)
    rows = list(queries.group_activities(group=group)[: ACTIVITIES_LIMIT + 1])
    truncated = len(rows) > ACTIVITIES_LIMIT
    rows = rows[:ACTIVITIES_LIMIT]
    for activity in rows:  # the column is a plain code; its name is looked up here, not in a query
        activity.country_name = countries.name(activity.country) if activity.country else ""
    return render(
        request,
        "groups/activities.html",
        {
            "group": group,
            "activities": rows,
            "truncated": truncated,
            "counts": queries.activity_counts(rows),
            "can_record": can(request.user, "groups.record_activity", group),
        },
    )


def _activity_rows(activities):
    for activity in activities:
        profile = activity.person.profile
        yield [
            profile.name,
            profile.country.name if profile.country else "",
            profile.get_sector_display() if profile.sector else "",
            activity.what,
            countries.name(activity.country) if activity.country else "",
            activity.place,
            activity.organisation.name if activity.organisation else "",
            activity.since.isoformat() if activity.since else "",
        ]


@require_GET
def activities_export(request, slug: str, fmt: str):
    group = _group(request, slug)
    ensure(request.user, "groups.view_members", group)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    headers = [
        _("Name"),
        _("Country"),
        _("Sector"),
        _("What"),
        _("Where (country)"),
        _("Where (place)"),
        _("Organisation"),
        _("Since"),
    ]
    rows = _activity_rows(queries.group_activities(group=group).iterator(chunk_size=2000))
    filename = f"{group.slug}-activities"
    if fmt == "xlsx":
        return xlsx_response(filename=filename, sheet=_("Current activities"), headers=headers, rows=rows)
    return csv_response(filename=filename, headers=headers, rows=rows)


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, slug: str, activity_id: int | None = None):
    group = _group(request, slug)
    ensure(request.user, "groups.record_activity", group)
    activity = None
    if activity_id is not None:
        activity = get_object_or_404(Activity, pk=activity_id, group=group)
        if activity.person_id != request.user.pk:
            raise PermissionDenied("groups.record_activity")
    own_organisation = getattr(getattr(request.user, "profile", None), "organisation_id", None)
    initial = {"organisation": own_organisation}
    if activity is not None:
        initial = {f: getattr(activity, f) for f in ("what", "country", "place", "since")}
        initial["organisation"] = activity.organisation_id
    form = ActivityForm(
        request.POST or None,
        initial=initial,
        organisation_ids=[own_organisation, activity.organisation_id if activity else None],
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_save(group=group, acting=request.user, activity=activity, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your activity is saved."))
            return redirect("groups:activities", group.slug)
    return render(request, "groups/activity_form.html", {"group": group, "form": form, "activity": activity})


@login_required
@require_POST
def activity_delete(request, slug: str, activity_id: int):
    group = _group(request, slug)
    activity = get_object_or_404(Activity.objects.select_related("group"), pk=activity_id, group=group)
    try:
        services.activity_delete(activity=activity, acting=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The activity is deleted."))
    return redirect("groups:activities", group.slug)


# --- Discussion threads ------------------------------------------------------------------------------


@login_required
@require_GET
def threads(request, slug: str):
    group = _group(request, slug)
    ensure(request.user, "groups.read_threads", group)
    page = Paginator(queries.group_threads(group=group), THREADS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "groups/threads.html",
        {"group": group, "page": page, "can_post": can(request.user, "groups.post", group)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def thread_create(request, slug: str):
    group = _group(request, slug)
    ensure(request.user, "groups.post", group)
    can_announce = can(request.user, "groups.announce", group)
    form = ThreadForm(request.POST or None)
    if not can_announce:
        del form.fields["is_announcement"]
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_start(
                group=group,
                acting=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                is_announcement=form.cleaned_data.get("is_announcement", False),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your thread is started. Members will hear of it."))
            return redirect("groups:thread", group.slug, thread.pk)
    return render(request, "groups/thread_form.html", {"group": group, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def thread(request, slug: str, thread_id: int):
    group = _group(request, slug)
    ensure(request.user, "groups.read_threads", group)
    thread = queries.thread_for_viewer(group=group, thread_id=thread_id)
    can_post = can(request.user, "groups.post", group)
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        ensure(request.user, "groups.post", group)
        if form.is_valid():
            try:
                post = services.post_reply(thread=thread, acting=request.user, body=form.cleaned_data["body"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your reply is posted."))
                url = reverse("groups:thread", args=[group.slug, thread.pk])
                return HttpResponseRedirect(f"{url}?page=last#post-{post.pk}")
    paginator = Paginator(queries.thread_posts(thread=thread), POSTS_PAGE_SIZE)
    page = paginator.get_page(
        paginator.num_pages if request.GET.get("page") == "last" else request.GET.get("page")
    )
    thread.group = group
    posts = []
    for post in page.object_list:
        post.thread = thread  # the rules about a post read its group: no query per post
        changed = bool(post.edited_at or post.deleted_at)
        posts.append(
            (
                post,
                "" if post.deleted_at else render_markdown(post.body),
                can(request.user, "groups.edit_post", post),
                changed and can(request.user, "groups.read_post_history", post),
            )
        )
    services.deliveries_mark_read(person=request.user, thread=thread)
    return render(
        request,
        "groups/thread.html",
        {"group": group, "thread": thread, "page": page, "posts": posts, "form": form, "can_post": can_post},
    )


# --- Unsubscribe and the inbox ---------------------------------------------------------------------


@csrf_exempt  # RFC 8058 one-click: mail programs POST without a CSRF token; the signed token authenticates.
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    membership_id = tokens.unsubscribe_membership_id(token)
    membership = (
        GroupMembership.objects.select_related("group", "person").filter(pk=membership_id).first()
        if membership_id
        else None
    )
    if membership is None:
        return render(request, "groups/unsubscribe_invalid.html", status=400)
    done = False
    if request.method == "POST":
        services.membership_set_notify(membership=membership, notify=Notify.NONE, acting=membership.person)
        done = True
    return render(
        request,
        "groups/unsubscribe.html",
        {"group": membership.group, "membership": membership, "done": done, "token": token},
    )


@login_required
@require_GET
def inbox(request):
    mine = list(queries.my_groups(person=request.user))
    return render(
        request,
        "groups/inbox.html",
        {
            "active": [m for m in mine if m.status == MembershipStatus.ACTIVE],
            "requested": [m for m in mine if m.status == MembershipStatus.REQUESTED],
            "invitations": [m for m in mine if m.status == MembershipStatus.INVITED],
            "unread": list(queries.unread_for(person=request.user)),
            "notify_choices": Notify.choices,
        },
    )
