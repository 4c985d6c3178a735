"""The E-Update's rows of the permission matrix (tests/permissions).

MEMBER wrote a contribution (submitted); COCHAIR wrote one on behalf of G. The secretariat edits issues;
only the admin (a superuser: every Django permission) may approve one for sending, as a person given
the "approve for sending" permission would. Issue 1 is a draft with an accepted contribution to
place; issue 2 is sent and public. G's update proposes two E-Update items."""

import datetime

from tests.permissions.harness import (
    ADMIN,
    API_EVERYONE,
    COCHAIR,
    EVERYONE_200,
    LOGGED_IN_200,
    MEMBER,
    SECRETARIAT,
    Row,
    World,
    roles,
)


def contribution(world: World):
    from convene.comms import services

    return world.once(
        "_comms_contribution",
        lambda: services.contribution_submit(
            acting=world.person(MEMBER), kind="news", title="Our news", body="Text", language="en"
        ),
    )


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def with_image(world: World):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from convene.comms import services

    return world.once(
        "_comms_image",
        lambda: services.contribution_submit(
            acting=world.person(MEMBER),
            kind="news",
            title="Pictured",
            body="Text",
            language="en",
            image=SimpleUploadedFile("photo.png", PNG),
        ),
    )


def group_contribution(world: World):
    from convene.comms import services

    return world.once(
        "_comms_group_contribution",
        lambda: services.contribution_submit(
            acting=world.person(COCHAIR),
            kind="call",
            title="Join us",
            body="Text",
            language="en",
            group=world.group,
        ),
    )


def accepted(world: World):
    from convene.comms import services

    def make():
        made = services.contribution_submit(
            acting=world.person(MEMBER), kind="news", title="Accepted", body="Text", language="en"
        )
        return services.contribution_review(
            contribution=made, acting=world.person(SECRETARIAT), action="accept"
        )

    return world.once("_comms_accepted", make)


def draft_issue(world: World):
    from convene.comms import services

    def make():
        issue = services.issue_create(
            acting=world.person(SECRETARIAT),
            date=datetime.date(2030, 1, 1),
            languages=["en"],
            default_language="en",
        )
        item = services.issue_item_add(
            issue=issue, acting=world.person(SECRETARIAT), contribution=accepted(world)
        )
        services.issue_block_add(issue=issue, acting=world.person(SECRETARIAT), kind="network_figures")
        services.issue_text_save(
            issue=issue, acting=world.person(SECRETARIAT), language="en", title="January", editorial=""
        )
        services.issue_compile(issue=issue, acting=world.person(SECRETARIAT))
        world.__dict__["_comms_item"] = item
        return issue

    return world.once("_comms_issue", make)


def sent_issue(world: World):
    from convene.comms import services

    def make():
        admin = world.person(ADMIN)
        issue = services.issue_create(
            acting=world.person(SECRETARIAT),
            date=datetime.date(2029, 12, 1),
            languages=["en", "fr"],
            default_language="en",
        )
        services.issue_block_add(issue=issue, acting=world.person(SECRETARIAT), kind="network_figures")
        for code in ("en", "fr"):
            services.issue_text_save(
                issue=issue, acting=world.person(SECRETARIAT), language=code, title="Dec", editorial=""
            )
        services.issue_compile(issue=issue, acting=world.person(SECRETARIAT))
        services.issue_approve(issue=issue, acting=admin)
        return services.issue_mark_sent(issue=issue)

    return world.once("_comms_sent", make)


def approved_issue(world: World):
    """An issue approved for sending, not yet handed to a mailing."""
    from convene.comms import services

    def make():
        secretariat = world.person(SECRETARIAT)
        issue = services.issue_create(
            acting=secretariat, date=datetime.date(2029, 11, 1), languages=["en"], default_language="en"
        )
        services.issue_block_add(issue=issue, acting=secretariat, kind="network_figures")
        services.issue_text_save(issue=issue, acting=secretariat, language="en", title="Nov", editorial="")
        services.issue_compile(issue=issue, acting=secretariat)
        return services.issue_approve(issue=issue, acting=world.person(ADMIN))

    return world.once("_comms_approved", make)


def mailings_state(world, role):
    from convene.comms.models import Issue
    from convene.mailing.models import Mailing

    return [
        sorted(Mailing.objects.values_list("pk", "state", "segment")),
        sorted(Issue.objects.values_list("pk", "status", "mailing_id")),
    ]


