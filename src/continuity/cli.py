"""`continuity` console script: a thin wrapper over the management commands.

`continuity demo --births 3000` is `manage.py demo --births 3000`;
`continuity serve` runs the server. `continuity allocate`, `continuity cover` and
`continuity plan-visits`, `continuity measures` and `continuity spc` run pure engines on files
without setting Django up. `continuity export-msds` is `manage.py export_msds`.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "allocate":  # a pure engine: no database, no Django
        from continuity.engines.allocation.cli import main as allocate

        sys.exit(allocate(args[1:]))
    if args and args[0] == "cover":  # a pure engine: no database, no Django
        from continuity.engines.cover.cli import main as cover

        sys.exit(cover(args[1:]))
    if args and args[0] == "plan-visits":  # a pure engine: no database, no Django
        from continuity.engines.routing.cli import main as plan_visits

        sys.exit(plan_visits(args[1:]))
    if args and args[0] == "measures":  # a pure engine: no database, no Django
        from continuity.engines.measures.cli import main as measures

        sys.exit(measures(args[1:]))
    if args and args[0] == "spc":  # a pure engine: no database, no Django
        from continuity.engines.spc.cli import main as spc

        sys.exit(spc(args[1:]))
    if args and args[0] == "simulate":  # a pure engine: no database, no Django
        from continuity.engines.simulation.cli import main as simulate

        sys.exit(simulate(args[1:]))
    # Management commands' names have underscores; the console spells them with hyphens.
    if args and args[0] in ("export-msds", "import-bookings"):
        args[0] = args[0].replace("-", "_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "continuity.config.settings")
    from django.core.management import execute_from_command_line

    if args and args[0] == "serve":
        args = ["runserver", *args[1:]] if len(args) > 1 else ["runserver", "127.0.0.1:8000"]
    execute_from_command_line(["continuity", *args])


if __name__ == "__main__":
    main()
