"""The back office for groups. Kinds of group are configuration and edited here; the life of a group
(launch, co-chairs, closing) goes through the pages, which record the committee's decisions."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from convene.core.i18n import translations_form

from .models import CochairTerm, Group, GroupKind, GroupMembership, Thread


@admin.register(GroupKind)
class GroupKindAdmin(admin.ModelAdmin):
    form = translations_form(name="name_translations", lead_title="lead_title_translations")
    exclude = ["name_translations", "lead_title_translations"]
    list_display = [
        "name",
        "slug",
        "cochairs_required",
        "lead_title",
        "workplan_due_days",
        "default_max_size",
        "update_months",
    ]
    list_editable = [
        "cochairs_required",
        "lead_title",
        "workplan_due_days",
        "default_max_size",
        "update_months",
    ]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class CochairTermInline(admin.TabularInline):
    model = CochairTerm
    fk_name = "group"
    extra = 0
    fields = ["person", "starts_on", "ends_on", "appointed_by", "ended_by"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # co-chairs are appointed by a recorded decision, on the group's co-chairs page


@admin.register(Group)
class GroupAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "kind",
        "status",
        "launched_on",
        "workplan_due_on",
        "workplan_received_on",
        "visibility",
        "join_policy",
    ]
    list_filter = ["status", "kind", "visibility", "join_policy", "working_language"]
    list_select_related = ["kind"]
    search_fields = ["name", "slug", "purpose"]
    date_hierarchy = "launched_on"
    autocomplete_fields = ["proposed_by", "suggested_cochairs"]
    filter_horizontal = ["topics"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [CochairTermInline]


@admin.register(GroupMembership)
class GroupMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["person", "group", "role", "status", "joined_on", "left_on", "notify"]
    list_filter = ["status", "role", "notify", "group__kind"]
    list_select_related = ["person__profile", "group"]
    search_fields = ["person__email", "person__profile__name", "group__name"]
    autocomplete_fields = ["person", "group", "invited_by"]


@admin.register(CochairTerm)
class CochairTermAdmin(SimpleHistoryAdmin):
    list_display = ["person", "group", "starts_on", "ends_on"]
    list_filter = ["group__kind"]
    list_select_related = ["person__profile", "group"]
    search_fields = ["person__email", "person__profile__name", "group__name"]
    autocomplete_fields = ["person", "group", "appointed_by", "ended_by"]
    date_hierarchy = "starts_on"


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "is_announcement", "post_count", "last_post_at"]
    list_filter = ["is_announcement", "group__kind"]
    list_select_related = ["group"]
    search_fields = ["title", "group__name"]
    raw_id_fields = ["group", "author"]
    readonly_fields = ["created_at", "last_post_at", "post_count"]
