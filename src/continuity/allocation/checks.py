"""A system check: the allocation policy in settings must be one the engine accepts, so a typo
in CONTINUITY['ALLOCATION'] is reported by `manage.py check` at deploy, not on a leader's page."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from continuity.engines.allocation import AllocationInputError


@register()
def allocation_policy(app_configs: Any, **kwargs: Any) -> list[Error]:
    from continuity.allocation.engine_io import policy

    try:
        policy()
    except AllocationInputError as exc:
        return [
            Error(
                f"The allocation policy setting is not valid: {exc}",
                hint="Fix CONTINUITY['ALLOCATION'] (fields in docs/engines/allocation.md).",
                id="continuity.E001",
            )
        ]
    return []
