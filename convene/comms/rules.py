"""Who may do what with the E-Update (STYLE §5).

Any member contributes; a contribution speaks for a group only when a co-chair of that group sends it.
The editors (the secretariat, or anyone given the "edit issues" permission) review contributions and
compose issues. Approving an issue for sending is a separate Django permission ("approve for
sending"), given to named people in the back office: being an editor does not include it.
"""

import rules
from django.contrib.auth.backends import ModelBackend

from convene.core.rules import is_member, is_secretariat
from convene.groups.rules import is_cochair

_model_backend = ModelBackend()


def _has_model_perm(person, perm: str) -> bool:
    # Asked of Django's own backend, not person.has_perm (which would come back through rules).
    if person is None or not person.is_authenticated or not person.is_active:
        return False
    return _model_backend.has_perm(person, perm)


@rules.predicate
def is_editor(person) -> bool:
    return bool(is_secretariat(person)) or _has_model_perm(person, "comms.edit_issues")


@rules.predicate
def is_approver(person) -> bool:
    return _has_model_perm(person, "comms.approve_for_sending")


@rules.predicate
def is_author(person, contribution) -> bool:
    return (
        contribution is not None
        and person is not None
        and person.is_authenticated
        and contribution.author_id == person.pk
    )


@rules.predicate
def speaks_for_group(person, contribution) -> bool:
    """A co-chair of the group the contribution speaks for (they may follow and revise it too)."""
    group = getattr(contribution, "group", None)
    return group is not None and is_cochair(person, group)


def may_speak_for(person, group) -> bool:
    return group is not None and group.is_open and is_cochair(person, group)


@rules.predicate
def is_revisable(person, contribution) -> bool:
    return contribution is not None and contribution.is_revisable


# A translation can be written until the contribution's issue is approved (the e-mail is frozen then).
TRANSLATABLE_STATES = ("submitted", "changes_requested", "accepted", "scheduled")


@rules.predicate
def is_translatable(person, contribution) -> bool:
    if contribution is None or contribution.state not in TRANSLATABLE_STATES:
        return False
    if contribution.state != "scheduled":
        return True
    item = getattr(contribution, "issue_item", None)
    return item is not None and item.issue.status == "draft"


@rules.predicate
def issue_is_public(person, issue) -> bool:
    return issue is not None and issue.visibility == "public"


@rules.predicate
def issue_is_sent(person, issue) -> bool:
    return issue is not None and issue.status == "sent"


rules.add_perm("comms.contribute", is_member)
rules.add_perm("comms.view_contribution", is_author | speaks_for_group | is_editor)
rules.add_perm("comms.revise_contribution", (is_author | speaks_for_group) & is_revisable)
rules.add_perm("comms.withdraw_contribution", is_author | speaks_for_group)
rules.add_perm("comms.comment_contribution", is_author | speaks_for_group | is_editor)
rules.add_perm("comms.review_contributions", is_editor)
rules.add_perm("comms.edit_issues", is_editor)
rules.add_perm("comms.approve_issue", is_approver)
# An approved issue goes back to the editors: its approver, or an editor who found something to fix.
rules.add_perm("comms.reopen_issue", is_approver | is_editor)
rules.add_perm("comms.translate_contribution", (is_author | speaks_for_group | is_editor) & is_translatable)
# A sent issue in the archive: public ones for everyone, members-only ones for members and editors.
rules.add_perm("comms.read_issue", issue_is_sent & (issue_is_public | is_member | is_editor) | is_editor)


@rules.predicate
def chairs_update_group(person, update) -> bool:
    return update is not None and may_speak_for(person, update.group)


rules.add_perm("comms.propose_from_update", chairs_update_group & is_member)
