from __future__ import annotations

import json
from dataclasses import replace

import pytest

from continuity.engines.simulation import (
    Scenario,
    SimulationInputError,
    Target,
    run,
    scenario_to_dict,
    solution_to_dict,
    solve,
    solve_request_from_dict,
    solve_request_from_json,
)
from continuity.engines.simulation.cli import main
from continuity.engines.simulation.solve import grid, misses, values_to_try

# One team of four full-time midwives has room for 4 × 36 = 144 women a year.
TEAM = Scenario(teams=1, midwives_per_team=4, births_per_year=1000)
ON_PATHWAY_35 = Target("pct_on_pathway", at_least=35)
KNOWN_70 = Target("pct_known", at_least=70)


def test_the_fewest_teams_for_35_percent_on_the_pathway():
    """35% of 1,000 women needs room for 350: 144 a team, so 3 teams (432, 43.2%)."""
    solution = solve(
        TEAM, [ON_PATHWAY_35, KNOWN_70], "teams", low=1, high=10, replications=2, seed=1
    )
    assert solution.found and solution.value == 3
    assert solution.scenario == replace(TEAM, teams=3)
    assert solution.midwives == 12 and solution.total_wte == 12.0
    assert solution.result is not None
    assert solution.result.summary("pct_on_pathway").mean == pytest.approx(43.2)
    values = [t.value for t in solution.trials]
    assert values == sorted(set(values))  # each value run once, listed by value
    assert {1, 10} <= set(values)  # the grid's two ends
    assert 2 in values  # the bisection between 1 (fails) and 3 (meets)
    for trial in solution.trials:
        assert trial.meets == (trial.value >= 3)
        assert trial.misses == (() if trial.meets else ("pct_on_pathway",))
        assert trial.result.seeds == (1, 2)  # common random numbers


def test_at_most_targets_and_more_midwives_per_team():
    """Births per midwife per month ≤ 2 with 1,000 births in 2 teams: 1000 / (12 × 2n) ≤ 2
    gives n ≥ 20.8, so 21 midwives a team; below 14 the caseload cap keeps it at 3."""
    base = Scenario(teams=2, midwives_per_team=1, births_per_year=1000)
    target = Target("births_per_midwife_month", at_most=2)
    solution = solve(base, [target], "midwives_per_team", low=1, high=30, replications=1, seed=3)
    assert solution.value == 21 and solution.midwives == 42
    assert len(solution.trials) <= 7 + 5  # the grid and a bisection, not every value


def test_wte_moves_in_steps():
    """50% of 1,000 women with 24 midwives: floor(36 × wte) ≥ 21, so wte 0.6 in steps of 0.05."""
    base = Scenario(teams=4, midwives_per_team=6, births_per_year=1000)
    target = Target("pct_on_pathway", at_least=50)
    solution = solve(base, [target], "wte", low=0.1, high=1.0, replications=1, seed=1)
    assert solution.value == pytest.approx(0.6)
    assert solution.total_wte == pytest.approx(24 * 0.6)
    coarse = solve(base, [target], "wte", low=0.1, high=1.0, replications=1, seed=1, step=0.25)
    assert [t.value for t in coarse.trials] == [0.1, 0.35, 0.6, 0.85, 1.0]
    assert coarse.value == pytest.approx(0.6)


def test_nothing_meets_gives_no_answer_but_every_trial():
    solution = solve(
        TEAM,
        [Target("pct_on_pathway", at_least=101)],
        "teams",
        low=1,
        high=9,
        replications=1,
        seed=1,
    )
    assert not solution.found
    assert solution.value is None and solution.scenario is None and solution.midwives is None
    assert [t.value for t in solution.trials] == [1, 2, 4, 5, 6, 8, 9]
    assert all(t.misses == ("pct_on_pathway",) for t in solution.trials)
    data = solution_to_dict(solution)
    assert data["found"] is False and data["result"] is None and len(data["trials"]) == 7


