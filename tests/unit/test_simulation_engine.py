from __future__ import annotations

import json
import math
import random
from dataclasses import replace

import pytest

from continuity.engines.simulation import (
    METRICS,
    Scenario,
    SimulationInputError,
    result_to_dict,
    run,
    scenario_from_dict,
    scenario_from_json,
    scenario_to_dict,
    simulate_year,
)
from continuity.engines.simulation.cli import main
from continuity.engines.simulation.run import quantile
from continuity.engines.simulation.sim import (
    ONSET_BY_HOUR,
    allocate,
    buddies,
    draw_births,
    touches_night,
)

# Four teams of six full-time midwives: room for 4 × 6 × 36 = 864 women a year.
SMALL = Scenario(teams=4, midwives_per_team=6, births_per_year=800)


# -- reproducibility ----------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_result_and_another_seed_does_not():
    first = result_to_dict(run(SMALL, 3, seed=7))
    assert result_to_dict(run(SMALL, 3, seed=7)) == first
    other = result_to_dict(run(SMALL, 3, seed=8))
    assert other["runs"] != first["runs"]
    assert first["seeds"] == [7, 8, 9]
    assert other["runs"][:2] == first["runs"][1:]  # replication k uses seed + k


def test_the_worker_count_never_changes_the_result():
    assert result_to_dict(run(SMALL, 4, seed=3, workers=2)) == result_to_dict(
        run(SMALL, 4, seed=3, workers=1)
    )


# -- conservation -------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", ["named_on_call", "team_rota", "mix"])
def test_every_birth_is_attended_by_exactly_one_category(policy):
    for seed in range(3):
        year = simulate_year(replace(SMALL, policy=policy, births_per_year=1000), seed)
        assert year.births == 1000
        assert year.named + year.buddy + year.team + year.other == year.births
        total = year.pct_named + year.pct_buddy + year.pct_team + year.pct_other
        assert math.isclose(total, 100.0, abs_tol=1e-9)
        assert year.unplaced == 1000 - 864
        assert year.other >= year.unplaced  # an unplaced woman is attended by someone else


def test_the_summary_covers_every_output_and_its_interval_contains_the_mean():
    result = run(SMALL, 5, seed=1)
    assert [s.metric for s in result.summaries] == list(METRICS)
    for summary in result.summaries:
        assert summary.low is not None and summary.high is not None
        assert summary.low <= summary.mean <= summary.high
    one = run(SMALL, 1, seed=1).summary("pct_named")
    assert one.half_width is None and one.low is None


def test_intervals_shrink_as_replications_grow():
    few = run(SMALL, 5, seed=11)
    many = run(SMALL, 40, seed=11, workers=2)
    assert few.interval_method == "t" and many.interval_method == "normal"
    for metric in ("pct_named", "call_outs_per_midwife_month", "night_call_outs_per_midwife_month"):
        small, large = few.summary(metric).half_width, many.summary(metric).half_width
        assert small is not None and large is not None
        assert large < small


def test_the_quantiles():
    assert quantile(5) == (pytest.approx(2.776, abs=1e-3), "t")
    assert quantile(29)[1] == "t"
    assert quantile(30) == (pytest.approx(1.96, abs=1e-3), "normal")


# -- the model ----------------------------------------------------------------------------------


def test_team_rota_gives_fewer_births_with_the_named_midwife_than_named_on_call():
    shares = {
        policy: run(replace(SMALL, policy=policy), 3, seed=5).summary("pct_named").mean
        for policy in ("named_on_call", "mix", "team_rota")
    }
    assert shares["team_rota"] < shares["mix"] < shares["named_on_call"]
    assert shares["named_on_call"] > 70.0


def test_more_midwives_leave_fewer_women_unplaced():
    crowded = Scenario(teams=2, midwives_per_team=5, births_per_year=600)
    unplaced = [
        run(replace(crowded, midwives_per_team=n), 2, seed=1).summary("unplaced").mean
        for n in (5, 6, 8, 9)
    ]
    assert unplaced == sorted(unplaced, reverse=True)
    assert unplaced[0] == 600 - 2 * 5 * 36
    assert unplaced[-1] == 0


def test_births_per_midwife_per_month_match_the_caseload_when_capacity_is_not_binding():
    scenario = Scenario(
        teams=3, midwives_per_team=5, wte=0.8, caseload_per_wte=35, births_per_year=3 * 5 * 28
    )
    year = run(scenario, 3, seed=2)
    assert year.summary("unplaced").mean == 0
    expected = scenario.caseload_per_wte * scenario.wte / 12
    assert year.summary("births_per_midwife_month").mean == pytest.approx(expected, rel=0.15)


