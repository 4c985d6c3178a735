import hashlib
import re
import secrets
import unicodedata

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from convene.core.i18n import LocalizedNameMixin, validate_name_translations
from convene.core.rules import is_member


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    NGO = "ngo", _("NGO")
    ACADEMIC = "academic", _("Academic")
    DONOR = "donor", _("Donor")
    PROFESSIONAL_ASSOCIATION = "professional_association", _("Professional association")
    COMMUNITY_PRACTITIONER = "community_practitioner", _("Community practitioner")
    UN_AGENCY = "un_agency", _("UN agency")
    FAITH_BASED = "faith_based", _("Faith-based")
    OTHER = "other", _("Other")


# What an erased account is called (people/privacy.py): stored as the tombstone's profile name so that
# pages reading ``profile.name`` show it, and translated by ``Person.display_name``.
FORMER_MEMBER = gettext_noop("Former member")


def erased_email(person_id: int) -> str:
    """The unique, non-routable address an erased account keeps (``.invalid`` is reserved, RFC 2606)."""
    return f"erased-{person_id}@invalid"


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("A person needs an e-mail address")
        person = self.model(email=self.normalize_email(email).lower(), **extra)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class Person(AbstractBaseUser, PermissionsMixin):
    """An account. Everything a person shows to others lives on their Profile."""

    email = models.EmailField(_("e-mail address"), unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("back-office access"), default=False, help_text=_("May log in to the Django admin.")
    )
    date_joined = models.DateTimeField(_("account created"), default=timezone.now)
    language = models.CharField(_("language"), max_length=10, blank=True, choices=settings.LANGUAGES)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    # Bulk mail to the person's address is suppressed (bounces, complaints): kept by the bulk-mail app
    # when it suppresses or lifts an address, so that every page can show the "fix your address" banner
    # without a query for the many who have no suppression.
    bulk_mail_suppressed = models.BooleanField(_("bulk mail suppressed"), default=False, editable=False)

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [models.UniqueConstraint(Lower("email"), name="person_email_ci_unique")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_erased(self) -> bool:
        return self.pk is not None and self.email == erased_email(self.pk)

    @property
    def display_name(self) -> str:
        if self.is_erased:
            return gettext(FORMER_MEMBER)
        profile = getattr(self, "profile", None)
        return (profile.name if profile and profile.name else "") or self.email.split("@")[0]

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices, blank=True)
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="organisation_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class Topic(LocalizedNameMixin, models.Model):
    """An area of expertise members name and groups work on; its name in each language is data."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    # For the IATI export: the groups working on this topic report it as their sector.
    dac_code = models.CharField(
        _("DAC sector code"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}\Z", _("Five digits, e.g. 16010 (social protection)."))],
        help_text=_(
            "The OECD DAC 5-digit purpose code of this topic, for the IATI export; empty if none fits."
        ),
    )
    name_translations = models.JSONField(
        _("name in other languages"),
        default=dict,
        blank=True,
        validators=[validate_name_translations],
        help_text=_("The name in each of the site's languages; pages fall back to the name above."),
    )

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.localized_name


class Language(models.Model):
    """A language a member speaks or a group works in (ISO 639 code)."""

    code = models.CharField(max_length=10, primary_key=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["name"]

    def __str__(self) -> str:
        # Django's catalogues translate the names of the languages it knows.
        return gettext(self.name)


class ProfileVisibility(models.TextChoices):
    PUBLIC = "public", _("Everyone, including the public")
    MEMBERS = "members", _("Members of the network")
    NOBODY = "nobody", _("Nobody but the secretariat")


class EmailVisibility(models.TextChoices):
    MEMBERS = "members", _("Members of the network")
    NOBODY = "nobody", _("Nobody but the secretariat")


class MembershipStatus(models.TextChoices):
    NONE = "none", _("Not yet applied")
    PENDING = "pending", _("Waiting for approval")
    ACTIVE = "active", _("Member")
    DECLINED = "declined", _("Declined")
    LEFT = "left", _("Left the network")


SEARCH_WORD_LENGTH = 64
SEARCH_TERMS = 6  # words of a query that count; the rest are ignored
_WORD = re.compile(r"[^\W_]+")


def search_words(text: str) -> list[str]:
    """The words search matches on, in order and once each: case folded, accents dropped ("José" is
    "jose"), split at anything that is not a letter or a digit. Both the index and the query use it."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return list(dict.fromkeys(word[:SEARCH_WORD_LENGTH] for word in _WORD.findall(plain)))


