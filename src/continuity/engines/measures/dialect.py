"""The only SQL in the engine that is DuckDB's own rather than ANSI: date arithmetic.

Everything else in `sql.py` is CTEs, joins, window functions, CASE and GROUPING SETS, which
Spark SQL reads unchanged. To port the engine, rewrite these functions (the Spark SQL form is in
each docstring) and the queries follow.
"""

from __future__ import annotations

from datetime import date, time


def add_days(date_sql: str, days_sql: str) -> str:
    """The date `days_sql` days after `date_sql` (negative goes back). Spark: `date_add(d, n)`."""
    return f"({date_sql} + CAST({days_sql} AS INTEGER))"


def is_weekend(date_sql: str) -> str:
    """Saturday or Sunday. Spark: `dayofweek(d) IN (1, 7)` (1 is Sunday there)."""
    return f"(isodow({date_sql}) IN (6, 7))"


def date_literal(value: date) -> str:
    """ANSI `DATE 'YYYY-MM-DD'`; Spark reads it too."""
    return f"DATE '{value.isoformat()}'"


def time_literal(value: time) -> str:
    """ANSI `TIME 'HH:MM:SS'`. Spark has no TIME type: store the time as 'HH:MM:SS' text there,
    which compares the same way."""
    return f"TIME '{value.strftime('%H:%M:%S')}'"


def full_match(text_sql: str, pattern: str) -> str:
    """Whole-string regular expression match. Spark: `text RLIKE '^…$'`."""
    return f"regexp_full_match({text_sql}, '{pattern}')"
