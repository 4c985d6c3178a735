"""Download your data and account erasure (issue 3; convene/core/privacy.py and each app's privacy.py).

The completeness tests walk every installed model: a model that refers to a person and is missing from
its app's ``privacy.DECLARATIONS`` (or declares fewer of its person fields than it has) fails them, by
name. The others build a person who did a bit of everything, next to someone else who did the same, and
check the archive and the erasure through the real entry points: the pages, the API and the service.
"""

import datetime
import io
import json
import zipfile
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from conftest import client_for, give_term, make_person
from convene.core import privacy
from convene.governance.models import Decision, DecisionOutcome, Term
from convene.groups import services as group_services
from convene.groups.models import (
    Activity,
    CochairTerm,
    Group,
    GroupKind,
    GroupMembership,
    Post,
    PostDelivery,
    Thread,
)
from convene.groups.rules import forget_roles
from convene.people import import_services, imports, services
from convene.people import privacy as people_privacy
from convene.people.models import ApiToken, MemberImport, MembershipStatus, Person, Profile

PASSWORD = "correct horse battery staple"  # conftest.make_person's
NAME, EMAIL, IP = "Amina Zebedee", "amina.zebedee@example.org", "203.0.113.77"
OTHER_NAME, OTHER_EMAIL, OTHER_IP = "Otto Quill", "otto.quill@example.org", "198.51.100.23"
SECOND_EMAIL = "amina.at.home@example.net"


# --- Completeness ----------------------------------------------------------------------------------


def test_every_model_that_refers_to_a_person_is_declared():
    """Each model with a relation to the person model, auto-created ones (many-to-many tables) and
    simple-history's Historical* models included, is in the registry with every such field, so it is
    both exported and erased. A new app's models fail here until they are declared."""
    assert privacy.undeclared() == [], "\n".join(
        ["Declare these in their app's privacy.py DECLARATIONS (export and erasure):", *privacy.undeclared()]
    )


def test_the_walk_sees_history_and_many_to_many_tables():
    """The check would be hollow if the walk missed the kinds of model most easily forgotten."""
    referring = {
        model._meta.label
        for model in apps.get_models(include_auto_created=True)
        if privacy.person_fields(model)
    }
    assert {
        "people.HistoricalProfile",
        "groups.HistoricalGroupMembership",
        "groups.Group_suggested_cochairs",
        "people.Person_groups",
        "account.EmailAddress",
        "mfa.Authenticator",
        "admin.LogEntry",
    } <= referring


def test_records_without_a_relation_are_declared_too():
    """Login records name the person by e-mail address, sessions by the id inside their data."""
    labels = {d.label for d in privacy.declarations()}
    assert {
        "people.Person",
        "axes.AccessAttempt",
        "axes.AccessLog",
        "axes.AccessFailureLog",
        "sessions.Session",
    } <= labels


def test_every_declaration_names_a_real_model_and_real_fields():
    for declaration in privacy.declarations():
        model = declaration.model  # LookupError for a model that no longer exists
        real = privacy.person_fields(model)
        assert set(declaration.fields) <= real, f"{declaration.label}: {set(declaration.fields) - real}"
        assert set(declaration.trail) <= set(declaration.fields), declaration.label
        if declaration.scrub:
            names = {f.name for f in model._meta.get_fields()}
            assert names & set(declaration.scrub), f"{declaration.label}: scrubs no field it has"
    labels = [d.label for d in privacy.registry()]
    assert len(labels) == len(set(labels))


# --- A person who did a bit of everything, and someone else who did the same -------------------------


@dataclass
class Story:
    person: Person
    other: Person
    group: Group
    thread: Thread
    post: Post
    committee: Person


def _log_in(client: Client, email: str, password: str = PASSWORD, ip: str = "127.0.0.1"):
    return client.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=ip)


def _everything(person: Person, *, email: str, ip: str, group: Group, cochair: Person) -> tuple:
    """A membership asked for with a note, a thread and a post, an activity, a token, an authenticator,
    a failed and a good login (axes records both with the address), a live session."""
    membership = group_services.membership_join(group=group, acting=person, note=f"Hello, {email}")
    group_services.membership_request_decide(membership=membership, acting=cochair, approve=True)
    forget_roles(person)
    thread = group_services.thread_start(group=group, acting=person, title="Intake forms", body="Ours.")
    post = group_services.post_reply(thread=thread, acting=person, body="And here is the second one.")
    group_services.activity_save(group=group, acting=person, what="Training intake staff")
    services.api_token_create(person=person, name="my script")
    client = Client()
    assert _log_in(client, email, ip=ip).status_code == 302
    # After the good one, which resets axes' count of failures.
    assert _log_in(Client(), email, "wrong password", ip).status_code == 200
    # Turned on after the login, which would otherwise stop at the second factor.
    Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={"secret": totp_seed(email)})
    return thread, post, client


