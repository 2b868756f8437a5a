"""The measures as SQL over the MSDS-shaped tables of `schema.py`.

Each measure is built in two steps. Its CTEs end in `flags`: one row per unit counted (a
pregnancy, an attended contact, a baby or a guideline contact) with `preg` (the UniqPregID the
breakdowns come from), `num` (in the numerator), `team` (the breakdown team) and, for the gated
measures, `placed`, `dq06` and `dq07`. `measure_sql` then labels each unit with the other
breakdowns and counts it with GROUPING SETS in one pass.

The SQL is ANSI apart from the date arithmetic in `dialect.py`. The qualifying care plan is
found once per measure with ROW_NUMBER; there are no correlated subqueries or cross joins.

Bandit's B608 (SQL built from strings) is silenced line by line here: every fragment is built from
this module's constants, table and column names from `schema.py` and dates formatted by
`dialect.date_literal` from `date` objects. No text from a file or a user reaches the SQL.
"""

# ruff: noqa: S608 - SQL built from the schema's names and validated dates; no user text.

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Final

from continuity.engines import equity
from continuity.engines.gestation import GA_17_0, GA_29_0, GA_35_0, GA_37_0, TERM_DAYS
from continuity.engines.measures.dialect import add_days, date_literal, is_weekend, time_literal
from continuity.engines.measures.model import (
    BREAKDOWNS,
    MEASURES,
    NOT_RECORDED,
    ONGOING_LAG_MONTHS,
    MeasuresInputError,
    Month,
)

ATTENDED: Final = "('5', '6')"  # attended: on time, or late but seen
MISSING: Final = equity.MISSING_UNKNOWN
_OUT_OF_HOURS_FROM: Final = "17:00:00"
_IN_HOURS_FROM: Final = "09:00:00"

Ctes = list[str]


# --- shared pieces --------------------------------------------------------------------------


def _present(column: str) -> str:
    """Empty text counts as not recorded (already so after `load`; this is for connections
    built elsewhere)."""
    return f"NULLIF({column}, '')"


def _label(column: str, missing: str = NOT_RECORDED) -> str:
    return f"COALESCE({_present(column)}, '{missing}')"


def reach_date(days: int, booking: str = "b") -> str:
    """The date the pregnancy reaches `days` of gestation: booking date + (days − GA at
    booking), or, without a GA at booking, EDD − (280 − days)."""
    from_booking = add_days(f"{booking}.AntenatalAppDate", f"{days} - {booking}.GestAgeBooking")
    from_edd = add_days(f"{booking}.EDDAgreed", str(days - TERM_DAYS))
    return f"CASE WHEN {booking}.GestAgeBooking IS NOT NULL THEN {from_booking} ELSE {from_edd} END"


def _plans05(name: str, *, any_indicator: bool = False) -> str:
    """Antenatal (type 05) care plans with a date; by default only those with a CoC indicator."""
    indicator = "" if any_indicator else " AND ContCarePathInd IS NOT NULL"
    return f"""{name} AS (
    SELECT UniqPregID, CarePlanDate, ContCarePathInd,
           {_present("CareProfLID")} AS prof, {_present("TeamLocalID")} AS team
    FROM MSD102MatCarePlan
    WHERE CarePlanType = '05' AND CarePlanDate IS NOT NULL{indicator}
)"""  # nosec B608


_COMPLETE: Final = "(p.ContCarePathInd = 'Y' AND p.prof IS NOT NULL AND p.team IS NOT NULL)"


