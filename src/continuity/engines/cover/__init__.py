"""Cover: who answers for each woman at any instant, where the gaps are, the on-call load to
expect and the rota's rest rules. See docs/engines/cover.md for the rules and the JSON form."""

from continuity.engines.cover.forecast import (
    DEFAULT_BIRTH_DISTRIBUTION,
    DEFAULT_NIGHT_FRACTION,
    birth_probabilities,
    forecast,
)
from continuity.engines.cover.model import (
    Arrangement,
    CoverInputError,
    Entry,
    Gap,
    Kind,
    Midwife,
    Policy,
    Resolution,
    Rota,
    Segment,
    Step,
    Team,
    Unavailable,
    Woman,
    WorkingTimeWarning,
)
from continuity.engines.cover.resolve import Grid, Index, gaps, resolve
from continuity.engines.cover.worktime import check_working_time

__all__ = [
    "DEFAULT_BIRTH_DISTRIBUTION",
    "DEFAULT_NIGHT_FRACTION",
    "Arrangement",
    "CoverInputError",
    "Entry",
    "Gap",
    "Grid",
    "Index",
    "Kind",
    "Midwife",
    "Policy",
    "Resolution",
    "Rota",
    "Segment",
    "Step",
    "Team",
    "Unavailable",
    "Woman",
    "WorkingTimeWarning",
    "birth_probabilities",
    "check_working_time",
    "forecast",
    "gaps",
    "resolve",
]
