"""The rows of what is not a Convene app: the admin (a few representative rows, the rest matched by
``ADMIN_COVERED``) and the accounts (allauth's pages)."""

import re

from tests.permissions.harness import (
    ADMIN_LOGIN,
    EVERYONE_200,
    HOME,
    LOGGED_IN_200,
    LOGIN,
    REAUTH,
    Row,
    pk_of,
    roles,
)

ADMIN_ROWS = [
    Row("admin:index", roles(anonymous=ADMIN_LOGIN, member=ADMIN_LOGIN, secretariat=200)),
    Row("admin:login", roles(anonymous=LOGIN, member=403, secretariat=(302, "/admin/"))),
    Row(
        "admin:people_person_changelist",
        roles(anonymous=ADMIN_LOGIN, member=ADMIN_LOGIN, secretariat=200, admin=200),
    ),
    Row(
        "admin:people_person_change",
        roles(anonymous=ADMIN_LOGIN, member=ADMIN_LOGIN, secretariat=200, admin=200),
        args=pk_of("hidden"),
    ),
    Row(
        "admin:governance_term_changelist",
        roles(anonymous=ADMIN_LOGIN, member=ADMIN_LOGIN, secretariat=200, admin=200),
    ),
]

# Every other admin URL is one of these shapes: the admin's own views, guarded by the admin itself
# exactly like the representative rows above. A custom admin view (an action page, an import) does
# not match and needs its own row.
ADMIN_COVERED = re.compile(
    r"^admin:("
    r"index|login|logout|password_change|password_change_done|autocomplete|jsi18n|view_on_site|app_list"
    r"|auth_user_password_change"
    r"|[a-z0-9_]+_(changelist|add|change|delete|history|simple_history)"
    r")$"
)

ACCOUNT_ROWS = [
    Row("account_login", roles(anonymous=200, member=HOME, secretariat=HOME)),
    Row("account_logout", roles(anonymous=HOME, member=200, secretariat=200)),
    Row("account_inactive", EVERYONE_200),
    Row("account_signup", roles(anonymous=200, member=HOME, secretariat=HOME)),
    Row("account_reauthenticate", LOGGED_IN_200),
    Row("account_email", LOGGED_IN_200),
    Row("account_email_verification_sent", EVERYONE_200),
    Row("account_change_password", LOGGED_IN_200),
    Row(
        "account_set_password",
        roles(member=(302, "/accounts/password/change/"), secretariat=(302, "/accounts/password/change/")),
    ),
    Row("account_reset_password", EVERYONE_200),
    Row(
        "account_confirm_login_code",
        roles(anonymous=(302, "/accounts/login/"), member=HOME, secretariat=HOME),
    ),
    Row("account_confirm_email", EVERYONE_200, args=lambda world, role: ["not-a-key"]),
    Row("account_reset_password_from_key_done", EVERYONE_200),
    Row("account_reset_password_from_key", EVERYONE_200, args=lambda world, role: ["2", "not-a-key"]),
    Row("account_reset_password_done", EVERYONE_200),
    Row("mfa_index", LOGGED_IN_200),
    Row("mfa_authenticate", roles(anonymous=(302, "/accounts/login/"), member=HOME, secretariat=HOME)),
    # Without an authenticator there is nothing to reauthenticate with: allauth falls back to the password.
    Row(
        "mfa_reauthenticate",
        roles(member=(302, "/accounts/reauthenticate/"), secretariat=(302, "/accounts/reauthenticate/")),
    ),
    Row("mfa_activate_totp", roles(member=REAUTH, secretariat=REAUTH)),
    # Nobody in the world has TOTP on: these pages have nothing to show.
    Row("mfa_deactivate_totp", roles(member=404, secretariat=404)),
    Row("mfa_view_recovery_codes", roles(member=404, secretariat=404)),
    Row("mfa_generate_recovery_codes", roles(member=REAUTH, secretariat=REAUTH)),
    Row("mfa_download_recovery_codes", roles(member=404, secretariat=404)),
]

ROWS = ADMIN_ROWS + ACCOUNT_ROWS
