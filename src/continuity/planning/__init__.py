"""Planning: workforce scenarios run through the simulation engine, compared side by side, and
the search for the smallest workforce that reaches a target (issue 8, ADR 0028)."""
