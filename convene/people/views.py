from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convene.core import privacy
from convene.core.exports import csv_response, xlsx_response
from convene.core.pagination import CappedPaginator
from convene.core.rules import can, ensure
from convene.core.views import ONE_YEAR, safe_next

from . import queries, services
from .forms import AccountEraseForm, ApiTokenForm, DirectorySearchForm, OrganisationForm, ProfileForm
from .models import ApiToken, Organisation, Person
from .profile_sections import sections_for

PAGE_SIZE = 20


def _directory_filters(request) -> tuple[DirectorySearchForm, queries.DirectoryFilters]:
    form = DirectorySearchForm(request.GET or None, choices=queries.directory_filter_choices())
    if form.is_bound and form.is_valid():
        data = {k: v or "" for k, v in form.cleaned_data.items()}
        return form, queries.DirectoryFilters(**data)
    return form, queries.DirectoryFilters()


@require_GET
def directory(request):
    """The member directory: the whole page, or only the results when HTMX asks (STYLE §4)."""
    form, filters = _directory_filters(request)
    page = CappedPaginator(
        queries.directory_search(viewer=request.user, filters=filters), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query_string": query_string.urlencode(),
        "can_export": can(request.user, "people.export_directory"),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "people/_directory_results.html", context)
    return render(request, "people/directory.html", context)


