"""Pages of bulk mail: the secretariat composes an announcement, sees who it reaches, tests, sends and
watches it; keeps the suppression list. Members choose their lists; anyone with a link unsubscribes."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convene.core.rules import ensure

from . import queries, services
from .compose import render_announcement
from .forms import AnnouncementForm, ListsForm
from .models import Mailing, MailingState, Suppression
from .tokens import read_unsubscribe_token


@login_required
@require_GET
def mailing_index(request):
    ensure(request.user, "mailing.send")
    return render(request, "mailing/index.html", {"mailings": queries.mailing_list()})


@login_required
@require_http_methods(["GET", "POST"])
def announcement_new(request):
    ensure(request.user, "mailing.send")
    form = AnnouncementForm(request.POST or None, initial={"default_language": request.LANGUAGE_CODE})
    count = None
    if request.method == "POST" and form.is_valid():
        if "count" in request.POST:
            count = queries.count_recipients(form.segment(), form.cleaned_data["purpose"])
        else:
            data = form.cleaned_data
            editions = {
                code: render_announcement(data[f"subject_{code}"], data[f"body_{code}"], code)
                for code in form.languages_written()
            }
            try:
                mailing = services.create_mailing(
                    purpose=data["purpose"],
                    title=data["title"],
                    segment=form.segment(),
                    editions=editions,
                    default_language=data["default_language"],
                    created_by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return HttpResponseRedirect(reverse("mailing:detail", args=[mailing.pk]))
    return render(request, "mailing/announcement_new.html", {"form": form, "count": count})


def _mailing(request, mailing_id: int) -> Mailing:
    ensure(request.user, "mailing.send")
    return get_object_or_404(queries.mailings(), pk=mailing_id)


@login_required
@require_GET
def mailing_detail(request, mailing: int):
    mailing = _mailing(request, mailing)
    context = {"mailing": mailing, "languages": dict(settings.LANGUAGES)}
    if mailing.state == MailingState.DRAFT:
        context["count"] = queries.count_recipients(mailing.segment, mailing.purpose)
    else:
        context["progress"] = queries.progress(mailing)
    template = (
        "mailing/_progress.html"
        if request.htmx and mailing.state != MailingState.DRAFT
        else "mailing/detail.html"
    )
    return render(request, template, context)


def _act(request, mailing_id: int, action, done: str):
    mailing = _mailing(request, mailing_id)
    try:
        action(mailing, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return HttpResponseRedirect(reverse("mailing:detail", args=[mailing.pk]))


@login_required
@require_POST
def mailing_test(request, mailing: int):
    return _act(request, mailing, services.send_test, _("A test of every edition went to your address."))


@login_required
@require_POST
def mailing_start(request, mailing: int):
    return _act(request, mailing, services.start, _("Sending has started."))


@login_required
@require_POST
def mailing_pause(request, mailing: int):
    return _act(request, mailing, services.pause, _("Sending is paused."))


@login_required
@require_POST
def mailing_resume(request, mailing: int):
    return _act(request, mailing, services.resume, _("Sending goes on."))


@login_required
@require_GET
def suppression_list(request):
    ensure(request.user, "mailing.manage_suppressions")
    return render(request, "mailing/suppressions.html", {"suppressions": list(queries.suppressions()[:500])})


@login_required
@require_POST
def suppression_lift(request, suppression: int):
    ensure(request.user, "mailing.manage_suppressions")
    row = get_object_or_404(Suppression, pk=suppression)
    try:
        services.suppression_lift(suppression=row, acting=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Bulk mail goes to %(email)s again.") % {"email": row.email})
    return HttpResponseRedirect(reverse("mailing:suppressions"))


@login_required
@require_http_methods(["GET", "POST"])
def my_lists(request):
    ensure(request.user, "mailing.choose_lists")
    current = queries.subscribed_lists(request.user)
    form = ListsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        for list_name, subscribed in form.cleaned_data.items():
            if subscribed != current[list_name]:
                services.list_choice_set(
                    person=request.user, acting=request.user, list_name=list_name, subscribed=subscribed
                )
        messages.success(request, _("Your choices are saved."))
        return HttpResponseRedirect(reverse("mailing:lists"))
    return render(
        request,
        "mailing/lists.html",
        {"form": form, "suppression": queries.is_suppressed(request.user.email)},
    )


@csrf_exempt  # RFC 8058: the mail program POSTs with no cookie and no CSRF token; the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    found = read_unsubscribe_token(token)
    if found is None:
        return render(request, "mailing/unsubscribe.html", {"invalid": True}, status=404)
    person_id, list_name, delivery_id = found
    if request.method == "POST":
        done = services.unsubscribe_by_token(
            person_id=person_id, list_name=list_name, delivery_id=delivery_id
        )
        if not done:
            return render(request, "mailing/unsubscribe.html", {"invalid": True}, status=404)
        return render(request, "mailing/unsubscribe.html", {"done": True})
    return render(request, "mailing/unsubscribe.html", {"token": token})
