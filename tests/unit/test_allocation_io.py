"""The allocation engine's JSON form and CLI: a specific message, non-zero exit, nothing written."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from continuity.engines.allocation import AllocationInputError, solve
from continuity.engines.allocation.cli import main
from continuity.engines.allocation.io import (
    plan_to_dict,
    problem_from_dict,
    problem_from_json,
    problem_to_dict,
)

TODAY = date(2026, 11, 21)


def good() -> dict[str, Any]:
    edd = (TODAY + timedelta(days=200)).isoformat()
    return {
        "today": TODAY.isoformat(),
        "policy": {"max_births_per_month": 3, "priority_weights": {"core20": 1, "bame": 1}},
        "midwives": [
            {
                "id": "M1",
                "team": "T1",
                "wte": 1.0,
                "base": {"lat": 53.8, "lon": -1.55},
                "partner": "M2",
                "languages": ["en", "ur"],
            },
            {
                "id": "M2",
                "team": "T1",
                "wte": 0.8,
                "base": {"lat": 53.81, "lon": -1.56},
                "partner": "M1",
                "leave": [{"start": "2027-01-01", "end": "2027-01-14"}],
            },
        ],
        "women": [
            {
                "id": "W1",
                "edd": edd,
                "location": {"lat": 53.8, "lon": -1.55},
                "language": "ur",
                "interpreter": True,
                "priority_groups": ["core20"],
            },
            {"id": "W2", "edd": edd, "location": None, "previous_midwife": "M2"},
            {"id": "W3", "edd": edd, "declined": True},
        ],
    }


def test_round_trip_keeps_the_problem() -> None:
    problem = problem_from_dict(good())
    assert problem_from_dict(json.loads(json.dumps(problem_to_dict(problem)))) == problem


def test_a_good_file_gives_a_plan_with_reasons() -> None:
    plan = plan_to_dict(solve(problem_from_dict(good())))
    assert {p["woman"] for p in plan["placements"]} == {"W1", "W2"}
    w1 = next(p for p in plan["placements"] if p["woman"] == "W1")
    assert w1["named"] == "M1"
    assert {"code": "speaks_language", "value": "ur"} in w1["reasons"]
    assert plan["declined"] == ["W3"]
    assert plan["lower_bound"] <= plan["objective"]["total"]


def _set(raw: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    target = raw
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return raw


@pytest.mark.parametrize(
    ("path", "value", "where", "words"),
    [
        (["women", 1, "previous_midwife"], "M9", "women[1].previous_midwife", "no midwife"),
        (["women", 0, "pinned_named"], "nobody", "women[0].pinned_named", "no midwife"),
        (["midwives", 0, "partner"], "M7", "midwives[0].partner", "no midwife"),
        (["midwives", 0, "wte"], -0.5, "midwives[0].wte", "more than 0"),
        (["midwives", 1, "wte"], 0, "midwives[1].wte", "more than 0"),
        (["women", 0, "edd"], "2026-01-01", "women[0].edd", "before today"),
        (["women", 0, "edd"], "2028-06-01", "women[0].edd", "weeks after today"),
        (["women", 0, "edd"], "14/03/2027", "women[0].edd", "must be a date"),
        (["policy", "max_births_per_month"], -1, "policy.max_births_per_month", "at least 1"),
        (
            ["policy", "max_births_per_fortnight"],
            5,
            "policy.max_births_per_fortnight",
            "cannot be more than",
        ),
        (["policy", "births_per_wte_per_year"], 0, "policy.births_per_wte_per_year", "more than 0"),
        (["policy", "unknown_setting"], 1, "policy.unknown_setting", "not a field"),
        (["midwives", 1, "id"], "M1", "midwives[1].id", "more than once"),
        (
            ["midwives", 1, "leave", 0],
            {"start": "2027-02-01", "end": "2027-01-01"},
            "midwives[1].leave[0].end",
            "on or after",
        ),
        (["women", 0, "location"], {"lat": 123, "lon": 0}, "women[0].location.lat", "at most 90"),
        (["women"], "everyone", "women", "must be a list"),
    ],
)
def test_bad_input_names_the_field(path: list[Any], value: Any, where: str, words: str) -> None:
    raw = _set(good(), path, value)
    with pytest.raises(AllocationInputError) as caught:
        problem_from_dict(raw)
    assert caught.value.path == where
    assert words in caught.value.message


def test_malformed_json_is_reported_with_its_position() -> None:
    with pytest.raises(AllocationInputError, match="not valid JSON"):
        problem_from_json('{"today": "2026-11-21", "women": [')


def _run(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, Path, str]:
    source, out = tmp_path / "problem.json", tmp_path / "plan.json"
    source.write_text(text)
    code = main(["--in", str(source), "--out", str(out)])
    return code, out, capsys.readouterr().err


def test_cli_writes_the_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(tmp_path, json.dumps(good()), capsys)
    assert code == 0 and err == ""
    plan = json.loads(out.read_text())
    assert len(plan["placements"]) == 2
    assert list(tmp_path.glob("*.part")) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps(_set(good(), ["midwives", 0, "wte"], -1)), "midwives[0].wte"),
        (json.dumps(_set(good(), ["women", 0, "edd"], "2020-01-01")), "women[0].edd"),
        (json.dumps(_set(good(), ["women", 1, "previous_midwife"], "X")), "previous_midwife"),
    ],
)
def test_cli_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    code, out, err = _run(tmp_path, text, capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "problem.json"]


def test_cli_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--in", str(tmp_path / "absent.json"), "--out", str(tmp_path / "plan.json")])
    assert code == 2
    assert "cannot read" in capsys.readouterr().err
    assert not (tmp_path / "plan.json").exists()


def test_the_continuity_console_script_runs_allocate(tmp_path: Path) -> None:
    from continuity.cli import main as continuity

    source, out = tmp_path / "problem.json", tmp_path / "plan.json"
    source.write_text(json.dumps(good()))
    with pytest.raises(SystemExit) as done:
        continuity(["allocate", "--in", str(source), "--out", str(out), "--method", "greedy"])
    assert done.value.code == 0
    assert json.loads(out.read_text())["method"] == "greedy"