def _latest(name: str, refs: str, plans: str) -> str:
    """For each (UniqPregID, ref_date) of `refs`, the latest plan of `plans` dated on or before
    ref_date. Ties on the date: the complete row first (Y, a professional and a team), then
    CareProfLID, then TeamLocalID, ascending with nulls last. `placed` is that plan putting her
    on a CoC pathway."""
    return f"""{name} AS (
    SELECT UniqPregID, ref_date, CarePlanDate AS plan_date, prof, team, placed
    FROM (
        SELECT r.UniqPregID, r.ref_date, p.CarePlanDate, p.prof, p.team,
               COALESCE({_COMPLETE}, FALSE) AS placed,
               ROW_NUMBER() OVER (
                   PARTITION BY r.UniqPregID, r.ref_date
                   ORDER BY p.CarePlanDate DESC,
                            CASE WHEN {_COMPLETE} THEN 0 ELSE 1 END,
                            p.prof ASC NULLS LAST,
                            p.team ASC NULLS LAST
               ) AS rn
        FROM {refs} r
        JOIN {plans} p ON p.UniqPregID = r.UniqPregID AND p.CarePlanDate <= r.ref_date
    ) ranked
    WHERE rn = 1
)"""  # nosec B608


def _team_at_month_end(units: str, month: Month) -> Ctes:
    """`team_plan`: each unit's pregnancy's latest type-05 plan on or before the month end."""
    return [
        f"""month_end AS (
    SELECT DISTINCT UniqPregID, {date_literal(month.last)} AS ref_date
    FROM {units}
    WHERE UniqPregID IS NOT NULL
)""",  # nosec B608
        _latest("team_plan", "month_end", "plans05"),
    ]


def _between(column: str, month: Month) -> str:
    return f"{column} BETWEEN {date_literal(month.first)} AND {date_literal(month.last)}"


# --- the pregnancy cohorts reaching a gestational age -----------------------------------------


def _ga_cohort(days: int, month: Month) -> Ctes:
    """`units`: pregnancies reaching `days` in the month and not discharged on or before."""
    return [
        f"""dated AS (
    SELECT b.UniqPregID, {reach_date(days)} AS ref_date,
           b.DischargeDateMatService AS discharge
    FROM MSD101PregnancyBooking b
)""",  # nosec B608
        f"""units AS (
    SELECT UniqPregID, ref_date
    FROM dated
    WHERE {_between("ref_date", month)}
      AND (discharge IS NULL OR discharge > ref_date)
)""",  # nosec B608
        _plans05("plans05"),
        _latest("latest", "units", "plans05"),
    ]


def coc_by_28weeks(month: Month) -> Ctes:
    return [
        *_ga_cohort(GA_29_0, month),
        f"""flags AS (
    SELECT u.UniqPregID AS preg,
           COALESCE(l.placed, FALSE) AS num,
           {_label("l.team")} AS team
    FROM units u
    LEFT JOIN latest l ON l.UniqPregID = u.UniqPregID AND l.ref_date = u.ref_date
)""",  # nosec B608
    ]


def _pcsp(days: int, types: tuple[str, ...]) -> Callable[[Month], Ctes]:
    codes = ", ".join(f"'{code}'" for code in types)

    def build(month: Month) -> Ctes:
        return [
            *_ga_cohort(days, month),
            f"""pcsp AS (
    SELECT u.UniqPregID, COUNT(DISTINCT p.CarePlanType) AS types
    FROM units u
    JOIN MSD102MatCarePlan p ON p.UniqPregID = u.UniqPregID
    WHERE p.MatPersCarePlanInd = 'Y' AND p.CarePlanType IN ({codes})
      AND p.CarePlanDate <= u.ref_date
    GROUP BY u.UniqPregID
)""",  # nosec B608
            f"""flags AS (
    SELECT u.UniqPregID AS preg,
           COALESCE(c.types = {len(types)}, FALSE) AS num,
           {_label("l.team")} AS team
    FROM units u
    LEFT JOIN latest l ON l.UniqPregID = u.UniqPregID AND l.ref_date = u.ref_date
    LEFT JOIN pcsp c ON c.UniqPregID = u.UniqPregID
)""",  # nosec B608
        ]

    return build


