from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from convene.core.i18n import translations_form

from .models import ApiToken, Language, Organisation, Person, Profile, Topic


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["languages", "topics"]


@admin.register(Person)
class PersonAdmin(UserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "country", "membership", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_active", "is_staff", "profile__membership_status", "profile__sector"]
    list_select_related = ["profile"]
    search_fields = ["email", "profile__name", "profile__organisation__name"]
    readonly_fields = ["date_joined", "last_login"]
    inlines = [ProfileInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Preferences", {"fields": ["language", "time_zone"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def user_change_password(self, request, id, form_url=""):
        """The back office sets a password: the person's API tokens stop working, as after a change
        of their own (people/receivers.py); a redirect after a POST is the admin's "saved"."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            from .services import api_tokens_revoke_all

            person = self.get_object(request, unquote(id))
            if person is not None and (revoked := api_tokens_revoke_all(person=person)):
                message = ngettext(
                    "The person's API token was revoked; they were told by e-mail.",
                    "The person's %(count)d API tokens were revoked; they were told by e-mail.",
                    revoked,
                )
                messages.warning(request, message % {"count": revoked})
        return response

    @admin.display(description="name", ordering="profile__name")
    def name(self, obj):
        return obj.profile.name if hasattr(obj, "profile") else ""

    @admin.display(description="country")
    def country(self, obj):
        return obj.profile.country.name if hasattr(obj, "profile") and obj.profile.country else ""

    @admin.display(description="membership", ordering="profile__membership_status")
    def membership(self, obj):
        return obj.profile.get_membership_status_display() if hasattr(obj, "profile") else ""


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "sector", "country", "website"]
    list_filter = ["sector", "country"]
    search_fields = ["name"]


@admin.register(Profile)
class ProfileAdmin(SimpleHistoryAdmin):
    list_display = ["name", "person", "country", "organisation", "sector", "membership_status", "joined_on"]
    list_filter = ["membership_status", "sector", "profile_visibility", "country"]
    list_select_related = ["person", "organisation"]
    search_fields = ["name", "person__email", "organisation__name"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["languages", "topics"]
    date_hierarchy = "joined_on"


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    form = translations_form(name="name_translations")
    exclude = ["name_translations"]
    list_display = ["name", "slug", "dac_code"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "person", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["person"]
    search_fields = ["person__email", "name", "prefix"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]
