"""The routing engine's JSON form and CLI: a specific message, exit 2, nothing written."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from continuity.engines.routing import (
    RoutingInputError,
    plan_to_dict,
    problem_from_dict,
    problem_from_json,
    problem_to_dict,
    solve_greedy,
)
from continuity.engines.routing.cli import main

CONTINUITY = Path(sys.executable).parent / "continuity"


def good() -> dict[str, Any]:
    """The example in docs/engines/routing.md."""
    return {
        "policy": {"time_limit_seconds": 0.3, "seed": 1},
        "locations": [
            {"lat": 53.800, "lon": -1.550},
            {"lat": 53.820, "lon": -1.520},
            {"lat": 53.805, "lon": -1.540},
            {"lat": 53.812, "lon": -1.530},
            {"lat": 53.795, "lon": -1.560},
            {"lat": 53.818, "lon": -1.545},
            {"lat": 53.808, "lon": -1.525},
            {"lat": 53.790, "lon": -1.535},
        ],
        "midwives": [{"id": "M1", "skills": ["diabetes"]}, {"id": "M2"}],
        "shifts": [
            {"midwife": "M1", "start": 480, "end": 1020, "start_location": 0},
            {"midwife": "M2", "start": 480, "end": 1020, "start_location": 1},
            {"midwife": "M2", "start": 1920, "end": 2460, "start_location": 1},
        ],
        "visits": [
            {
                "id": "V1",
                "woman": "W1",
                "location": 2,
                "duration": 45,
                "windows": [{"start": 540, "end": 1020}],
                "carers": ["M1", "M2"],
            },
            {
                "id": "V2",
                "woman": "W2",
                "location": 3,
                "duration": 60,
                "windows": [{"start": 1920, "end": 2640}],
                "carers": ["M1", "M2"],
            },
            {
                "id": "V3",
                "woman": "W3",
                "location": 4,
                "duration": 30,
                "windows": [{"start": 540, "end": 1020}],
                "preferred": [{"start": 840, "end": 960}],
                "carers": ["M2", "M1"],
            },
            {
                "id": "V4",
                "woman": "W4",
                "location": 5,
                "duration": 30,
                "windows": [{"start": 540, "end": 720}],
                "carers": ["M1", "M2"],
                "pin": {"midwife": "M2", "start": 630},
            },
            {
                "id": "V5",
                "woman": "W5",
                "location": 6,
                "duration": 40,
                "windows": [{"start": 1980, "end": 2400}],
                "carers": ["M1", "M2"],
                "skills": ["diabetes"],
            },
            {
                "id": "V6",
                "woman": "W6",
                "location": 7,
                "duration": 30,
                "windows": [{"start": 9180, "end": 9600}],
                "carers": ["M2", "M1"],
            },
        ],
    }


def with_matrix(n: int = 3) -> dict[str, Any]:
    return {
        "locations": [{} for _ in range(n)],
        "travel": [[0 if i == j else 10 for j in range(n)] for i in range(n)],
        "midwives": [{"id": "M1"}],
        "shifts": [{"midwife": "M1", "start": 0, "end": 600, "start_location": 0}],
        "visits": [
            {"id": "V1", "location": 1, "duration": 30, "windows": [{"start": 0, "end": 60}]}
        ],
    }


def _set(raw: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(raw)
    target: Any = out
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return out


_DELETE = object()


def test_round_trip_keeps_the_problem() -> None:
    for raw in (good(), with_matrix()):
        problem = problem_from_dict(raw)
        assert problem_from_dict(json.loads(json.dumps(problem_to_dict(problem)))) == problem


def test_the_example_plans_as_documented() -> None:
    plan = plan_to_dict(solve_greedy(problem_from_dict(good())))
    placed = {p["visit"]: (p["midwife"], p["start"], p["carer_rank"]) for p in plan["planned"]}
    assert placed["V1"] == ("M1", 540, 0)
    assert placed["V2"][0] == "M2" and placed["V2"][2] == 1  # M1 does not work on Tuesday
    assert placed["V3"] == ("M2", 840, 0)  # in her preferred afternoon
    assert placed["V4"] == ("M2", 630, 1)  # pinned
    assert {u["visit"]: u["reason"] for u in plan["unplanned"]} == {
        "V5": "skills",
        "V6": "no_shift_in_window",
    }
    assert plan["summary"] == {
        "planned": 4,
        "unplanned": 2,
        "named": 2,
        "buddy": 2,
        "other_carer": 0,
        "not_a_carer": 0,
        "outside_preferred": 0,
    }
    assert set(plan["objective"]) == {
        "travel",
        "buddy",
        "team",
        "outside_preferred",
        "unplanned",
        "fairness",
        "total",
    }


@pytest.mark.parametrize(
    ("path", "value", "where", "words"),
    [
        (
            ["visits", 3, "windows", 0],
            {"start": 600, "end": 500},
            "visits[3].windows[0]",
            "ends before it starts",
        ),
        (
            ["visits", 2, "preferred", 0],
            {"start": 9, "end": 8},
            "visits[2].preferred[0]",
            "ends before it starts",
        ),
        (["visits", 0, "windows", 0], {"start": 600}, "visits[0].windows[0].end", "is required"),
        (["visits", 0, "windows", 0, "start"], 9.5, "visits[0].windows[0].start", "whole number"),
        (["visits", 0, "windows", 0, "start"], -5, "visits[0].windows[0].start", "at least 0"),
        (["visits", 0, "location"], 8, "visits[0].location", "no location 8 (there are 8"),
        (["visits", 0, "duration"], -10, "visits[0].duration", "at least 0"),
        (["visits", 0, "demand"], -1, "visits[0].demand", "at least 0"),
        (["visits", 0, "carers", 1], "M9", "visits[0].carers[1]", "no midwife has the id 'M9'"),
        (["visits", 0, "carers", 1], "M1", "visits[0].carers[1]", "listed twice"),
        (["visits", 3, "pin", "midwife"], "M7", "visits[3].pin.midwife", "no midwife"),
        (["visits", 3, "pin", "start"], -1, "visits[3].pin.start", "at least 0"),
        (["visits", 1, "id"], "V1", "visits[1].id", "more than once"),
        (["visits", 0, "postcode"], "LS1 4AP", "visits[0].postcode", "not a field"),
        (["visits", 0, "windows"], _DELETE, "visits[0].windows", "is required"),
        (["midwives", 1, "id"], "M1", "midwives[1].id", "more than once"),
        (["midwives", 0, "max_minutes"], -1, "midwives[0].max_minutes", "at least 0"),
        (["shifts", 0, "midwife"], "M9", "shifts[0].midwife", "no midwife has the id 'M9'"),
        (["shifts", 0, "end"], 400, "shifts[0].end", "must be after its start (480)"),
        (["shifts", 0, "end_location"], 12, "shifts[0].end_location", "no location 12"),
        (["shifts", 2, "start"], 1000, "shifts[2]", "overlaps shifts[1]"),
        (["shifts", 0, "capacity"], -3, "shifts[0].capacity", "at least 0"),
        (["locations", 2], {}, "locations[2]", "needs lat and lon (or x and y)"),
        (["locations", 2], {"lat": 53.8}, "locations[2]", "needs both lat and lon"),
        (["locations", 2], {"x": 1, "y": 2}, "locations[2]", "use one kind"),
        (["locations", 2], {"lat": 1, "lon": 2, "x": 1, "y": 2}, "locations[2]", "give one"),
        (["locations", 2, "lat"], 95, "locations[2].lat", "between -90 and 90"),
        (["locations", 2, "lat"], "north", "locations[2].lat", "must be a number"),
        (["policy", "unknown_setting"], 1, "policy.unknown_setting", "not a field"),
        (["policy", "buddy_cost"], -1, "policy.buddy_cost", "at least 0"),
        (["policy", "speed_kmh"], 0, "policy.speed_kmh", "more than 0"),
        (["policy", "time_limit_seconds"], 0, "policy.time_limit_seconds", "more than 0"),
        (["policy", "seed"], 1.5, "policy.seed", "whole number"),
        (["policy", "evening_start"], 2000, "policy.evening_start", "minute of the day"),
        (["policy", "max_iterations"], 0, "policy.max_iterations", "at least 1"),
        (["policy", "start_step"], 0, "policy.start_step", "1 to 60 minutes"),
        (["policy", "start_step"], 7.5, "policy.start_step", "whole number"),
        (["policy"], [], "policy", "must be an object"),
        (["visits"], {"V1": {}}, "visits", "must be a list"),
        (["shifts"], _DELETE, "shifts", "is required"),
        (["horizon"], 7, "horizon", "not a field"),
    ],
)
def test_bad_input_names_the_field(path: list[Any], value: Any, where: str, words: str) -> None:
    with pytest.raises(RoutingInputError) as caught:
        problem_from_dict(_set(good(), path, value))
    assert caught.value.path == where
    assert words in caught.value.message


@pytest.mark.parametrize(
    ("path", "value", "where", "words"),
    [
        (["travel"], [[0, 1, 2]] * 3 + [[0, 1]], "travel[3]", "must have 3 entries"),
        (["travel", 1, 2], -4, "travel[1][2]", "at least 0"),
        (["travel", 1, 1], 3, "travel[1][1]", "must be 0"),
        (["travel", 1, 2], "far", "travel[1][2]", "must be a number"),
        (["travel"], "a lot", "travel", "must be a list"),
    ],
)
def test_bad_travel_matrix(path: list[Any], value: Any, where: str, words: str) -> None:
    with pytest.raises(RoutingInputError) as caught:
        problem_from_dict(_set(with_matrix(), path, value))
    assert caught.value.path == where
    assert words in caught.value.message


def test_a_travel_matrix_of_the_wrong_size() -> None:
    raw = with_matrix(12)
    raw["travel"] = [row[:11] for row in raw["travel"]]
    with pytest.raises(RoutingInputError) as caught:
        problem_from_dict(raw)
    assert str(caught.value) == "travel: must be 12×12 to match locations, got 12×11"


def test_windows_that_cannot_be_met_are_not_input_errors() -> None:
    raw = _set(with_matrix(), ["visits", 0, "windows"], [{"start": 5000, "end": 5000}])
    plan = solve_greedy(problem_from_dict(raw))
    assert [(u.visit, u.reason) for u in plan.unplanned] == [("V1", "no_shift_in_window")]


def test_malformed_json_is_reported_with_its_position() -> None:
    with pytest.raises(RoutingInputError, match="not valid JSON"):
        problem_from_json('{"visits": [')


def _run(
    tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, Path, str]:
    source, out = tmp_path / "week.json", tmp_path / "plan.json"
    source.write_text(text)
    code = main(["--in", str(source), "--out", str(out), *extra])
    return code, out, capsys.readouterr().err


@pytest.mark.parametrize("method", ["pyvrp", "greedy"])
def test_cli_writes_the_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], method: str
) -> None:
    code, out, err = _run(
        tmp_path, json.dumps(good()), capsys, "--method", method, "--time-limit", "0.2"
    )
    assert code == 0 and err == ""
    plan = json.loads(out.read_text())
    assert plan["solver"] == method
    assert plan["summary"]["planned"] == 4
    assert list(tmp_path.glob("*.part")) == []


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        ("{not json", (), "not valid JSON"),
        (json.dumps(_set(good(), ["shifts", 0, "end"], 100)), (), "shifts[0].end"),
        (json.dumps(_set(good(), ["visits", 3, "windows", 0, "end"], 1)), (), "ends before it"),
        (json.dumps(good()), ("--time-limit", "0"), "--time-limit: must be more than 0"),
        (json.dumps(good()), ("--seed", "-1"), "--seed: must be at least 0"),
    ],
)
def test_cli_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    args: tuple[str, ...],
    message: str,
) -> None:
    code, out, err = _run(tmp_path, text, capsys, *args)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and err.startswith("continuity plan-visits: ")
    assert "Traceback" not in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "week.json"]


def test_cli_missing_file_and_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--in", str(tmp_path / "absent.json"), "--out", str(tmp_path / "p.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
    source = tmp_path / "week.json"
    source.write_text(json.dumps(good()))
    assert main(["--in", str(source), "--out", str(tmp_path / "nope" / "p.json")]) == 2
    assert "--out: folder" in capsys.readouterr().err


def test_the_continuity_console_script_plans_visits(tmp_path: Path) -> None:
    source, out = tmp_path / "week.json", tmp_path / "plan.json"
    source.write_text(json.dumps(good()))
    done = subprocess.run(
        [
            str(CONTINUITY),
            "plan-visits",
            "--in",
            str(source),
            "--out",
            str(out),
            "--time-limit",
            "0.2",
            "--seed",
            "4",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    plan = json.loads(out.read_text())
    assert plan["solver"] == "pyvrp"
    assert {u["visit"] for u in plan["unplanned"]} == {"V5", "V6"}

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_set(good(), ["visits", 3, "windows", 0, "end"], 1)))
    done = subprocess.run(
        [str(CONTINUITY), "plan-visits", "--in", str(bad), "--out", str(tmp_path / "x.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == ("continuity plan-visits: visits[3].windows[0]: ends before it starts\n")
    assert not (tmp_path / "x.json").exists()