def _ongoing(*, team_counts: bool) -> Callable[[Month], Ctes]:
    """COC_receiving_ongoing (named professional or team) and its named-midwife variant."""
    by_named = (
        "(a.CareProfLID = p.prof OR a.TeamLocalID = p.team)"
        if team_counts
        else ("a.CareProfLID = p.prof")
    )

    def build(month: Month) -> Ctes:
        cohort = month.shifted(-ONGOING_LAG_MONTHS)
        return [
            f"""units AS (
    SELECT UniqPregID, ref_date, discharge
    FROM (
        SELECT b.UniqPregID, {reach_date(GA_29_0)} AS ref_date,
               b.DischargeDateMatService AS discharge
        FROM MSD101PregnancyBooking b
    ) dated
    WHERE {_between("ref_date", cohort)}
)""",  # nosec B608
            _plans05("plans05"),
            _latest("latest", "units", "plans05"),
            """placed AS (
    SELECT u.UniqPregID, u.discharge, l.plan_date, l.prof, l.team
    FROM units u
    JOIN latest l ON l.UniqPregID = u.UniqPregID AND l.ref_date = u.ref_date
    WHERE l.placed
)""",
            f"""window_contacts AS (
    SELECT c.UniqPregID, c.CareConID,
           MAX(CASE WHEN c.AttendCode IN {ATTENDED} THEN 1 ELSE 0 END) AS attended
    FROM MSD201CareContactPreg c
    JOIN placed p ON p.UniqPregID = c.UniqPregID
    WHERE c.CContactDate BETWEEN p.plan_date AND p.discharge
    GROUP BY c.UniqPregID, c.CareConID
)""",  # nosec B608
            f"""named_contacts AS (
    SELECT DISTINCT w.UniqPregID, w.CareConID
    FROM window_contacts w
    JOIN placed p ON p.UniqPregID = w.UniqPregID
    JOIN MSD202CareActivityPreg a ON a.CareConID = w.CareConID
    WHERE w.attended = 1 AND {by_named}
)""",  # nosec B608
            """contact_counts AS (
    SELECT w.UniqPregID,
           COUNT(*) AS contacts,
           SUM(w.attended) AS attended,
           COUNT(n.CareConID) AS named
    FROM window_contacts w
    LEFT JOIN named_contacts n ON n.UniqPregID = w.UniqPregID AND n.CareConID = w.CareConID
    GROUP BY w.UniqPregID
)""",
            """labours AS (
    SELECT DISTINCT l.UniqPregID, l.LabourDeliveryID
    FROM MSD301LabourDelivery l
    JOIN placed p ON p.UniqPregID = l.UniqPregID
)""",
            "laboured AS (SELECT DISTINCT UniqPregID FROM labours)",
            f"""labour_named AS (
    SELECT DISTINCT l.UniqPregID
    FROM labours l
    JOIN placed p ON p.UniqPregID = l.UniqPregID
    JOIN MSD302CareActivityLabDel a ON a.LabourDeliveryID = l.LabourDeliveryID
    WHERE {by_named}
)""",  # nosec B608
            f"""flags AS (
    SELECT u.UniqPregID AS preg,
           {_label("l.team")} AS team,
           COALESCE(l.placed, FALSE) AS placed,
           COALESCE(l.placed AND u.discharge >= l.plan_date, FALSE) AS dq06,
           COALESCE(l.placed AND cc.contacts >= 3, FALSE) AS dq07,
           COALESCE(
               l.placed
               AND u.discharge >= l.plan_date
               AND cc.attended > 0
               AND 10 * cc.named >= 7 * cc.attended
               AND (lb.UniqPregID IS NULL OR ln.UniqPregID IS NOT NULL),
               FALSE
           ) AS num
    FROM units u
    LEFT JOIN latest l ON l.UniqPregID = u.UniqPregID AND l.ref_date = u.ref_date
    LEFT JOIN contact_counts cc ON cc.UniqPregID = u.UniqPregID
    LEFT JOIN laboured lb ON lb.UniqPregID = u.UniqPregID
    LEFT JOIN labour_named ln ON ln.UniqPregID = u.UniqPregID
)""",  # nosec B608
        ]

    return build