def group_update(world: World):
    from convene.reports import services as report_services

    def make():
        update = report_services.update_draft(group=world.group, acting=world.person(COCHAIR))
        report_services.update_save(
            update=update,
            acting=world.person(COCHAIR),
            revision=None,
            eupdate_items="- A toolkit\n- A webinar",
        )
        return update

    return world.once("_comms_update", make)


def of_contribution(world, role):
    return [contribution(world).pk]


def of_issue(world, role):
    return [draft_issue(world).pk]


def of_item(world, role):
    issue = draft_issue(world)
    return [issue.pk, world.__dict__["_comms_item"].pk]


def of_block(world, role):
    issue = draft_issue(world)
    return [issue.pk, issue.blocks.get().pk]


# --- Snapshots of what a POST may change -----------------------------------------------------------


def contributions_state(world, role):
    from convene.comms.models import Contribution, ContributionComment

    return [
        sorted(Contribution.objects.values_list("pk", "title", "state", "group_id")),
        ContributionComment.objects.count(),
    ]


def issues_state(world, role):
    from convene.comms.models import Issue, IssueBlock, IssueItem, IssueText

    return [
        sorted(Issue.objects.values_list("pk", "status", "compiled_at", "approved_by_id")),
        sorted(IssueText.objects.values_list("pk", "title", "editorial")),
        sorted(IssueItem.objects.values_list("pk", "contribution_id", "position")),
        sorted(IssueBlock.objects.values_list("pk", "kind")),
    ]


def translations_state(world, role):
    from convene.comms.models import ContributionTranslation

    return sorted(ContributionTranslation.objects.values_list("contribution_id", "language", "title"))


def translated(world: World):
    """MEMBER's contribution with a French translation (for removing one)."""
    from convene.comms import services

    def make():
        made = services.contribution_submit(
            acting=world.person(MEMBER), kind="news", title="Translated", body="Text", language="en"
        )
        services.contribution_translation_save(
            contribution=made, acting=world.person(MEMBER), language="fr", title="Traduit", body="Texte"
        )
        return made

    return world.once("_comms_translated", make)


def contribution_form(world, role):
    return {"kind": "news", "title": "New", "body": "Text", "language": "en", "links": ""}


# Who sees MEMBER's contribution: its author and the editors; to anyone else it does not exist.
AUTHOR_AND_EDITORS = roles(member=200, committee=404, group_member=404, cochair=404, other_cochair=404)
AUTHOR_AND_EDITORS_POST = roles(
    member=(302, "/e-update/contributions/*"),
    committee=404,
    secretariat=(302, "/e-update/contributions/*"),
    group_member=404,
    cochair=404,
    other_cochair=404,
)
AUTHOR_ONLY = roles(
    member=200, committee=404, secretariat=403, group_member=404, cochair=404, other_cochair=404
)
AUTHOR_ONLY_POST = roles(
    member=(302, "/e-update/contributions/*"),
    committee=404,
    secretariat=403,
    group_member=404,
    cochair=404,
    other_cochair=404,
)
EDITORS_ONLY_POST = roles(
    member=403,
    committee=404,
    secretariat=(302, "/e-update/contributions/*"),
    group_member=404,
    cochair=404,
    other_cochair=404,
)
EDITORS = roles()
EDITORS_POST = roles(secretariat=(302, "/e-update/issues/*"))
APPROVERS_POST = roles(secretariat=403, admin=(302, "/e-update/issues/*"))