def test_with_named_on_call_each_midwife_attends_her_women_while_she_is_available():
    """Births a named midwife attends ≈ births allocated to her × the share of days she is
    present, less a little for labours that start while she is busy or resting."""
    result = run(replace(SMALL, births_per_year=864), 5, seed=3)
    allocated = result.summary("births_per_midwife_month").mean
    assert allocated == pytest.approx(36 / 12)
    attended = result.summary("named_births_per_midwife_month").mean
    available = result.summary("available_fraction").mean
    # 5.6 weeks of leave, 5 study days and 5% sickness leave about 83% of days present.
    expected_available = (1 - (39 + 5) / 365) * 0.95
    assert available == pytest.approx(expected_available, abs=0.01)
    assert available - 0.08 <= attended / allocated <= available + 0.02


def test_no_rest_rule_means_no_rest_conflicts():
    assert run(replace(SMALL, rest_hours=0), 2, seed=1).summary("rest_conflicts").mean == 0
    assert run(SMALL, 2, seed=1).summary("rest_conflicts").mean > 0


def test_on_call_hours_follow_the_policy():
    hours = {
        policy: simulate_year(replace(SMALL, policy=policy), 4).on_call_hours_per_midwife_month
        for policy in ("named_on_call", "mix", "team_rota")
    }
    # named: 24 h on every present day; team rota: 24 h one day in six (absences aside).
    assert hours["named_on_call"] == pytest.approx(24 * 365 / 12 * 0.83, rel=0.03)
    assert hours["team_rota"] == pytest.approx(24 * 365 / 12 / 6, rel=0.02)
    assert hours["team_rota"] < hours["mix"] < hours["named_on_call"]