# --- the local measures over contacts, babies and guideline contacts -------------------------


def contacts_named_or_buddy(month: Month) -> Ctes:
    return [
        f"""attended AS (
    SELECT UniqPregID, CareConID, MIN(CContactDate) AS ref_date
    FROM MSD201CareContactPreg
    WHERE AttendCode IN {ATTENDED} AND {_between("CContactDate", month)}
    GROUP BY UniqPregID, CareConID
)""",  # nosec B608
        "refs AS (SELECT DISTINCT UniqPregID, ref_date FROM attended)",
        _plans05("plans05"),
        _latest("latest", "refs", "plans05"),
        """units AS (
    SELECT a.UniqPregID, a.CareConID, l.prof
    FROM attended a
    JOIN latest l ON l.UniqPregID = a.UniqPregID AND l.ref_date = a.ref_date
    WHERE l.placed
)""",
        """hits AS (
    SELECT DISTINCT u.UniqPregID, u.CareConID
    FROM units u
    JOIN MSD202CareActivityPreg a ON a.CareConID = u.CareConID
    LEFT JOIN LOCALBuddy bd
      ON bd.UniqPregID = u.UniqPregID AND bd.CareProfLIDBuddy = a.CareProfLID
    WHERE a.CareProfLID = u.prof OR bd.UniqPregID IS NOT NULL
)""",
        *_team_at_month_end("units", month),
        f"""flags AS (
    SELECT u.UniqPregID AS preg,
           h.CareConID IS NOT NULL AS num,
           {_label("t.team")} AS team
    FROM units u
    LEFT JOIN hits h ON h.UniqPregID = u.UniqPregID AND h.CareConID = u.CareConID
    LEFT JOIN team_plan t ON t.UniqPregID = u.UniqPregID
)""",  # nosec B608
    ]


def births_known_midwife(month: Month) -> Ctes:
    return [
        # Babies have no identifier: number them. The order only matters between identical
        # rows, which count the same.
        f"""babies AS (
    SELECT ROW_NUMBER() OVER (
               ORDER BY d.LabourDeliveryID, d.PersonBirthDateBaby, d.CareProfLIDDel
           ) AS baby,
           d.LabourDeliveryID, d.PersonBirthDateBaby AS ref_date,
           {_present("d.CareProfLIDDel")} AS deliverer, l.UniqPregID
    FROM MSD401BabyDemographics d
    LEFT JOIN MSD301LabourDelivery l ON l.LabourDeliveryID = d.LabourDeliveryID
    WHERE {_between("d.PersonBirthDateBaby", month)}
)""",  # nosec B608
        "refs AS (SELECT DISTINCT UniqPregID, ref_date FROM babies WHERE UniqPregID IS NOT NULL)",
        _plans05("plans05_any", any_indicator=True),
        _latest("plan_at_birth", "refs", "plans05_any"),
        f"""known AS (
    SELECT b.baby, p.prof
    FROM babies b
    JOIN plan_at_birth p ON p.UniqPregID = b.UniqPregID AND p.ref_date = b.ref_date
    WHERE p.prof IS NOT NULL
    UNION
    SELECT b.baby, bd.CareProfLIDBuddy
    FROM babies b
    JOIN LOCALBuddy bd ON bd.UniqPregID = b.UniqPregID
    WHERE bd.CareProfLIDBuddy IS NOT NULL
    UNION
    SELECT b.baby, a.CareProfLID
    FROM babies b
    JOIN MSD201CareContactPreg c ON c.UniqPregID = b.UniqPregID
    JOIN MSD202CareActivityPreg a ON a.CareConID = c.CareConID
    WHERE c.AttendCode IN {ATTENDED} AND c.CContactDate < b.ref_date
      AND a.CareProfLID IS NOT NULL
)""",  # nosec B608
        """present AS (
    SELECT baby, deliverer AS prof FROM babies WHERE deliverer IS NOT NULL
    UNION
    SELECT b.baby, a.CareProfLID
    FROM babies b
    JOIN MSD302CareActivityLabDel a ON a.LabourDeliveryID = b.LabourDeliveryID
    WHERE a.CareProfLID IS NOT NULL
)""",
        """hits AS (
    SELECT DISTINCT k.baby
    FROM known k
    JOIN present p ON p.baby = k.baby AND p.prof = k.prof
)""",
        _plans05("plans05"),
        *_team_at_month_end("babies", month),
        f"""flags AS (
    SELECT b.UniqPregID AS preg,
           h.baby IS NOT NULL AS num,
           {_label("t.team")} AS team
    FROM babies b
    LEFT JOIN hits h ON h.baby = b.baby
    LEFT JOIN team_plan t ON t.UniqPregID = b.UniqPregID
)""",  # nosec B608
    ]


