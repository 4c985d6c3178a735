"""The ``convene`` command: Django's management commands under Convene's name.

``convene demo``, ``convene import_members FILE``, ``convene serve``, ``convene migrate`` …
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convene.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["convene", *sys.argv[1:]])


if __name__ == "__main__":
    main()
