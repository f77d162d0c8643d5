"""The ``kiemdiem`` command.

- ``kiemdiem demo [--reset] [--no-serve]``: the seed ward on http://127.0.0.1:8000;
- ``kiemdiem rules classify|list|explain``: the regulation engine (no database needed);
- ``kiemdiem import members FILE`` / ``kiemdiem export members FILE.xlsx``;
- every Django management command: ``kiemdiem migrate``, ``kiemdiem createsuperuser``, …
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "rules":
        from kiemdiem.rules.cli import main as rules_main

        sys.exit(rules_main(argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiemdiem.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