def visits_out_of_hours(month: Month) -> Ctes:
    early = time_literal(time.fromisoformat(_IN_HOURS_FROM))
    late = time_literal(time.fromisoformat(_OUT_OF_HOURS_FROM))
    return [
        f"""units AS (
    SELECT UniqPregID, CareConID,
           MAX(CASE WHEN {is_weekend("CContactDate")}
                         OR CContactTime < {early} OR CContactTime >= {late}
                    THEN 1 ELSE 0 END) AS out_of_hours
    FROM MSD201CareContactPreg
    WHERE AttendCode IN {ATTENDED} AND {_between("CContactDate", month)}
    GROUP BY UniqPregID, CareConID
)""",  # nosec B608
        _plans05("plans05"),
        *_team_at_month_end("units", month),
        f"""flags AS (
    SELECT u.UniqPregID AS preg,
           u.out_of_hours = 1 AS num,
           {_label("t.team")} AS team
    FROM units u
    LEFT JOIN team_plan t ON t.UniqPregID = u.UniqPregID
)""",  # nosec B608
    ]


def guideline_on_time(month: Month) -> Ctes:
    return [
        f"""units AS (
    SELECT ROW_NUMBER() OVER (
               ORDER BY UniqPregID, WindowStartDate, WindowEndDate
           ) AS due, UniqPregID, WindowStartDate, WindowEndDate
    FROM LOCALGuidelineContact
    WHERE {_between("WindowEndDate", month)}
)""",  # nosec B608
        f"""hits AS (
    SELECT DISTINCT u.due
    FROM units u
    JOIN MSD201CareContactPreg c ON c.UniqPregID = u.UniqPregID
    WHERE c.AttendCode IN {ATTENDED}
      AND c.CContactDate BETWEEN u.WindowStartDate AND u.WindowEndDate
)""",  # nosec B608
        _plans05("plans05"),
        *_team_at_month_end("units", month),
        f"""flags AS (
    SELECT u.UniqPregID AS preg,
           h.due IS NOT NULL AS num,
           {_label("t.team")} AS team
    FROM units u
    LEFT JOIN hits h ON h.due = u.due
    LEFT JOIN team_plan t ON t.UniqPregID = u.UniqPregID
)""",  # nosec B608
    ]


BUILDERS: Final[dict[str, Callable[[Month], Ctes]]] = {
    "COC_by_28weeks": coc_by_28weeks,
    "COC_receiving_ongoing": _ongoing(team_counts=True),
    "PCSP_by_16weeks": _pcsp(GA_17_0, ("05",)),
    "PCSP_by_34weeks": _pcsp(GA_35_0, ("06",)),
    "PCSP_by_36weeks": _pcsp(GA_37_0, ("07",)),
    "PCSP_all_three": _pcsp(GA_37_0, ("05", "06", "07")),
    "LOCAL_named_midwife_continuity": _ongoing(team_counts=False),
    "LOCAL_contacts_named_or_buddy": contacts_named_or_buddy,
    "LOCAL_births_known_midwife": births_known_midwife,
    "LOCAL_visits_out_of_hours": visits_out_of_hours,
    "LOCAL_guideline_on_time": guideline_on_time,
}