ROWS = [
    Row("comms:mine", LOGGED_IN_200),
    Row("comms:contribute", LOGGED_IN_200),
    Row(
        "comms:contribute",
        roles(member=(302, "/e-update/contributions/*"), secretariat=(302, "/e-update/contributions/*")),
        method="POST",
        data=contribution_form,
        state=contributions_state,
    ),
    Row("comms:queue", EDITORS),
    Row("comms:contribution", AUTHOR_AND_EDITORS, args=of_contribution),
    Row(
        "comms:contribution",
        roles(member=404, committee=404, group_member=404, cochair=200, other_cochair=404),
        variant="group",
        args=lambda world, role: [group_contribution(world).pk],
    ),
    Row("comms:contribution_edit", AUTHOR_ONLY, args=of_contribution),
    Row(
        "comms:contribution_edit",
        AUTHOR_ONLY_POST,
        method="POST",
        args=of_contribution,
        data=lambda world, role: {**contribution_form(world, role), "title": "Revised"},
        state=contributions_state,
    ),
    Row("comms:contribution_translation", AUTHOR_AND_EDITORS, args=of_contribution),
    Row(
        "comms:contribution_translation",
        AUTHOR_AND_EDITORS_POST,
        method="POST",
        args=of_contribution,
        data=lambda world, role: {"language": "fr", "title": "Titre", "body": "Texte"},
        state=translations_state,
    ),
    Row(
        "comms:contribution_comment",
        AUTHOR_AND_EDITORS_POST,
        method="POST",
        args=of_contribution,
        data=lambda world, role: {"body": "A word"},
        state=contributions_state,
    ),
    Row(
        "comms:contribution_review",
        EDITORS_ONLY_POST,
        method="POST",
        args=of_contribution,
        data=lambda world, role: {"action": "accept", "comment": ""},
        state=contributions_state,
    ),
    Row(
        "comms:contribution_withdraw",
        roles(
            member=(302, "/e-update/contributions/*"),
            committee=404,
            secretariat=403,
            group_member=404,
            cochair=404,
            other_cochair=404,
        ),
        method="POST",
        args=of_contribution,
        state=contributions_state,
    ),
    Row(
        "comms:from_update",
        roles(
            member=404,
            committee=403,
            secretariat=403,
            group_member=404,
            cochair=(302, "/updates/*"),
            other_cochair=404,
        ),
        method="POST",
        args=lambda world, role: [group_update(world).pk],
        state=contributions_state,
    ),
    Row("comms:issues", EDITORS),
    Row(
        "comms:issues",
        EDITORS_POST,
        method="POST",
        data=lambda world, role: {
            "date": "2030-02-01",
            "languages": ["en"],
            "default_language": "en",
            "visibility": "public",
        },
        state=issues_state,
    ),
    Row("comms:issue", EDITORS, args=of_issue),
    Row(
        "comms:issue_text",
        EDITORS_POST,
        method="POST",
        args=of_issue,
        data=lambda world, role: {"language": "en", "en-title": "Changed", "en-editorial": "Hi"},
        state=issues_state,
    ),
    Row(
        "comms:issue_item_add",
        EDITORS_POST,
        method="POST",
        # The contribution is made with the paths, outside the roles' savepoints.
        args=lambda world, role: [draft_issue(world).pk] if _second_accepted(world) else [],
        data=lambda world, role: {"contribution": _second_accepted(world).pk},
        state=issues_state,
    ),
    Row("comms:issue_item_remove", EDITORS_POST, method="POST", args=of_item, state=issues_state),
    Row(
        "comms:issue_item_move",
        EDITORS_POST,
        method="POST",
        args=of_item,
        data=lambda world, role: {"direction": "down"},
        state=issues_state,
        unchanged=frozenset({SECRETARIAT, ADMIN}),  # the only item: nowhere to move
    ),
    Row(
        "comms:issue_block_add",
        EDITORS_POST,
        method="POST",
        args=of_issue,
        data=lambda world, role: {"kind": "help_wanted"},
        state=issues_state,
    ),
    Row("comms:issue_block_remove", EDITORS_POST, method="POST", args=of_block, state=issues_state),
    Row("comms:issue_compile", EDITORS_POST, method="POST", args=of_issue, state=issues_state),
    Row("comms:issue_approve", APPROVERS_POST, method="POST", args=of_issue, state=issues_state),
    Row(
        "comms:issue_reopen",
        EDITORS_POST,
        method="POST",
        args=lambda world, role: [approved_issue(world).pk],
        data=lambda world, role: {"reason": "A typo"},
        state=issues_state,
    ),
    Row("comms:issue_send", EDITORS, args=lambda world, role: [approved_issue(world).pk]),
    Row(
        "comms:issue_send",
        roles(secretariat=(302, "/mailing/*")),
        method="POST",
        args=lambda world, role: [approved_issue(world).pk],
        data=lambda world, role: {"languages": ["en"]},
        state=mailings_state,
    ),
    Row("comms:issue_preview", EDITORS, args=lambda world, role: [draft_issue(world).pk, "en"]),
    Row("comms:issue_preview_email", EDITORS, args=lambda world, role: [draft_issue(world).pk, "en"]),
    Row(
        "comms:contribution_image",
        roles(anonymous=404, member=200, committee=404, group_member=404, cochair=404, other_cochair=404),
        args=lambda world, role: [with_image(world).pk],
    ),
    Row("comms:archive", EVERYONE_200),
    Row("comms:feed", EVERYONE_200),
    Row(
        "comms:archive_latest",
        roles(anonymous=(302, "/e-update/*"), member=(302, "/e-update/*"), secretariat=(302, "/e-update/*")),
        args=lambda world, role: [sent_issue(world).number],
    ),
    Row("comms:archive_issue", EVERYONE_200, args=lambda world, role: [sent_issue(world).number, "fr"]),
]


