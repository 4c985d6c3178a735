"""Who may do what with bulk mail (STYLE §5): the secretariat sends and keeps the suppression list;
every member manages their own lists."""

import rules

from convene.core.rules import is_authenticated, is_secretariat

rules.add_perm("mailing.send", is_secretariat)
rules.add_perm("mailing.manage_suppressions", is_secretariat)
rules.add_perm("mailing.choose_lists", is_authenticated)