class ProfileQuerySet(models.QuerySet):
    def members(self):
        return self.filter(membership_status=MembershipStatus.ACTIVE, person__is_active=True)

    def visible_to(self, viewer):
        """Profiles whose owner lets this viewer see them (the rule lives here, once)."""
        from convene.core.rules import is_secretariat

        if viewer is not None and viewer.is_authenticated and is_secretariat(viewer):
            return self
        if viewer is not None and viewer.is_authenticated and is_member(viewer):
            return self.filter(
                models.Q(profile_visibility__in=[ProfileVisibility.PUBLIC, ProfileVisibility.MEMBERS])
                | models.Q(person=viewer)
            )
        return self.filter(profile_visibility=ProfileVisibility.PUBLIC)

    def matching(self, query: str):
        """Profiles with, for every word of the query, a word that starts with it ("banda" finds
        Bandawe, "jose" finds José). Each word is one range of the SearchWord index, so the cost
        follows the number of people found, not the size of the network."""
        qs = self
        for term in search_words(query)[:SEARCH_TERMS]:
            # A range of the (word, profile) index rather than LIKE 'term%', which PostgreSQL's index
            # serves only under the C collation and whose row estimate misleads the planner. The words
            # hold no upper case, accents or punctuation, and the column is in the C collation on
            # PostgreSQL (migration 0007), so the range is exactly the words that start with the term.
            words = SearchWord.objects.filter(word__gte=term, word__lt=term[:-1] + chr(ord(term[-1]) + 1))
            qs = qs.filter(person_id__in=words.values("profile_id"))
        return qs


class Profile(models.Model):
    """What a person shows the network, and their place in it (network membership)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, primary_key=True, related_name="profile")
    name = models.CharField(_("name"), max_length=150, blank=True)
    country = CountryField(_("country"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="profiles",
    )
    job_title = models.CharField(_("position"), max_length=150, blank=True)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices, blank=True)
    languages = models.ManyToManyField(Language, verbose_name=_("languages"), blank=True)
    topics = models.ManyToManyField(Topic, verbose_name=_("expertise topics"), blank=True)
    bio = models.TextField(_("short bio"), max_length=2000, blank=True)
    profile_visibility = models.CharField(
        _("who sees my profile"),
        max_length=16,
        choices=ProfileVisibility.choices,
        default=ProfileVisibility.MEMBERS,
    )
    email_visibility = models.CharField(
        _("who sees my e-mail address"),
        max_length=16,
        choices=EmailVisibility.choices,
        default=EmailVisibility.NOBODY,
    )
    membership_status = models.CharField(
        _("membership"), max_length=16, choices=MembershipStatus.choices, default=MembershipStatus.NONE
    )
    joined_on = models.DateField(_("joined the network"), null=True, blank=True)
    left_on = models.DateField(_("left the network"), null=True, blank=True)
    # Lower-cased name, organisation, position and topics: what directory search matches against,
    # kept in one column so a search is one indexed scan (services.profile_refresh_search_text).
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProfileQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        indexes = [
            models.Index(fields=["membership_status", "name"], name="profile_status_name"),
            models.Index(fields=["country"], name="profile_country"),
            models.Index(fields=["sector"], name="profile_sector"),
            models.Index(fields=["joined_on"], name="profile_joined_on"),
        ]

    def __str__(self) -> str:
        return self.name or self.person.email

    @property
    def is_complete(self) -> bool:
        return bool(self.name and self.country and self.sector)


class SearchWord(models.Model):
    """One word of a profile's search text: the word → person index directory search walks.

    Written from ``Profile.search_text`` by services.profile_search_words_write (and the import and
    the demo), never by hand.
    """

    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="search_words", db_index=False
    )
    word = models.CharField(max_length=SEARCH_WORD_LENGTH)

    class Meta:
        # (word, profile) answers a query word's range from the index alone; (profile, word) checks a
        # further word of the same person and rewrites one person's words.
        constraints = [models.UniqueConstraint(fields=["word", "profile"], name="searchword_word_profile")]
        indexes = [models.Index(fields=["profile", "word"], name="searchword_profile_word")]

    def __str__(self) -> str:
        return self.word


class ApiToken(models.Model):
    """A personal token for the REST API; only its hash is stored."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "cvn_" + secrets.token_urlsafe(32)


class MemberImportStatus(models.TextChoices):
    READING = "reading", _("Being read")
    FAILED = "failed", _("Could not be read")
    UPLOADED = "uploaded", _("Uploaded, not yet imported")
    COMMITTED = "committed", _("Imported")


class MemberImport(models.Model):
    """A member list the secretariat uploaded: its parsed rows, the column mapping and the outcome.

    The rows are kept as JSON rather than the file itself, so the preview and the commit read exactly
    what was checked at upload and no uploaded file lingers on disk (imports.parse_upload). The
    uploaded bytes wait in ``upload`` only while a background task reads them (status "reading",
    ``people.tasks.read_member_import``): no web request parses a file.
    """

    created_by = models.ForeignKey(
        Person, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="member_imports"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    filename = models.CharField(_("file"), max_length=255)
    headers = models.JSONField(default=list)
    # [file row number, [cell, cell, …]] for every non-blank data row.
    rows = models.JSONField(default=list)
    # Convene field name → index of the file column (absent when the file has no such column).
    mapping = models.JSONField(default=dict)
    upload = models.BinaryField(default=b"", editable=False)
    # The language of the person who uploaded, for the messages the background reading writes.
    language = models.CharField(max_length=16, blank=True)
    error = models.TextField(_("why the file cannot be read"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MemberImportStatus.choices, default=MemberImportStatus.UPLOADED
    )
    committed_at = models.DateTimeField(_("imported"), null=True, blank=True)
    created_count = models.PositiveIntegerField(_("new members"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)

    class Meta:
        verbose_name = _("member import")
        verbose_name_plural = _("member imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def row_count(self) -> int:
        return len(self.rows)
