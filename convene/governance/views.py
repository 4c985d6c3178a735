from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from convene.core.rules import can, ensure

from . import queries, services
from .forms import TermForm
from .models import Term


@login_required
@require_GET
def roles(request):
    """Who sits on the secretariat, the steering committee and the ambassadors' cohort today."""
    ensure(request.user, "governance.view_roles")
    can_manage = can(request.user, "governance.manage_roles")
    return render(
        request,
        "governance/roles.html",
        {
            "terms": queries.current_terms(),
            "past_terms": queries.past_terms() if can_manage else [],
            "can_manage": can_manage,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def term_create(request):
    ensure(request.user, "governance.manage_roles")
    form = TermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.term_assign(
                person=form.person,
                body=data["body"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                title=data["title"],
                cohort=data["cohort"],
                acting=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The role is recorded."))
            return redirect("governance:roles")
    return render(request, "governance/term_form.html", {"form": form})


@login_required
@require_POST
def term_end(request, term_id: int):
    ensure(request.user, "governance.manage_roles")
    term = get_object_or_404(Term, pk=term_id)
    try:
        services.term_end(term=term, acting=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The term has ended."))
    return redirect("governance:roles")


@login_required
@require_GET
def decisions(request):
    """The decision log: what the steering committee decided, when, and with what effect."""
    ensure(request.user, "governance.view_roles")
    from convene.groups.models import Group
    from convene.groups.queries import decision_log

    decisions = list(decision_log())
    # A decision about a proposal the viewer may not open is listed without a link to it.
    linkable = set(
        Group.objects.visible_to(request.user)
        .filter(pk__in={d.group_id for d in decisions if d.group_id})
        .values_list("pk", flat=True)
    )
    return render(request, "governance/decisions.html", {"decisions": decisions, "linkable": linkable})
