"""The ``shian`` console script: Django's management commands with Shian's settings.

``shian migrate``, ``shian runserver``, ``shian demo --scale small``, ``shian apikey create
--org CODE``, ``shian audit verify`` ...
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shian.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