def test_a_caseload_range_can_meet_only_in_its_middle():
    """More caseload puts more women on the pathway but leaves each midwife fewer visits to
    spare, so the contacts with the named midwife fall: the targets below meet only between."""
    base = Scenario(teams=1, midwives_per_team=8, births_per_year=1000, max_births_per_month=31)
    targets = [Target("pct_on_pathway", at_least=40), Target("pct_contacts_named", at_least=80)]
    solution = solve(base, targets, "caseload_per_wte", low=20, high=200, replications=1, seed=1)
    assert solution.value == 50  # 8 × 50 = 400 women is 40%
    by_value = {t.value: t for t in solution.trials}
    assert by_value[50].meets and by_value[49].misses == ("pct_on_pathway",)
    assert by_value[80].meets
    assert by_value[110].misses == ("pct_contacts_named",)  # 110 women each: too many visits
    assert by_value[200].misses == ("pct_contacts_named",)


def test_conservative_judges_on_the_interval():
    result = run(TEAM, 5, seed=1)
    known = result.summary("pct_known")
    assert known.low is not None and known.high is not None
    between = Target("pct_known", at_least=(known.low + known.mean) / 2)
    assert misses(result, [between], conservative=False) == ()
    assert misses(result, [between], conservative=True) == ("pct_known",)
    below = Target("pct_known", at_most=(known.mean + known.high) / 2)
    assert misses(result, [below], conservative=False) == ()
    assert misses(result, [below], conservative=True) == ("pct_known",)
    exact = Target("pct_on_pathway", at_least=result.summary("pct_on_pathway").mean)
    assert misses(result, [exact], conservative=True) == ()  # no spread: the interval is a point


def test_grid_and_values():
    assert grid(3) == [0, 1, 2]
    assert grid(100) == [0, 17, 33, 50, 66, 83, 99]  # halves up
    assert values_to_try("teams", 2, 5, None) == [2, 3, 4, 5]
    assert values_to_try("wte", 0.5, 0.62, None) == [0.5, 0.55, 0.6, 0.62]


@pytest.mark.parametrize(
    ("targets", "vary", "low", "high", "path", "message"),
    [
        ([], "teams", 1, 5, "targets", "must have at least one target"),
        (
            [ON_PATHWAY_35, Target("pct_happy", at_least=1)],
            "teams",
            1,
            5,
            "targets[1].metric",
            "unknown metric 'pct_happy'",
        ),
        ([Target("pct_known")], "teams", 1, 5, "targets[0]", "exactly one of at_least"),
        (
            [Target("pct_known", at_least=1, at_most=2)],
            "teams",
            1,
            5,
            "targets[0]",
            "exactly one",
        ),
        ([ON_PATHWAY_35], "nurses", 1, 5, "vary", "must be one of teams, midwives_per_team"),
        ([ON_PATHWAY_35], "teams", 5, 5, "low", "must be below high"),
        ([ON_PATHWAY_35], "teams", 1.5, 5, "low", "must be a whole number for teams"),
        ([ON_PATHWAY_35], "teams", 0, 5, "low", "teams must be from 1 to 500"),
        ([ON_PATHWAY_35], "midwives_per_team", 1, 101, "high", "midwives_per_team must be from"),
        ([ON_PATHWAY_35], "wte", 0, 1, "low", "wte must be more than 0 and at most 1.5"),
        ([ON_PATHWAY_35], "caseload_per_wte", -5, 40, "low", "caseload_per_wte must be more"),
    ],
)
def test_impossible_solve_requests_name_the_field(targets, vary, low, high, path, message):
    with pytest.raises(SimulationInputError) as caught:
        solve(TEAM, targets, vary, low=low, high=high, replications=1, seed=1)
    assert caught.value.path == path
    assert message in str(caught.value)


