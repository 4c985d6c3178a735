"""Rules about people that live with their app (STYLE §5); the older ones are in convene/core/rules.py."""

import rules

from convene.core.rules import is_secretariat, is_self

# A member erases their own account; the secretariat erases one when its owner asks (by letter, say).
rules.add_perm("people.erase_account", is_self | is_secretariat)
