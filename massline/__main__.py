"""The `massline` console script: `massline analyse …` runs the engine; the rest is manage.py."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] in {"analyse", "analyze"}:
        from massline.analysis.cli import main as analyse

        return analyse(argv[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "massline.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