def totp_seed(email: str) -> str:
    return "JBSWY3DP" + ("AMINAAAA" if email == EMAIL else "OTTOQQQQ")


@pytest.fixture
def story(db, secretariat) -> Story:
    committee = make_person("chair.of.sc@example.org", name="Sol Committee", country="US")
    give_term(committee, "steering_committee")
    person = make_person(EMAIL, name=NAME, country="ZM", bio="Nurse in Lusaka.", job_title="Nurse")
    EmailAddress.objects.create(user=person, email=SECOND_EMAIL, verified=True, primary=False)
    other = make_person(OTHER_EMAIL, name=OTHER_NAME, country="FR")
    give_term(person, "steering_committee")
    # A group the person proposed and, as a committee member, decided on (the decision names nobody).
    kind = GroupKind.objects.get(slug="interest-group")
    group = group_services.group_propose(
        acting=person, kind=kind, name="Case Management", purpose="Practice."
    )
    group_services.group_decide(group=group, outcome=DecisionOutcome.APPROVED, acting=person)
    # The committee appoints the other person co-chair: the decision's title names them, not her.
    group_services.cochair_appoint(group=group, person=other, acting=committee)
    forget_roles(other)
    group_services.charter_update(group=group, acting=other, join_policy="approval")
    group = Group.objects.get(pk=group.pk)
    thread, post, _client = _everything(person, email=EMAIL, ip=IP, group=group, cochair=other)
    other_group, chair = _other_group(committee)
    _everything(other, email=OTHER_EMAIL, ip=OTHER_IP, group=other_group, cochair=chair)
    group_services.post_reply(thread=thread, acting=other, body="Thanks!")
    # The secretariat changed her account in the back office, and uploaded a list with her line in it.
    LogEntry.objects.create(
        user=secretariat,
        content_type=ContentType.objects.get_for_model(Person),
        object_id=str(person.pk),
        object_repr=str(person),
        action_flag=CHANGE,
        change_message="[]",
    )
    csv = f"E-mail,Name,Country\n{EMAIL},{NAME},Zambia\nnia.new@example.org,Nia New,Kenya\n".encode()
    parsed = imports.parse_upload(name="members.csv", data=csv)
    import_services.member_import_create(
        parsed=parsed,
        filename="members.csv",
        mapping=imports.guess_mapping(parsed.headers),
        acting=secretariat,
    )
    # She asks the committee to make her a co-chair too: a decision that names her.
    group_services.cochair_appoint(group=group, person=person, acting=committee)
    forget_roles(person)
    return Story(person=person, other=other, group=group, thread=thread, post=post, committee=committee)


def _other_group(committee: Person) -> tuple[Group, Person]:
    chair = make_person("third.chair@example.org", name="Tia Third", country="KE")
    kind = GroupKind.objects.get(slug="working-group")
    group = group_services.group_propose(acting=chair, kind=kind, name="Advocacy", purpose="Speak up.")
    group_services.group_decide(group=group, outcome=DecisionOutcome.APPROVED, acting=committee)
    group_services.cochair_appoint(group=group, person=chair, acting=committee)
    forget_roles(chair)
    group_services.charter_update(group=group, acting=chair, join_policy="approval")
    return Group.objects.get(pk=group.pk), chair