def _second_accepted(world: World):
    from convene.comms import services

    def make():
        made = services.contribution_submit(
            acting=world.person(MEMBER), kind="news", title="Also accepted", body="Text", language="en"
        )
        return services.contribution_review(
            contribution=made, acting=world.person(SECRETARIAT), action="accept"
        )

    return world.once("_comms_second", make)


API_EDITORS = roles(anonymous=401, member=403)
API_AUTHOR_AND_EDITORS = roles(
    anonymous=401, member=200, committee=404, group_member=404, cochair=404, other_cochair=404
)

ROWS += [
    Row("api:list_my_contributions", API_EVERYONE, api=True),
    Row("api:list_contribution_queue", API_EDITORS, api=True),
    Row(
        "api:create_contribution",
        roles(anonymous=401, member=201, secretariat=201),
        method="POST",
        json=lambda world, role: {"kind": "news", "title": "By API", "body": "Text", "language": "en"},
        state=contributions_state,
        api=True,
    ),
    Row("api:get_contribution", API_AUTHOR_AND_EDITORS, args=of_contribution, api=True),
    Row(
        "api:review_contribution",
        roles(anonymous=401, member=403, committee=404, group_member=404, cochair=404, other_cochair=404),
        method="POST",
        args=of_contribution,
        json=lambda world, role: {"action": "accept"},
        state=contributions_state,
        api=True,
    ),
    Row("api:list_contribution_comments", API_AUTHOR_AND_EDITORS, args=of_contribution, api=True),
    Row(
        "api:comment_contribution",
        roles(
            anonymous=401,
            member=201,
            committee=404,
            secretariat=201,
            group_member=404,
            cochair=404,
            other_cochair=404,
        ),
        method="POST",
        args=of_contribution,
        json=lambda world, role: {"body": "A word"},
        state=contributions_state,
        api=True,
    ),
    Row("api:list_contribution_translations", API_AUTHOR_AND_EDITORS, args=of_contribution, api=True),
    Row(
        "api:save_contribution_translation",
        roles(
            anonymous=401,
            member=200,
            committee=404,
            secretariat=200,
            group_member=404,
            cochair=404,
            other_cochair=404,
        ),
        method="PUT",
        args=lambda world, role: [contribution(world).pk, "fr"],
        json=lambda world, role: {"title": "Titre", "body": "Texte"},
        state=translations_state,
        api=True,
    ),
    Row(
        "api:delete_contribution_translation",
        roles(
            anonymous=401,
            member=204,
            committee=404,
            secretariat=204,
            group_member=404,
            cochair=404,
            other_cochair=404,
        ),
        method="DELETE",
        args=lambda world, role: [translated(world).pk, "fr"],
        state=translations_state,
        api=True,
    ),
    Row(
        "api:reopen_eupdate_issue",
        API_EDITORS,
        method="POST",
        args=lambda world, role: [approved_issue(world).pk],
        json=lambda world, role: {"reason": "A typo"},
        state=issues_state,
        api=True,
    ),
    Row("api:list_eupdate_issues", API_EDITORS, api=True),
    Row("api:get_eupdate_issue", API_EDITORS, args=of_issue, api=True),
    Row("api:compile_eupdate_issue", API_EDITORS, method="POST", args=of_issue, state=issues_state, api=True),
    Row(
        "api:preview_eupdate_issue",
        API_EDITORS,
        args=lambda world, role: [draft_issue(world).pk, "en"],
        api=True,
    ),
]
