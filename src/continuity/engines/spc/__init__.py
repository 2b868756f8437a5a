"""SPC: XmR charts in the Making Data Count style, matching NHSRplotthedots 0.2.2 — limits,
the special-cause rules, the variation and assurance icons. See docs/engines/spc.md."""

from continuity.engines.spc.io import chart_to_dict, series_from_dict, series_from_json
from continuity.engines.spc.model import (
    Assurance,
    Chart,
    ChartPoint,
    Direction,
    Limits,
    Observation,
    Period,
    PointType,
    Rule,
    Series,
    SpcInputError,
    Variation,
)
from continuity.engines.spc.xmr import assurance, period_limits, validate, xmr

__all__ = [
    "Assurance",
    "Chart",
    "ChartPoint",
    "Direction",
    "Limits",
    "Observation",
    "Period",
    "PointType",
    "Rule",
    "Series",
    "SpcInputError",
    "Variation",
    "assurance",
    "chart_to_dict",
    "period_limits",
    "series_from_dict",
    "series_from_json",
    "validate",
    "xmr",
]