def test_solve_checks_the_run_arguments_and_step_before_running():
    with pytest.raises(SimulationInputError, match=r"^replications: "):
        solve(TEAM, [ON_PATHWAY_35], "teams", low=1, high=3, replications=0, seed=1)
    with pytest.raises(SimulationInputError, match=r"^step: must be a whole number more than 0"):
        solve(TEAM, [ON_PATHWAY_35], "teams", low=1, high=3, replications=1, seed=1, step=0.5)
    with pytest.raises(SimulationInputError, match=r"^step: must be a number more than 0"):
        solve(TEAM, [ON_PATHWAY_35], "wte", low=0.5, high=1, replications=1, seed=1, step=0)


# -- the JSON form and the command line --------------------------------------------------------

REQUEST = {
    "vary": "teams",
    "low": 1,
    "high": 6,
    "targets": [
        {"metric": "pct_on_pathway", "at_least": 35},
        {"metric": "pct_known", "at_least": 70},
    ],
    "conservative": False,
}


def test_the_solve_request_reads_from_json():
    request = solve_request_from_json(json.dumps(REQUEST))
    assert request.vary == "teams" and request.low == 1 and request.high == 6
    assert request.targets == (ON_PATHWAY_35, KNOWN_70)
    assert request.step is None and request.conservative is False
    assert solve_request_from_dict({**REQUEST, "step": 2}).step == 2


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"vary": "beds"}, "vary"),
        ({"low": "one"}, "low"),
        ({"high": None}, "high"),
        ({"targets": {}}, "targets"),
        ({"targets": []}, "targets"),
        ({"targets": [{"metric": "pct_known"}]}, "targets[0]"),
        ({"targets": [{"metric": "pct_known", "at_least": "70"}]}, "targets[0].at_least"),
        ({"targets": [{"metric": "pct_known", "at_least": 70, "why": 1}]}, "targets[0].why"),
        ({"targets": [{"at_least": 70}]}, "targets[0].metric"),
        ({"conservative": "yes"}, "conservative"),
        ({"budget": 3}, "budget"),
    ],
)
def test_impossible_solve_requests_in_json_name_the_field(change, path):
    with pytest.raises(SimulationInputError) as caught:
        solve_request_from_dict({**REQUEST, **change})
    assert caught.value.path == path
    with pytest.raises(SimulationInputError, match="not valid JSON"):
        solve_request_from_json("{")


def test_cli_solves_when_asked(tmp_path):
    scenario = tmp_path / "s.json"
    scenario.write_text(json.dumps(scenario_to_dict(TEAM)))
    request = tmp_path / "solve.json"
    request.write_text(json.dumps(REQUEST))
    out = tmp_path / "answer.json"
    argv = ["--scenario", str(scenario), "--replications", "2", "--seed", "1"]
    assert main([*argv, "--solve", str(request), "--out", str(out)]) == 0
    written = json.loads(out.read_text())
    assert written["found"] is True and written["value"] == 3
    assert written["vary"] == "teams" and written["replications"] == 2 and written["seed"] == 1
    assert written["targets"] == REQUEST["targets"]
    assert written["scenario"]["teams"] == 3 and written["midwives"] == 12
    assert written["result"]["metrics"]["pct_on_pathway"]["mean"] == pytest.approx(43.2)
    assert [t["value"] for t in written["trials"]] == [1, 2, 3, 4, 5, 6]
    assert written["trials"][0]["misses"] == ["pct_on_pathway"]


def test_cli_names_a_bad_solve_request(tmp_path, capsys):
    scenario = tmp_path / "s.json"
    scenario.write_text(json.dumps(scenario_to_dict(TEAM)))
    request = tmp_path / "solve.json"
    request.write_text(json.dumps({**REQUEST, "low": 0}))
    out = tmp_path / "answer.json"
    argv = ["--scenario", str(scenario), "--replications", "1", "--seed", "1", "--out", str(out)]
    assert main([*argv, "--solve", str(request)]) == 2
    assert "continuity simulate: low: teams must be from 1 to 500" in capsys.readouterr().err
    assert main([*argv, "--solve", str(tmp_path / "missing.json")]) == 2
    assert "--solve: cannot read" in capsys.readouterr().err
    assert not out.exists()