def test_births_follow_the_gestation_distribution_and_the_night_peak():
    scenario = replace(SMALL, births_per_year=20000)
    births = draw_births(scenario, random.Random(1))
    preterm = sum(1 for b in births if 280 + int(b.onset // 24) - b.edd_day < 259) / len(births)
    assert preterm == pytest.approx(0.08, abs=0.01)
    night = sum(1 for b in births if b.onset % 24 >= 23 or b.onset % 24 < 6) / len(births)
    assert night == pytest.approx(0.38, abs=0.015)
    expected = sum(ONSET_BY_HOUR[h] for h in (23, 0, 1, 2, 3, 4, 5)) / sum(ONSET_BY_HOUR)
    assert expected == pytest.approx(0.38, abs=0.005)
    assert all(0 <= b.onset < 365 * 24 for b in births)
    assert [b.edd_day for b in births] == sorted(b.edd_day for b in births)
    durations = [b.duration for b in births]
    assert sum(durations) / len(durations) == pytest.approx(8.0, rel=0.03)


def test_seasonality_moves_births_between_months():
    busy_july = replace(SMALL, births_per_year=20000, seasonality=(1.0,) * 6 + (3.0,) + (1.0,) * 5)
    births = draw_births(busy_july, random.Random(2))
    july = sum(1 for b in births if 181 <= b.onset // 24 < 212)
    january = sum(1 for b in births if b.onset // 24 < 31)
    assert july > 1.8 * january


def test_touches_night():
    assert touches_night(22.0, 23.5)
    assert not touches_night(20.0, 23.0)  # ending at 23:00 does not touch the night
    assert not touches_night(6.0, 22.0)
    assert touches_night(5.5, 7.0)
    assert touches_night(24 * 10 + 2, 24 * 10 + 3)
    assert touches_night(8.0, 40.0)  # through a whole night


def test_allocation_and_buddies():
    assert allocate(5, 2, 2) == [0, 1, 0, 1, None]
    assert allocate(2, 3, 0) == [None, None]
    assert buddies(2, 2) == [1, 0, 3, 2]
    assert buddies(1, 3) == [1, 0, 0]
    assert buddies(2, 1) == [None, None]


# -- input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"midwives_per_team": -1}, "midwives_per_team"),
        ({"teams": 0}, "teams"),
        ({"caseload_per_wte": 0}, "caseload_per_wte"),
        ({"sickness_rate": 1.5}, "sickness_rate"),
        ({"home_birth_rate": -0.1}, "home_birth_rate"),
        ({"wte": 1.6}, "wte"),
        ({"wte": 0}, "wte"),
        ({"seasonality": [1.0] * 11}, "seasonality"),
        ({"seasonality": [1.0] * 11 + [-1]}, "seasonality[11]"),
        ({"seasonality": [0] * 12}, "seasonality"),
        ({"policy": "whoever"}, "policy"),
        ({"births_per_year": 2.5}, "births_per_year"),
        ({"study_days": "five"}, "study_days"),
        ({"labour_mean_hours": 0}, "labour_mean_hours"),
        ({"rest_hours": 30}, "rest_hours"),
        ({"shifts": 3}, "shifts"),
    ],
)
def test_impossible_scenarios_name_the_field(change, path):
    data = {**scenario_to_dict(SMALL), **change}
    with pytest.raises(SimulationInputError) as caught:
        scenario_from_dict(data)
    assert caught.value.path == path
    assert str(caught.value).startswith(f"{path}: ")


def test_scenarios_built_in_code_are_checked_too():
    with pytest.raises(SimulationInputError, match=r"^midwives_per_team: "):
        Scenario(teams=2, midwives_per_team=-1, births_per_year=100)
    with pytest.raises(SimulationInputError, match=r"^seasonality: must have 12 numbers"):
        Scenario(teams=2, midwives_per_team=2, births_per_year=100, seasonality=(1.0,) * 11)


def test_the_json_form_reads_back_with_defaults():
    scenario = scenario_from_json('{"teams": 2, "midwives_per_team": 3, "births_per_year": 90}')
    assert scenario == Scenario(teams=2, midwives_per_team=3, births_per_year=90)
    assert scenario_from_dict(scenario_to_dict(SMALL)) == SMALL
    with pytest.raises(SimulationInputError, match=r"^births_per_year: is required"):
        scenario_from_json('{"teams": 2, "midwives_per_team": 3}')
    with pytest.raises(SimulationInputError, match="not valid JSON"):
        scenario_from_json("{")


@pytest.mark.parametrize(
    ("args", "path"),
    [((0, 1, 1), "replications"), ((2, -1, 1), "seed"), ((2, 1, 0), "workers")],
)
def test_run_checks_its_arguments(args, path):
    with pytest.raises(SimulationInputError) as caught:
        run(SMALL, *args)
    assert caught.value.path == path


# -- command line -------------------------------------------------------------------------------


def test_cli_writes_the_result(tmp_path):
    scenario = tmp_path / "s.json"
    scenario.write_text(json.dumps(scenario_to_dict(SMALL)))
    out = tmp_path / "r.json"
    argv = ["--scenario", str(scenario), "--replications", "3", "--seed", "4", "--out", str(out)]
    assert main(argv) == 0
    written = json.loads(out.read_text())
    assert written == json.loads(json.dumps(result_to_dict(run(SMALL, 3, seed=4))))
    assert written["seeds"] == [4, 5, 6]
    assert set(written["metrics"]["pct_named"]) == {"mean", "sd", "low", "high", "half_width"}


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        ('{"teams": 2, "midwives_per_team": 0, "births_per_year": 9}', [], "midwives_per_team: "),
        (
            '{"teams": 2, "midwives_per_team": 2, "births_per_year": 9}',
            ["--workers", "0"],
            "--workers: ",
        ),
        ("[1]", [], "scenario: must be an object"),
    ],
)
def test_cli_rejects_bad_input_with_status_2_and_writes_nothing(
    tmp_path, capsys, content, extra, message
):
    scenario = tmp_path / "s.json"
    scenario.write_text(content)
    out = tmp_path / "r.json"
    argv = ["--scenario", str(scenario), "--replications", "2", "--seed", "1", "--out", str(out)]
    assert main(argv + extra) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_cli_rejects_a_missing_file_and_folder(tmp_path, capsys):
    missing = str(tmp_path / "nope.json")
    assert main(["--scenario", missing, "--replications", "1", "--seed", "1"]) == 2
    assert "--scenario: cannot read" in capsys.readouterr().err
    scenario = tmp_path / "s.json"
    scenario.write_text(json.dumps(scenario_to_dict(SMALL)))
    out = str(tmp_path / "no" / "r.json")
    assert (
        main(["--scenario", str(scenario), "--replications", "1", "--seed", "1", "--out", out]) == 2
    )
    assert "--out: folder" in capsys.readouterr().err