@require_GET
def profile_detail(request, person_id: int):
    profile = queries.profile_for_viewer(viewer=request.user, person_id=person_id)
    return render(
        request,
        "people/profile_detail.html",
        {
            "profile": profile,
            "show_email": queries.email_visible(viewer=request.user, profile=profile),
            "is_own": request.user.is_authenticated and request.user.pk == profile.person_id,
            "can_erase": request.user.is_authenticated
            and request.user.pk != profile.person_id
            and not profile.person.is_erased
            and can(request.user, "people.erase_account", profile.person),
            "sections": sections_for(viewer=request.user, profile=profile),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    person = request.user
    profile = services.profile_ensure(person=person)
    form = ProfileForm(request.POST or None, instance=profile, person=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            organisation = data["organisation"]
            if organisation is not None and organisation.pk is None:
                organisation = services.organisation_propose(name=organisation.name, acting=person)
            was_member = profile.membership_status
            profile = services.profile_update(
                person=person,
                acting=person,
                name=data["name"],
                country=data["country"],
                organisation=organisation,
                job_title=data["job_title"],
                sector=data["sector"],
                bio=data["bio"],
                profile_visibility=data["profile_visibility"],
                email_visibility=data["email_visibility"],
                languages=data["languages"],
                topics=data["topics"],
                time_zone=data["time_zone"],
                language=data["language"],
            )
        if was_member != profile.membership_status and profile.membership_status == "active":
            messages.success(request, _("Welcome to the network. Your profile is saved."))
        elif was_member != profile.membership_status and profile.membership_status == "pending":
            messages.info(request, _("Your profile is saved. The secretariat will approve your membership."))
        else:
            messages.success(request, _("Your profile is saved."))
        return redirect("people:profile_edit")
    return render(request, "people/profile_edit.html", {"form": form, "profile": profile})


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    form = ApiTokenForm(request.POST or None, person=request.user)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = services.api_token_create(person=request.user, name=form.cleaned_data["name"])
        form = ApiTokenForm(person=request.user)
    tokens = ApiToken.objects.filter(person=request.user, revoked_at__isnull=True)
    return render(request, "people/api_tokens.html", {"form": form, "tokens": tokens, "new_key": new_key})


@login_required
@require_POST
def api_token_revoke(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, person=request.user)
    services.api_token_revoke(token=token, acting=request.user)
    messages.success(request, _("The token is revoked."))
    return redirect("people:api_tokens")


# --- Your data and erasure (people/privacy.py) ----------------------------------------------------


@login_required
@require_GET
def privacy_overview(request):
    """What Convene holds about the viewer, by kind of record, and what erasure would do to it."""
    return render(request, "people/privacy.html", {"summary": privacy.privacy_summary(request.user)})


def zip_response(data: bytes, *, person) -> HttpResponse:
    response = HttpResponse(data, content_type="application/zip")
    filename = f"convene-data-{person.pk}-{timezone.now():%Y%m%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
@reauthentication_required
def privacy_download(request):
    """The archive: everything, including the login record, so the password is asked again first."""
    return zip_response(privacy.privacy_export(request.user), person=request.user)


@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required
def account_erase(request):
    return _erase_page(request, request.user)


@login_required
@require_http_methods(["GET", "POST"])
def member_erase(request, person_id: int):
    """The secretariat erases an account on its owner's request. The rule comes before the lookup (no
    telling a member which ids exist) and before the password."""
    if person_id == request.user.pk:
        return redirect("people:account_erase")
    # Without an account to compare with, ``is_self`` is false: only the secretariat passes.
    ensure(request.user, "people.erase_account")
    person = get_object_or_404(Person, pk=person_id)
    return _member_erase_reauthenticated(request, person)


@reauthentication_required
def _member_erase_reauthenticated(request, person: Person):
    return _erase_page(request, person)


def _erase_page(request, person: Person):
    own = person.pk == request.user.pk
    refusal = privacy.erasure_refusal(person=person, acting=request.user)
    form = AccountEraseForm(request.POST or None, person=person, own=own)
    if request.method == "POST" and refusal is None and not person.is_erased and form.is_valid():
        try:
            services.account_erase(person=person, acting=request.user)
        except ValidationError as error:
            # Refused between the page and the click (the secretariat changed meanwhile).
            refusal = " ".join(error.messages)
        else:
            if own:
                logout(request)
                messages.success(
                    request, _("Your account is erased. Thank you for what you gave the network.")
                )
                return redirect("home")
            messages.success(
                request, _("The account is erased. Its contributions now show as “Former member”.")
            )
            return redirect("people:directory")
    context = {"person": person, "own": own, "refusal": refusal, "form": form}
    return render(request, "people/account_erase.html", context)


# --- The secretariat's pages ---------------------------------------------------------------------


@login_required
@require_GET
def pending_members(request):
    ensure(request.user, "people.approve_members")
    return render(request, "people/pending_members.html", {"pending": queries.pending_members()[:200]})


@login_required
@require_POST
def pending_members_approve(request):
    """Approve every applicant ticked on the list, in one go (works without JavaScript)."""
    ensure(request.user, "people.approve_members")
    ids = [value for value in request.POST.getlist("person") if value.isdigit() and len(value) < 12]
    try:
        approved = services.memberships_approve(person_ids=[int(v) for v in ids], acting=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext("%(n)s person is now a member.", "%(n)s people are now members.", len(approved))
            % {"n": len(approved)},
        )
    return redirect("people:pending_members")


@login_required
@require_POST
def membership_decide(request, person_id: int):
    ensure(request.user, "people.approve_members")
    person = get_object_or_404(Person, pk=person_id)
    decision = request.POST.get("decision")
    if decision == "approve":
        services.membership_approve(person=person, acting=request.user)
        messages.success(request, _("%(name)s is now a member.") % {"name": person.display_name})
    elif decision == "decline":
        services.membership_decline(person=person, acting=request.user)
        messages.info(request, _("%(name)s was declined.") % {"name": person.display_name})
    else:
        messages.error(request, _("Choose approve or decline."))
    return redirect("people:pending_members")


@login_required
@require_GET
def organisation_list(request):
    ensure(request.user, "people.manage_organisations")
    q = request.GET.get("q", "").strip()
    organisations = queries.organisations_with_counts(q=q)
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    return render(request, "people/organisation_list.html", {"page": page, "q": q})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, organisation_id: int | None = None):
    ensure(request.user, "people.manage_organisations")
    organisation = get_object_or_404(Organisation, pk=organisation_id) if organisation_id else None
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.organisation_save(acting=request.user, organisation=organisation, **form.cleaned_data)
        messages.success(request, _("The organisation is saved."))
        return redirect("people:organisation_list")
    return render(request, "people/organisation_form.html", {"form": form, "organisation": organisation})


@login_required
@require_GET
def directory_export(request, fmt: str):
    """The directory as the viewer may see it, with the same filters, as CSV or XLSX."""
    ensure(request.user, "people.export_directory")
    _form, filters = _directory_filters(request)
    rows = queries.directory_export_rows(viewer=request.user, filters=filters)
    headers = queries.DIRECTORY_EXPORT_HEADERS
    if fmt == "xlsx":
        return xlsx_response(filename="convene-directory", sheet=_("Directory"), headers=headers, rows=rows)
    if fmt == "csv":
        return csv_response(filename="convene-directory", headers=headers, rows=rows)
    raise Http404


@require_GET
def figures(request):
    """The network's size, spread and growth, as numbers, a chart and tables (open to everyone)."""
    from convene.core.charts import bar_line_chart

    data = queries.network_figures()
    chart = bar_line_chart(
        title=_("Growth of the network"),
        description=_("Members who joined each year, and members in all at the end of each year."),
        labels=[str(year) for year, _joined, _total in data.growth],
        bars=[joined for _year, joined, _total in data.growth],
        line=[total for _year, _joined, total in data.growth],
        bar_label=_("Joined"),
        line_label=_("Members in all"),
    )
    return render(request, "people/figures.html", {"figures": data, "chart": chart})


@require_POST
def set_language(request):
    """The language switcher: a plain form, so it works without JavaScript.

    A logged-in person's choice is kept on their account; a visitor's in a cookie.
    """
    code = request.POST.get("language", "")
    response = HttpResponseRedirect(safe_next(request))
    if code not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        services.person_set_language(person=request.user, language=code)
    translation.activate(code)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code, max_age=ONE_YEAR, samesite="Lax", secure=request.is_secure()
    )
    return response
