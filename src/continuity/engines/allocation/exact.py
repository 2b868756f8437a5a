"""The whole allocation problem as one mixed-integer programme, solved by HiGHS (via SciPy).

Named midwife and buddy are chosen together, so this is the reference the flow solver is held
to: on small instances the MIP gives the true optimum, and its LP relaxation gives a bound at any
size that it can be built for. Variables:

- x[w,o] — woman w gets named option o; u[w] — she is unplaced;
- z[w,b] — midwife b is her buddy; n[w] — a pinned woman has no buddy available;
- p[w,o] — her buddy is the partner of option o's midwife (earns back the not-partner cost);
- s[b,month] — buddies above b's own monthly share (the balance cost).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from continuity.engines.allocation.instance import HalfKey, Instance, MonthKey
from continuity.engines.allocation.score import Solution


@dataclass(frozen=True, slots=True)
class ExactResult:
    solution: Solution | None  # None for the LP relaxation
    objective: float  # the programme's objective (the LP value for a relaxation)
    bound: float  # a proven lower bound
    status: str  # "optimal", "time_limit", ...
    variables: int
    constraints: int


class _Builder:
    def __init__(self) -> None:
        self.cost: list[float] = []
        self.integer: list[int] = []
        self.upper: list[float] = []
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []
        self.lo: list[float] = []
        self.hi: list[float] = []

    def var(self, cost: float, *, integer: bool = True, upper: float = 1.0) -> int:
        self.cost.append(cost)
        self.integer.append(1 if integer else 0)
        self.upper.append(upper)
        return len(self.cost) - 1

    def row(self, terms: list[tuple[int, float]], lo: float, hi: float) -> None:
        r = len(self.lo)
        for col, val in terms:
            self.rows.append(r)
            self.cols.append(col)
            self.vals.append(val)
        self.lo.append(lo)
        self.hi.append(hi)


def solve(inst: Instance, *, relax: bool = False, time_limit: float = 60.0) -> ExactResult:
    policy = inst.problem.policy
    big = _Builder()
    constant = 0.0
    x: dict[tuple[int, int], int] = {}  # (w, named midwife) -> column
    z: dict[tuple[int, int], int] = {}  # (w, buddy midwife) -> column
    half_cells: dict[tuple[int, HalfKey], list[int]] = defaultdict(list)
    month_cells: dict[tuple[int, MonthKey], list[int]] = defaultdict(list)
    total_cells: dict[int, list[int]] = defaultdict(list)
    buddy_cells: dict[tuple[int, MonthKey], list[int]] = defaultdict(list)

    for w in range(len(inst.women)):
        pin = inst.pinned[w]
        options = inst.options[w]
        if pin is not None:
            constant += options[0].named_cost if options else 0.0
            named_ids = [pin]
        else:
            named_ids = [o.midwife for o in options]
            cols = []
            for o in options:
                col = big.var(o.named_cost)
                x[(w, o.midwife)] = col
                cols.append(col)
                half_cells[(o.midwife, inst.half[w])].append(col)
                month_cells[(o.midwife, inst.month[w])].append(col)
                total_cells[o.midwife].append(col)
            u = big.var(inst.penalty[w])
            big.row([(c, 1.0) for c in cols] + [(u, 1.0)], 1.0, 1.0)
        # Buddies, grouped by the team (or the one pool) they must share with the named midwife.
        groups: dict[str, list[int]] = defaultdict(list)
        for m in named_ids:
            groups[inst.midwives[m].team if policy.team_boundaries else ""].append(m)
        for key, members in groups.items():
            terms: list[tuple[int, float]] = []
            for b in inst.buddies[w]:
                if policy.team_boundaries and inst.midwives[b.midwife].team != key:
                    continue
                col = big.var(b.cost + policy.weight_buddy_not_partner)
                z[(w, b.midwife)] = col
                buddy_cells[(b.midwife, inst.month[w])].append(col)
                terms.append((col, 1.0))
            if pin is not None:
                n = big.var(inst.penalty[w])  # no buddy free: her unplaced cost, as scored
                big.row([*terms, (n, 1.0)], 1.0, 1.0)
            else:
                big.row(terms + [(x[(w, m)], -1.0) for m in members], 0.0, 0.0)
        for m in named_ids:
            if (w, m) in z and (w, m) in x:
                big.row([(x[(w, m)], 1.0), (z[(w, m)], 1.0)], -np.inf, 1.0)
            partner = inst.partner[m]
            if partner is not None and (w, partner) in z and inst.buddy_allowed(m, partner):
                p = big.var(-policy.weight_buddy_not_partner)
                big.row([(p, 1.0), (z[(w, partner)], -1.0)], -np.inf, 0.0)
                if pin is None:
                    big.row([(p, 1.0), (x[(w, m)], -1.0)], -np.inf, 0.0)
        if pin is not None and (w, pin) in z:
            big.upper[z[(w, pin)]] = 0.0  # her buddy may not be her named midwife

    for hkey, cols in half_cells.items():
        big.row([(c, 1.0) for c in cols], -np.inf, float(inst.half_cap.get(hkey, 0)))
    for mkey, cols in month_cells.items():
        big.row([(c, 1.0) for c in cols], -np.inf, float(inst.month_cap.get(mkey, 0)))
    for m, cols in total_cells.items():
        big.row([(c, 1.0) for c in cols], -np.inf, float(inst.total_cap.get(m, 0)))
    for bkey, cols in buddy_cells.items():
        big.row([(c, 1.0) for c in cols], -np.inf, float(inst.buddy_cap.get(bkey, 0)))
        over = big.var(policy.weight_buddy_over_share, integer=False, upper=np.inf)
        share = float(inst.buddy_share.get(bkey, 0))
        big.row([(c, 1.0) for c in cols] + [(over, -1.0)], -np.inf, share)

    n_vars, n_rows = len(big.cost), len(big.lo)
    if n_vars == 0:  # nobody to place
        return ExactResult(None if relax else {}, constant, constant, "optimal", 0, 0)
    matrix = coo_array(
        (np.asarray(big.vals), (np.asarray(big.rows), np.asarray(big.cols))),
        shape=(n_rows, n_vars),
    ).tocsr()
    result = milp(
        c=np.asarray(big.cost),
        integrality=np.zeros(n_vars) if relax else np.asarray(big.integer),
        bounds=Bounds(np.zeros(n_vars), np.asarray(big.upper)),
        constraints=LinearConstraint(matrix, np.asarray(big.lo), np.asarray(big.hi)),
        options={"time_limit": time_limit, "presolve": True, "disp": False},
    )
    status = {0: "optimal", 1: "time_limit"}.get(int(result.status), f"status_{result.status}")
    if result.x is None:
        return ExactResult(None, float("nan"), float("nan"), status, n_vars, n_rows)
    value = float(result.fun) + constant
    if relax:
        return ExactResult(None, value, value, status, n_vars, n_rows)
    dual = getattr(result, "mip_dual_bound", None)
    if dual is not None and np.isfinite(dual):
        bound = float(dual) + constant
    else:  # no proven bound: only an optimal solution is its own bound
        bound = value if status == "optimal" else float("nan")
    values = result.x
    named: dict[int, int] = {w: m for (w, m), col in x.items() if values[col] > 0.5}
    for w, pin in enumerate(inst.pinned):
        if pin is not None:
            named[w] = pin
    buddies: dict[int, int] = {w: b for (w, b), col in z.items() if values[col] > 0.5}
    solution: Solution = {w: (m, buddies.get(w)) for w, m in named.items()}
    return ExactResult(solution, value, bound, status, n_vars, n_rows)