def _archive(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _part(files: dict[str, bytes], label: str) -> dict:
    return json.loads(files[f"data/{label}.json"])


def _dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


# --- Export ----------------------------------------------------------------------------------------


def test_export_holds_the_persons_rows_from_every_app_and_nobody_elses(story):
    person = story.person
    files = _archive(privacy.privacy_export(person))
    manifest = json.loads(files["manifest.json"])
    assert manifest["format"] == "convene-personal-data"
    assert manifest["person"] == person.pk
    # One file per declared model, each listed in the manifest, and a README.
    declared = {f"data/{d.label}.json" for d in privacy.declarations()}
    assert declared <= set(files)
    assert {entry["file"] for entry in manifest["files"]} == declared
    assert "README.txt" in files

    counts = {entry["model"]: entry["rows"] for entry in manifest["files"]}
    for label, expected in {
        "people.Person": 1,
        "people.Profile": 1,
        "account.EmailAddress": 2,
        "mfa.Authenticator": 1,
        "people.ApiToken": 1,
        "governance.Term": 1,
        "groups.GroupMembership": 1,
        "groups.Thread": 1,
        "groups.Post": 2,
        "groups.Activity": 1,
        "groups.Group": 1,
        "groups.CochairTerm": 1,
        "axes.AccessLog": 1,
        "axes.AccessAttempt": 1,
        "sessions.Session": 1,
    }.items():
        assert counts[label] == expected, label
    # Decisions she recorded (the launch), not the ones the committee recorded about her.
    decisions = _part(files, "governance.Decision")["rows"]
    assert [(row["fields"]["title_kind"], row["fields"]["title_params"]) for row in decisions] == [
        ("group_launched", {"group": "Case Management"})
    ]
    assert counts["people.HistoricalProfile"] >= 2
    assert counts["groups.HistoricalGroupMembership"] >= 1
    profile = _part(files, "people.Profile")["rows"][0]["fields"]
    assert (profile["name"], profile["bio"], profile["country"]) == (NAME, "Nurse in Lusaka.", "ZM")
    assert _part(files, "axes.AccessLog")["rows"][0]["fields"]["ip_address"] == IP
    # Her line of the uploaded member list, not the other lines.
    mentions = _part(files, "people.MemberImport")["mentions"]
    assert [row[1][0] for m in mentions for row in m["rows"]] == [EMAIL]
    # Her changes to someone else's record are listed without that record's data: the secretariat's
    # LogEntry is about her, but the membership decision she took on the other's request is not in it.
    everything = b"".join(files.values()).decode()
    for foreign in (OTHER_EMAIL, OTHER_IP, "nia.new@example.org", "Nia New"):
        assert foreign not in everything, foreign
    # Secrets stay out: the password hash, the token's hash, the TOTP seed, session keys.
    token = ApiToken.objects.get(person=person)
    secrets = [person.password, token.key_hash, totp_seed(EMAIL), totp_seed(OTHER_EMAIL)]
    secrets += [s.session_key for s in Session.objects.all()]
    for secret in secrets:
        assert secret not in everything


def test_the_others_rows_name_only_the_fact_of_her_action(story, secretariat):
    """A change she made to someone else's record: only who, when and what kind, in "your_actions"."""
    files = _archive(privacy.privacy_export(secretariat))
    history = _part(files, "people.HistoricalProfile")
    # The secretariat edited no profile but its own: its own rows are whole, nobody else's appear.
    assert {row["fields"]["person"] for row in history["rows"]} == {secretariat.pk}
    log = _part(files, "admin.LogEntry")
    assert log["rows"] == []
    assert [set(row["fields"]) for row in log["your_actions"]] == [
        {"action_time", "user", "content_type", "object_id", "action_flag", "change_message"}
    ]
    assert NAME not in json.dumps(log)


def test_data_page_and_download_ask_for_the_password(story):
    client = client_for(story.person)
    page = client.get("/account/data/")
    assert page.status_code == 200
    assert "Threads" in page.content.decode() or "threads" in page.content.decode()
    response = client.get("/account/data/download/")
    assert response.status_code == 302
    assert _reauth_next(response) == "/account/data/download/"
    response = client.post(response.url, {"password": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/account/data/download/"
    response = client.get(response.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="convene-data-')
    files = _archive(response.content)
    assert _part(files, "people.Profile")["rows"][0]["fields"]["name"] == NAME


def test_api_returns_the_token_owners_archive(story):
    _token, key = services.api_token_create(person=story.other, name="export")
    response = Client().get("/api/v1/me/data", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    files = _archive(response.content)
    assert json.loads(files["manifest.json"])["person"] == story.other.pk
    assert _part(files, "people.Profile")["rows"][0]["fields"]["name"] == OTHER_NAME
    assert Client().get("/api/v1/me/data").status_code == 401


# --- Erasure ---------------------------------------------------------------------------------------


def test_erasure_removes_personal_data_everywhere_and_keeps_contributions(story):
    person, other = story.person, story.other
    assert NAME in _dump()
    assert EMAIL in _dump()
    old_session = client_for(person)
    assert old_session.get("/profile/").status_code == 200

    services.account_erase(person=person, acting=person)

    dump = _dump()
    for personal in (
        NAME,
        "Amina",
        EMAIL,
        SECOND_EMAIL,
        "amina.zebedee",
        IP,
        "Nurse in Lusaka",
        totp_seed(EMAIL),
    ):
        assert personal.lower() not in dump.lower(), personal
    # The other person is untouched.
    for kept in (OTHER_NAME, OTHER_EMAIL, OTHER_IP):
        assert kept in dump, kept

    person = Person.objects.get(pk=person.pk)
    assert person.email == f"erased-{person.pk}@invalid"
    assert person.is_erased
    assert not person.is_active
    assert not person.has_usable_password()
    assert person.display_name == "Former member"
    profile = Profile.objects.get(person=person)
    assert (profile.name, profile.bio, profile.country, profile.organisation) == (
        "Former member",
        "",
        "",
        None,
    )
    assert profile.membership_status == MembershipStatus.LEFT
    assert not profile.languages.exists()
    assert not profile.topics.exists()
    for model in (EmailAddress, Authenticator):
        assert not model.objects.filter(user=person).exists()
    assert not ApiToken.objects.filter(person=person).exists()
    assert not PostDelivery.objects.filter(person=person).exists()
    assert not AccessLog.objects.filter(username=EMAIL).exists()
    assert not AccessAttempt.objects.filter(username=EMAIL).exists()
    assert not AccessFailureLog.objects.filter(username=EMAIL).exists()

    # Contributions stay, attributed to the tombstone.
    assert Post.objects.filter(pk=story.post.pk, author=person).exists()
    assert Thread.objects.filter(pk=story.thread.pk, author=person).exists()
    assert Activity.objects.filter(person=person).count() == 1
    assert Decision.objects.filter(recorded_by=person).count() == 1
    assert Decision.objects.filter(
        title_kind="cochair_appointed", title_params={"name": "Former member", "group": "Case Management"}
    ).exists()
    # Places and seats end; the record of them stays.
    membership = GroupMembership.objects.get(group=story.group, person=person)
    assert (membership.status, membership.request_note) == ("left", "")
    assert not CochairTerm.objects.filter(person=person, ends_on__isnull=True).exists()
    # Ended today, like governance.services.term_end; an inactive account holds no powers meanwhile.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert not Term.objects.current(on=tomorrow).filter(person=person).exists()
    assert not Profile.objects.members().filter(person=person).exists()

    # The thread page shows "Former member" where her name was.
    page = client_for(other).get(f"/groups/{story.group.slug}/threads/{story.thread.pk}/").content.decode()
    assert "Former member" in page
    assert NAME not in page
    members = client_for(other).get(f"/groups/{story.group.slug}/members/").content.decode()
    assert NAME not in members
    decisions = client_for(other).get("/governance/decisions/").content.decode()
    assert "Former member appointed co-chair" in decisions
    assert NAME not in decisions

    # Nobody can log in as her any more, and her old session is gone.
    assert _log_in(Client(), EMAIL).status_code == 200
    assert _log_in(Client(), person.email).status_code == 200
    assert old_session.get("/profile/").status_code == 302


def test_a_second_erasure_changes_nothing(story):
    services.account_erase(person=story.person, acting=story.person)
    before = _dump()
    services.account_erase(person=Person.objects.get(pk=story.person.pk), acting=story.person)
    assert _dump() == before


def test_last_secretariat_member_cannot_erase_themself(secretariat, member):
    before = _dump()
    with pytest.raises(ValidationError, match="last member of the secretariat"):
        services.account_erase(person=secretariat, acting=secretariat)
    assert _dump() == before
    # With a second member of the secretariat, the first may go.
    give_term(member, "secretariat")
    services.account_erase(person=Person.objects.get(pk=secretariat.pk), acting=secretariat)
    assert Person.objects.get(pk=secretariat.pk).is_erased


def test_last_administrator_cannot_be_erased(secretariat):
    admin = make_person("root@example.org", name="Ada Admin")
    Person.objects.filter(pk=admin.pk).update(is_superuser=True, is_staff=True)
    admin.refresh_from_db()
    before = _dump()
    with pytest.raises(ValidationError, match="last administrator"):
        services.account_erase(person=admin, acting=admin)
    # The secretariat may not erase an administrator at all.
    with pytest.raises(ValidationError, match="Only an administrator"):
        services.account_erase(person=admin, acting=secretariat)
    assert _dump() == before


def test_a_member_cannot_erase_someone_else(member, outsider):
    before = _dump()
    with pytest.raises(PermissionDenied):
        services.account_erase(person=outsider, acting=member)
    assert _dump() == before


def test_erasure_is_one_transaction(story, monkeypatch):
    """A failure in the middle leaves everything as it was."""
    before = _dump()

    def boom(erasure):
        raise RuntimeError("crash in the middle")

    declarations = tuple(
        replace(d, extra_erase=boom) if d.label == "people.Person" else d for d in people_privacy.DECLARATIONS
    )
    monkeypatch.setattr(people_privacy, "DECLARATIONS", declarations)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.account_erase(person=story.person, acting=story.person)
    assert _dump() == before


# --- The pages -------------------------------------------------------------------------------------


def _reauth_next(response) -> str:
    assert response.status_code == 302
    target = urlsplit(response.url)
    assert target.path == "/accounts/reauthenticate/"
    return parse_qs(target.query)["next"][0]


def _reauthenticated(person: Person) -> Client:
    client = client_for(person)
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def test_erase_page_asks_for_the_password_then_the_address(story):
    person = story.person
    client = client_for(person)
    response = client.get("/account/erase/")
    assert response.status_code == 302
    assert _reauth_next(response) == "/account/erase/"
    client = _reauthenticated(person)
    page = client.get("/account/erase/")
    assert page.status_code == 200
    assert "Type your e-mail address to confirm" in page.content.decode()

    response = client.post("/account/erase/", {"confirm": "someone@example.org"})
    assert response.status_code == 200
    assert "nothing was erased" in response.content.decode()
    assert not Person.objects.get(pk=person.pk).is_erased

    response = client.post("/account/erase/", {"confirm": EMAIL.upper()})
    assert response.status_code == 302
    assert response.url == "/"
    assert Person.objects.get(pk=person.pk).is_erased
    # Logged out: the profile page asks for a login; logging out left no login record behind.
    assert client.get("/profile/").status_code == 302
    assert not AccessLog.objects.filter(username__iexact=EMAIL).exists()
    assert list(people_privacy.sessions_of(person, live_only=False)) == []


def test_erase_page_shows_the_refusal_and_no_form(secretariat):
    client = _reauthenticated(secretariat)
    page = client.get("/account/erase/").content.decode()
    assert "last member of the secretariat" in page
    assert 'name="confirm"' not in page
    response = client.post("/account/erase/", {"confirm": secretariat.email})
    assert response.status_code == 200
    assert not Person.objects.get(pk=secretariat.pk).is_erased


def test_secretariat_erases_a_member_on_request(story, secretariat):
    person = story.person
    assert client_for(story.other).get(f"/manage/members/{person.pk}/erase/").status_code == 403
    profile_page = client_for(secretariat).get(f"/members/{person.pk}/").content.decode()
    assert f"/manage/members/{person.pk}/erase/" in profile_page
    client = _reauthenticated(secretariat)
    page = client.get(f"/manage/members/{person.pk}/erase/").content.decode()
    assert NAME in page
    assert "Type the account&#x27;s e-mail address to confirm" in page
    response = client.post(f"/manage/members/{person.pk}/erase/", {"confirm": EMAIL})
    assert response.status_code == 302
    assert Person.objects.get(pk=person.pk).is_erased
    assert client.get(f"/manage/members/{person.pk}/erase/").content.decode().count("already erased") == 1


def test_settings_pages_link_to_the_data_page(member):
    client = client_for(member)
    for url in ("/profile/", "/profile/tokens/"):
        page = client.get(url).content.decode()
        assert 'href="/account/data/"' in page, url
    assert 'href="/account/erase/"' in client.get("/profile/").content.decode()


def test_files_of_the_persons_rows_go_into_the_archive(settings):
    """A model with a file field (an uploaded evidence file): the file is copied into files/."""
    if not apps.is_installed("convene.results"):
        pytest.skip("no model with a file field is installed")
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    declaration = next(d for d in privacy.declarations() if d.label == "results.Measurement")
    Measurement = declaration.model
    stored = default_storage.save("evidence/attendance.csv", ContentFile(b"date,people\n2025-03-01,12\n"))
    measurement = Measurement(pk=41)
    measurement.evidence_file.name = stored
    attachments = dict(privacy.attachments(declaration, [measurement, Measurement(pk=42)]))
    assert attachments == {
        "files/results.Measurement/41/evidence_file/attendance.csv": b"date,people\n2025-03-01,12\n"
    }


def test_data_page_costs_the_same_queries_for_few_and_many_rows(story):
    """One count per kind of record, whatever the number of rows (STYLE §3)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(story.person)
    client.get("/account/data/")

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/account/data/").status_code == 200
        return len(context.captured_queries)

    few = queries()
    for n in range(5):
        group_services.post_reply(thread=story.thread, acting=story.person, body=f"More {n}.")
    assert queries() == few


def test_a_short_name_is_replaced_only_in_decisions_about_the_person(committee_member, secretariat):
    """A member called "Case" leaves "Launch of Case Management" alone, but not her appointment."""
    case = make_person("case@example.org", name="Case", country="KE")
    kind = GroupKind.objects.get(slug="interest-group")
    group = group_services.group_propose(acting=case, kind=kind, name="Case Management", purpose="Practice.")
    group_services.group_decide(group=group, outcome=DecisionOutcome.APPROVED, acting=committee_member)
    term = group_services.cochair_appoint(group=group, person=case, acting=committee_member)
    services.account_erase(person=case, acting=secretariat)
    assert Decision.objects.filter(
        title_kind="group_launched", title_params={"group": "Case Management"}
    ).exists()
    assert Decision.objects.get(pk=term.appointed_by_id).title_params == {
        "name": "Former member",
        "group": "Case Management",
    }


# --- Only verified addresses identify a person ------------------------------------------------------


def _applicant_claiming(addresses: tuple[str, ...]) -> Person:
    """A pending applicant who typed other people's addresses at /accounts/email/ (never verified)."""
    applicant = make_person("pending.applicant@example.org", member=False)
    client = client_for(applicant)
    for address in addresses:
        response = client.post("/accounts/email/", {"action_add": "", "email": address})
        assert response.status_code == 302, response.content.decode()[:500]
    assert set(
        EmailAddress.objects.filter(user=applicant, verified=False).values_list("email", flat=True)
    ) == {a.lower() for a in addresses}
    return applicant


def test_an_unverified_address_shows_nobody_elses_logins_or_list_lines(story):
    applicant = _applicant_claiming((OTHER_EMAIL, "nia.new@example.org"))
    _token, key = services.api_token_create(person=applicant, name="export")
    response = Client().get("/api/v1/me/data", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    files = _archive(response.content)
    for label in ("axes.AccessLog", "axes.AccessAttempt", "axes.AccessFailureLog"):
        usernames = {row["fields"]["username"] for row in _part(files, label)["rows"]}
        assert usernames <= {applicant.email}, label
    assert _part(files, "people.MemberImport")["mentions"] == []
    everything = b"".join(files.values()).decode()
    for foreign in (OTHER_IP, "Nia New", "Kenya"):
        assert foreign not in everything, foreign
    # The addresses typed are the applicant's own rows (account.EmailAddress), nothing more.
    assert len(_part(files, "account.EmailAddress")["rows"]) == 3


def test_erasing_an_account_with_an_unverified_address_keeps_that_persons_logins(story):
    applicant = _applicant_claiming((OTHER_EMAIL, "nia.new@example.org"))
    logins = AccessLog.objects.filter(username__iexact=OTHER_EMAIL).count()
    attempts = AccessAttempt.objects.filter(username__iexact=OTHER_EMAIL).count()
    assert (logins, attempts) == (1, 1)
    rows = list(MemberImport.objects.values_list("rows", flat=True))

    services.account_erase(person=applicant, acting=applicant)

    assert AccessLog.objects.filter(username__iexact=OTHER_EMAIL).count() == logins
    assert AccessAttempt.objects.filter(username__iexact=OTHER_EMAIL).count() == attempts
    assert list(MemberImport.objects.values_list("rows", flat=True)) == rows
    assert not EmailAddress.objects.filter(user=applicant).exists()


def test_a_verified_second_address_still_identifies_the_person(story):
    assert privacy.person_emails(story.person) == sorted([EMAIL, SECOND_EMAIL])
    EmailAddress.objects.filter(user=story.person, email=SECOND_EMAIL).update(verified=False)
    assert privacy.person_emails(story.person) == [EMAIL]
