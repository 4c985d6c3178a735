from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Decision, Term


@admin.register(Term)
class TermAdmin(SimpleHistoryAdmin):
    list_display = ["person", "body", "title", "cohort", "starts_on", "ends_on"]
    list_filter = ["body", "cohort"]
    list_select_related = ["person"]
    search_fields = ["person__email", "person__profile__name"]
    autocomplete_fields = ["person"]
    date_hierarchy = "starts_on"


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["decided_on", "title_shown", "outcome", "effect", "group", "recorded_by", "on_behalf"]
    list_filter = ["outcome", "effect", "on_behalf"]
    list_select_related = ["group", "recorded_by__profile"]
    search_fields = ["title", "text", "group__name"]
    autocomplete_fields = ["group", "recorded_by"]
    date_hierarchy = "decided_on"
    readonly_fields = ["title_kind", "title_params"]

    @admin.display(description=_("title"))
    def title_shown(self, decision: Decision) -> str:
        return decision.localized_title
