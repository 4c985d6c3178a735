"""The governance app's rows of the permission matrix (tests/permissions): roles, terms, decisions."""

from convene.governance.models import Body, Term
from tests.permissions.harness import SECRETARIAT_ONLY, Row, pk_of, roles

GOVERNANCE_ROWS = [
    Row("governance:roles", roles(member=200)),
    Row("governance:term_create", SECRETARIAT_ONLY),
    Row(
        "governance:term_create",
        roles(secretariat=(302, "/governance/roles/")),
        method="POST",
        data=lambda world, role: {
            "email": world.members_only.email,
            "body": Body.STEERING_COMMITTEE,
            "starts_on": "2024-01-01",
            "ends_on": "",
            "title": "",
            "cohort": "",
        },
        state=lambda world, role: Term.objects.count(),
    ),
    Row(
        "governance:term_end",
        roles(secretariat=(302, "/governance/roles/")),
        method="POST",
        args=pk_of("term"),
        state=lambda world, role: Term.objects.get(pk=world.term.pk).ends_on,
    ),
    Row("governance:term_end", roles(member=405, secretariat=405), args=pk_of("term")),
    Row("governance:decisions", roles(member=200)),
]

ROWS = GOVERNANCE_ROWS
