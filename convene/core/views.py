from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from convene.core import queries
from convene.core.rules import ensure
from convene.core.timezones import canonical_time_zone

ONE_YEAR = 365 * 24 * 3600


def server_error(request, template_name: str = "500.html"):
    """The 500 page, styled like the site but rendered without the request or the database.

    Whatever failed (the database, a context processor, the session) must not fail again here: the
    template gets only the network's name from the settings, no context processors run.
    """
    template = loader.get_template(template_name)
    return HttpResponseServerError(template.render({"network_name": settings.CONVENE_NETWORK_NAME}))


@require_GET
def floor(request):
    """The cheapest page through the whole middleware stack: the floor in every benchmark."""
    return HttpResponse("ok", content_type="text/plain")


def safe_next(request) -> str:
    """Where to go back to after a switcher's form: the page it was posted from, if it is ours."""
    target = request.POST.get("next") or request.headers.get("referer") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return "/"
    return target


@require_POST
def set_time_zone(request):
    """A visitor's time zone, kept in a cookie (members choose theirs in the profile)."""
    # An alias (a browser may still send "Asia/Calcutta") is kept as the zone it stands for.
    name = canonical_time_zone(request.POST.get("time_zone", "")[:64])
    response = HttpResponseRedirect(safe_next(request))
    if name:
        response.set_cookie("convene_tz", name, max_age=ONE_YEAR, samesite="Lax", secure=request.is_secure())
    return response


@login_required
@require_GET
def audit(request, app_label: str, model_name: str, pk: int):
    """Who changed one record, what and when: every version, newest first, with what changed."""
    ensure(request.user, "core.read_audit")
    model = queries.audited_model(app_label, model_name)
    if model is None:
        raise Http404("no such record keeps a history")
    trail = queries.audit_trail(model=model, pk=pk, page_number=request.GET.get("page"))
    if trail is None:
        raise Http404("no such record")
    return render(request, "core/audit.html", {"trail": trail, "page": trail.page})
