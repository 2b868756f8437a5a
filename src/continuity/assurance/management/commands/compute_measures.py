"""`continuity compute_measures`: recompute the measures and the equity funnel now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from continuity.assurance import compute


class Command(BaseCommand):
    help = "Compute every measure for the last 24 months and the equity funnel, and keep them."

    def handle(self, *args: Any, **options: Any) -> None:
        snapshot = compute.refresh(by=None)
        self.stdout.write(
            f"Measures for {len(snapshot.months)} months through {snapshot.through:%Y-%m-%d} "
            f"computed in {snapshot.seconds:.1f} s"
        )
