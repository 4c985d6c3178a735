from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Term


@admin.register(Term)
class TermAdmin(SimpleHistoryAdmin):
    list_display = ["person", "body", "title", "cohort", "starts_on", "ends_on"]
    list_filter = ["body", "cohort"]
    list_select_related = ["person"]
    search_fields = ["person__email", "person__profile__name"]
    autocomplete_fields = ["person"]
    date_hierarchy = "starts_on"