# --- breakdown labels, generated from equity.py so SQL and Python cannot disagree -----------


def _case(column: str, mapping: dict[str, str], default: str) -> str:
    whens = " ".join(f"WHEN {key} THEN '{value}'" for key, value in mapping.items())
    return f"CASE {column} {whens} ELSE '{default}' END"


def ethnicity_sql(column: str, grouping: Callable[[str | None], str]) -> str:
    codes = {f"'{code}'": grouping(code) for code in equity.ETHNIC_CATEGORIES}
    return _case(column, codes, grouping(None))


def decile_sql(column: str, label: Callable[[int], str]) -> str:
    return _case(column, {str(decile): label(decile) for decile in range(1, 11)}, MISSING)


def _quintile(decile: int) -> str:
    return str(equity.imd_quintile(decile))


def _core20(decile: int) -> str:
    return "Core20" if equity.is_core20(decile) else "Not Core20"


LABELS: Final[dict[str, str]] = {
    "team": "f.team",
    "site": _label("b.OrgSiteIDBooking"),
    "ethnicity_coc": ethnicity_sql("m.EthnicCategoryMother", equity.coc_group),
    "ethnicity_fine": ethnicity_sql("m.EthnicCategoryMother", equity.fine_group),
    "imd_decile": decile_sql("i.IMD_Decile", str),
    "imd_quintile": decile_sql("i.IMD_Decile", _quintile),
    "core20": decile_sql("i.IMD_Decile", _core20),
}
KEYED: Final[tuple[str, ...]] = BREAKDOWNS[1:]  # every breakdown but the total
GATE_COLUMNS: Final[tuple[str, ...]] = ("placed", "dq06", "dq07")


def _ctes(measure: str, month: Month) -> Ctes:
    try:
        return BUILDERS[measure](month)
    except KeyError:
        raise MeasuresInputError(
            "measure", f"unknown measure {measure!r}; choose from {', '.join(MEASURES)}"
        ) from None


def _with(ctes: Ctes) -> str:
    return "WITH " + ",\n".join(ctes)


def measure_sql(measure: str, month: Month) -> str:
    """One row per grouping set: the GROUPING() flag of each keyed breakdown, its label,
    `denominator`, `numerator` and, for gated measures, `placed`, `dq06` and `dq07` counts."""
    gated = MEASURES[measure].gated if measure in MEASURES else False
    extra = [f"f.{name}" for name in GATE_COLUMNS] if gated else []
    labels = ",\n           ".join(
        [*extra, "f.num", *(f"{sql} AS {name}" for name, sql in LABELS.items())]
    )
    labelled = f"""labelled AS (
    SELECT {labels}
    FROM flags f
    LEFT JOIN MSD101PregnancyBooking b ON b.UniqPregID = f.preg
    LEFT JOIN MSD001MotherDemog m ON m.Person_ID_Mother = b.Person_ID_Mother
    LEFT JOIN IMD_LSOA i ON i.LSOA = m.LSOAMother2011
)"""  # nosec B608
    counts = [
        "COUNT(*) AS denominator",
        "SUM(CASE WHEN num THEN 1 ELSE 0 END) AS numerator",
        *(f"SUM(CASE WHEN {name} THEN 1 ELSE 0 END) AS {name}" for name in GATE_COLUMNS if gated),
    ]
    select = ",\n       ".join(
        [*(f"GROUPING({name}) AS g_{name}" for name in KEYED), *KEYED, *counts]
    )
    sets = ", ".join(["()", *(f"({name})" for name in KEYED)])
    return f"""{_with([*_ctes(measure, month), labelled])}
SELECT {select}
FROM labelled
GROUP BY GROUPING SETS ({sets})"""  # nosec B608


def flags_sql(measure: str, month: Month) -> str:
    """Each unit's pregnancy and whether it is in the numerator, for the app."""
    return f"""{_with(_ctes(measure, month))}
SELECT preg, num FROM flags ORDER BY preg NULLS LAST, num"""  # nosec B608
