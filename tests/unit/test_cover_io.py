"""The cover engine's JSON form and CLI: field paths in every message, exit 2, nothing written."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from continuity.engines.cover.cli import main
from continuity.engines.cover.io import (
    document_from_dict,
    document_from_json,
    document_to_dict,
    gap_to_dict,
    resolution_to_dict,
    rota_from_dict,
    rota_from_json,
    validate_entries,
    validate_rota,
    warning_to_dict,
    week_load_to_dict,
)
from continuity.engines.cover.model import (
    CoverInputError,
    Entry,
    Kind,
    WeekLoad,
    WorkingTimeWarning,
)
from continuity.engines.cover.resolve import Index


def good() -> dict[str, Any]:
    return {
        "policy": {"timezone": "Europe/London", "weekly_rest": "weekly"},
        "teams": [
            {"id": "T1", "name": "Rowan", "promise_24_7": True, "triage_phone": "0113 000 0000"},
            {"id": "T2", "name": "Central", "promise_24_7": False},
        ],
        "midwives": [
            {"id": "M1", "team": "T1", "name": "Amira", "phone": "07700 900001"},
            {"id": "M2", "team": "T1", "name": "Beth", "opted_out_48h": True},
            {"id": "M3", "team": "T1", "name": "Cerys", "end_date": "2026-10-31"},
            {"id": "M4", "team": "T2", "name": "Dee", "start_date": "2026-10-19"},
        ],
        "entries": [
            {
                "midwife": "M1",
                "kind": "on_call_own",
                "start": "2026-10-24T19:00:00+01:00",
                "end": "2026-10-25T09:00:00+00:00",
            },
            {
                "midwife": "M1",
                "kind": "call_out",
                "start": "2026-10-25T01:10:00+01:00",
                "end": "2026-10-25T03:00:00Z",
            },
            {
                "midwife": "M2",
                "kind": "work",
                "start": "2026-10-25T09:00:00Z",
                "end": "2026-10-25T17:00:00Z",
            },
            {
                "midwife": "M3",
                "kind": "on_call_team",
                "start": "2026-10-25T17:00:00Z",
                "end": "2026-10-26T09:00:00Z",
            },
            {
                "midwife": "M1",
                "kind": "leave",
                "start": "2026-10-26T00:00:00Z",
                "end": "2026-10-31T00:00:00Z",
            },
            {
                "midwife": "M4",
                "kind": "work",
                "start": "2026-10-26T09:00:00Z",
                "end": "2026-10-26T17:00:00Z",
            },
        ],
        "arrangements": [
            {
                "covering": "M3",
                "covered": "M1",
                "start": "2026-10-26T00:00:00Z",
                "end": "2026-10-31T00:00:00Z",
            }
        ],
        "women": [
            {"id": "W1", "team": "T1", "named": "M1", "buddy": "M2"},
            {"id": "W2", "team": "T2", "named": "M4", "buddy": None},
        ],
        "pregnancies": [
            {"id": "W1", "edd": "2026-11-10", "named": "M1", "buddy": "M2"},
            {"id": "W2", "edd": "2026-12-01", "named": "M4", "born": False},
        ],
    }


def _entry(midwife: str, kind: str, start: str, end: str) -> dict[str, str]:
    return {"midwife": midwife, "kind": kind, "start": start, "end": end}


def _set(raw: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    target = raw
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return raw


def _add(raw: dict[str, Any], key: str, item: Any) -> dict[str, Any]:
    raw[key].append(item)
    return raw


# -- reading ----------------------------------------------------------------------------------


def test_round_trip_keeps_the_document() -> None:
    doc = document_from_dict(good())
    again = document_from_dict(json.loads(json.dumps(document_to_dict(doc))))
    assert again == doc
    assert doc.women is not None and len(doc.women) == 2
    assert doc.pregnancies is not None and doc.pregnancies[1].born is False


def test_instants_are_read_as_utc_whatever_offset_they_were_written_in() -> None:
    rota = rota_from_json(json.dumps(good()))
    first = rota.entries[0]
    assert first.start == datetime(2026, 10, 24, 18, tzinfo=UTC)
    assert first.start.tzinfo is UTC and first.end == datetime(2026, 10, 25, 9, tzinfo=UTC)
    written = document_to_dict(document_from_dict(good()))["entries"][0]
    assert written["start"] == "2026-10-24T18:00:00Z"


def test_women_and_pregnancies_are_optional() -> None:
    raw = good()
    del raw["women"], raw["pregnancies"], raw["arrangements"], raw["policy"]
    doc = document_from_dict(raw)
    assert doc.women is None and doc.pregnancies is None and doc.rota.arrangements == ()
    assert doc.rota.policy.timezone == "Europe/London"


def test_touching_entries_and_duty_under_an_absence_are_allowed() -> None:
    raw = good()
    raw["entries"] += [
        _entry("M2", "on_call_own", "2026-10-25T17:00:00Z", "2026-10-26T09:00:00Z"),  # touches
        _entry("M1", "work", "2026-10-27T09:00:00Z", "2026-10-27T17:00:00Z"),  # under leave
        _entry("M1", "call_out", "2026-10-24T22:00:00Z", "2026-10-24T23:00:00Z"),  # on call
        _entry("M1", "sickness", "2026-10-31T00:00:00Z", "2026-11-02T00:00:00Z"),  # touches
    ]
    assert len(rota_from_dict(raw).entries) == 10


OVERLAP = _entry("M2", "on_call_own", "2026-10-25T16:00:00Z", "2026-10-25T20:00:00Z")


@pytest.mark.parametrize(
    ("change", "where", "words"),
    [
        (lambda r: _set(r, ["entries", 4, "end"], "2026-10-26T00:00:00Z"), "entries[4].end",
         "must be after its start"),
        (lambda r: _set(r, ["entries", 2, "end"], "2026-10-25T08:00:00Z"), "entries[2].end",
         "must be after its start"),
        (lambda r: _set(r, ["entries", 1, "kind"], "nap"), "entries[1].kind",
         "must be one of work, on_call_own, on_call_team, call_out, leave, sickness, study"),
        (lambda r: _set(r, ["entries", 0, "midwife"], "M9"), "entries[0].midwife",
         "no midwife has the id 'M9'"),
        (lambda r: _set(r, ["entries", 0, "start"], "2026-10-24T19:00:00"), "entries[0].start",
         "has no UTC offset"),
        (lambda r: _set(r, ["entries", 0, "end"], "2026-10-25"), "entries[0].end",
         "has no UTC offset"),
        (lambda r: _set(r, ["entries", 0, "end"], "tomorrow"), "entries[0].end",
         "must be a date and time with a UTC offset"),
        (lambda r: _set(r, ["entries", 0, "shift"], "early"), "entries[0].shift", "not a field"),
        (lambda r: _add(r, "entries", OVERLAP), "entries[6]",
         "overlaps entries[2] (work 2026-10-25T09:00Z–17:00Z) for midwife M2"),
        (lambda r: _add(r, "entries", _entry("M3", "on_call_own", "2026-10-26T08:00:00Z",
                                             "2026-10-27T08:00:00Z")),
         "entries[6]",
         "overlaps entries[3] (on_call_team 2026-10-25T17:00Z–2026-10-26T09:00Z) for midwife M3"),
        (lambda r: _add(r, "entries", _entry("M1", "study", "2026-10-30T09:00:00Z",
                                             "2026-10-30T17:00:00Z")),
         "entries[6]",
         "overlaps entries[4] (leave 2026-10-26T00:00Z–2026-10-31T00:00Z) for midwife M1"),
        (lambda r: _add(r, "entries", _entry("M3", "work", "2026-11-01T09:00:00Z",
                                             "2026-11-01T17:00:00Z")),
         "entries[6]", "M3 left on 2026-10-31"),
        # Her last day ends at midnight local time (GMT by then): 23:30Z is still hers.
        (lambda r: _add(r, "entries", _entry("M3", "call_out", "2026-10-31T23:30:00Z",
                                             "2026-11-01T00:30:00Z")),
         "entries[6]", "M3 left on 2026-10-31"),
        (lambda r: _add(r, "entries", _entry("M4", "work", "2026-10-18T22:00:00Z",
                                             "2026-10-19T06:00:00Z")),
         "entries[6]", "M4 starts on 2026-10-19"),
        (lambda r: _set(r, ["arrangements", 0, "covering"], "M7"), "arrangements[0].covering",
         "no midwife has the id 'M7'"),
        (lambda r: _set(r, ["arrangements", 0, "covering"], "M1"), "arrangements[0].covering",
         "cannot be the midwife she covers"),
        (lambda r: _set(r, ["arrangements", 0, "end"], "2026-10-25T00:00:00Z"),
         "arrangements[0].end", "must be after its start"),
        (lambda r: _set(r, ["midwives", 0, "team"], "T9"), "midwives[0].team",
         "no team has the id 'T9'"),
        (lambda r: _set(r, ["midwives", 1, "id"], "M1"), "midwives[1].id", "more than once"),
        (lambda r: _set(r, ["teams", 1, "id"], "T1"), "teams[1].id", "more than once"),
        (lambda r: _set(r, ["midwives", 2, "end_date"], "31/10/2026"), "midwives[2].end_date",
         "must be a date like"),
        (lambda r: _set(r, ["midwives", 3, "end_date"], "2026-10-01"), "midwives[3].end_date",
         "on or after her start_date"),
        (lambda r: _set(r, ["teams", 0, "promise_24_7"], "yes"), "teams[0].promise_24_7",
         "true or false"),
        (lambda r: _set(r, ["policy", "night_owl"], 1), "policy.night_owl", "not a field"),
        (lambda r: _set(r, ["policy", "timezone"], "Europe/Lundon"), "policy.timezone",
         "unknown time zone 'Europe/Lundon'"),
        (lambda r: _set(r, ["policy", "timezone"], "../etc"), "policy.timezone",
         "unknown time zone"),
        (lambda r: _set(r, ["policy", "weekly_rest"], "monthly"), "policy.weekly_rest",
         "'weekly' or 'fortnightly'"),
        (lambda r: _set(r, ["policy", "night_start_hour"], 24), "policy.night_start_hour",
         "from 0 to 23"),
        (lambda r: _set(r, ["policy", "daily_rest_hours"], "11"), "policy.daily_rest_hours",
         "must be a number"),
        (lambda r: _set(r, ["women", 0, "team"], "T3"), "women[0].team", "no team has the id"),
        (lambda r: _set(r, ["women", 0, "named"], "M8"), "women[0].named", "no midwife"),
        (lambda r: _set(r, ["women", 1, "buddy"], "M4"), "women[1].buddy",
         "cannot be her named midwife"),
        (lambda r: _set(r, ["women", 1, "id"], "W1"), "women[1].id", "more than once"),
        (lambda r: _set(r, ["pregnancies", 0, "edd"], "soon"), "pregnancies[0].edd", "a date"),
        (lambda r: _set(r, ["pregnancies", 1, "buddy"], "M0"), "pregnancies[1].buddy",
         "no midwife"),
        (lambda r: _set(r, ["rotas"], []), "rotas", "not a field"),
        (lambda r: _set(r, ["entries"], {}), "entries", "must be a list"),
        (lambda r: r.pop("teams") and r, "teams", "is required"),
        (lambda r: _set(r, ["entries", 3], {"midwife": "M3", "kind": "work"}),
         "entries[3].start", "is required"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field(change: Any, where: str, words: str) -> None:
    with pytest.raises(CoverInputError) as caught:
        document_from_dict(change(good()))
    assert caught.value.path == where
    assert words in caught.value.message
    assert str(caught.value) == f"{where}: {caught.value.message}"


def test_the_first_bad_entry_in_the_list_is_reported() -> None:
    raw = good()
    raw["entries"] += [
        _entry("M3", "work", "2026-11-01T09:00:00Z", "2026-11-01T17:00:00Z"),  # [6] after leaving
        OVERLAP,  # [7]
    ]
    raw["entries"].insert(0, copy.deepcopy(OVERLAP))  # now [0]: overlaps M2's work, at [3]
    with pytest.raises(CoverInputError) as caught:
        rota_from_dict(raw)
    assert str(caught.value) == (
        "entries[3]: overlaps entries[0] (on_call_own 2026-10-25T16:00Z–20:00Z) for midwife M2"
    )


def test_validate_entries_checks_a_rota_built_in_code() -> None:
    rota = rota_from_dict(good())
    validate_entries(rota)
    validate_rota(rota)
    naive = replace(
        rota,
        entries=(
            *rota.entries,
            Entry("M2", Kind.WORK, datetime(2026, 10, 27, 9), datetime(2026, 10, 27, 17)),
        ),
    )
    with pytest.raises(CoverInputError, match=r"^entries\[6\]\.start: has no UTC offset"):
        validate_entries(naive)
    double = replace(rota, entries=(*rota.entries, rota.entries[2]))
    with pytest.raises(CoverInputError) as caught:
        validate_entries(double)
    assert caught.value.path == "entries[6]"
    assert "overlaps entries[2]" in caught.value.message
    plain = Entry("M2", "work", rota.entries[2].start, rota.entries[2].end)  # type: ignore[arg-type]
    with pytest.raises(CoverInputError, match=r"^entries\[6\]: overlaps entries\[2\] \(work "):
        validate_entries(replace(rota, entries=(*rota.entries, plain)))
    nap = Entry("M2", "nap", rota.entries[2].start, rota.entries[2].end)  # type: ignore[arg-type]
    with pytest.raises(CoverInputError, match=r"^entries\[6\]\.kind: must be one of"):
        validate_entries(replace(rota, entries=(*rota.entries, nap)))
    bad_zone = replace(rota, policy=replace(rota.policy, timezone="Mars/Olympus"))
    with pytest.raises(CoverInputError, match=r"^policy\.timezone:"):
        validate_entries(bad_zone)


def test_malformed_json_is_reported_with_its_position() -> None:
    with pytest.raises(CoverInputError, match="not valid JSON"):
        document_from_json('{"teams": [')


# -- writing -----------------------------------------------------------------------------------


def test_answers_are_written_with_utc_instants() -> None:
    doc = document_from_dict(good())
    assert doc.women is not None
    index = Index(doc.rota)
    at = datetime.fromisoformat("2026-10-25T10:00:00+00:00")
    out = resolution_to_dict(index.resolve(doc.women[0], at))
    assert out == {
        "woman": "W1",
        "at": "2026-10-25T10:00:00Z",
        "step": "buddy",
        "midwife": "M2",
        "gap": False,
        "until": "2026-10-25T17:00:00Z",
        "chain": [
            {"step": "named", "midwife": "M1", "unavailable": "resting"},
            {"step": "buddy", "midwife": "M2", "unavailable": None},
        ],
    }
    gaps = index.gaps(doc.women, at, at + timedelta(days=1))
    assert [gap_to_dict(g) for g in gaps] == [
        {
            "team": "T1",
            "start": "2026-10-26T09:00:00Z",
            "end": "2026-10-26T10:00:00Z",
            "women": ["W1"],
            "team_uncovered": True,
        }
    ]
    warning = WorkingTimeWarning("M1", "daily_rest", at, at + timedelta(hours=24), 9.5, 11.0)
    assert warning_to_dict(warning)["end"] == "2026-10-26T10:00:00Z"
    load = WeekLoad("M1", date(2026, 10, 19), 0.1, 0.2, 0.038, 0.1)
    assert week_load_to_dict(load)["week_start"] == "2026-10-19"


# -- the command line ------------------------------------------------------------------------


def _write(tmp_path: Path, raw: Any) -> Path:
    source = tmp_path / "rota.json"
    source.write_text(raw if isinstance(raw, str) else json.dumps(raw))
    return source


def test_cli_resolve_writes_every_woman(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, out = _write(tmp_path, good()), tmp_path / "answer.json"
    code = main(
        ["resolve", "--in", str(source), "--out", str(out), "--at", "2026-10-25T01:30:00+01:00"]
    )
    assert code == 0 and capsys.readouterr().err == ""
    answer = json.loads(out.read_text())
    assert answer["at"] == "2026-10-25T00:30:00Z"
    assert [(r["woman"], r["step"], r["midwife"]) for r in answer["resolutions"]] == [
        ("W1", "named", "M1"),
        ("W2", "triage", None),
    ]
    assert list(tmp_path.glob("*.part")) == []


def test_cli_resolve_one_woman_to_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(tmp_path, good())
    code = main(["resolve", "--in", str(source), "--at", "2026-10-27T12:00:00Z", "--woman", "W1"])
    assert code == 0
    (only,) = json.loads(capsys.readouterr().out)["resolutions"]
    assert (only["step"], only["midwife"], only["gap"]) == ("triage", None, True)
    assert only["chain"][1] == {"step": "cover", "midwife": "M3", "unavailable": "off_duty"}


def test_cli_check_and_forecast(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _write(tmp_path, good())
    argv = [
        "check",
        "--in",
        str(source),
        "--from",
        "2026-10-19T00:00+01:00",
        "--to",
        "2026-11-02T00:00Z",
    ]
    assert main(argv) == 0
    checked = json.loads(capsys.readouterr().out)
    assert checked["command"] == "check" and isinstance(checked["warnings"], list)
    assert main(["forecast", "--in", str(source), "--today", "2026-10-24", "--weeks", "3"]) == 0
    loads = json.loads(capsys.readouterr().out)["week_loads"]
    assert {(w["midwife"], w["week_start"]) for w in loads} >= {
        ("M1", "2026-10-19"),
        ("M2", "2026-11-02"),
    }
    assert all(0 <= w["p_at_least_one_named"] <= 1 for w in loads)


@pytest.mark.parametrize(
    ("raw", "argv", "message"),
    [
        ("{not json", ["gaps", "--from", "2026-10-24T00:00Z", "--to", "2026-10-26T00:00Z"],
         "continuity cover: not valid JSON"),
        (_set(good(), ["entries", 3, "end"], "2026-10-25T17:00:00Z"),
         ["gaps", "--from", "2026-10-24T00:00Z", "--to", "2026-10-26T00:00Z"],
         "continuity cover: entries[3].end: must be after its start"),
        (_add(good(), "entries", OVERLAP), ["resolve", "--at", "2026-10-25T00:00Z"],
         "continuity cover: entries[6]: overlaps entries[2]"),
        (good(), ["resolve", "--at", "2026-10-25T00:00"],
         "continuity cover: --at: has no UTC offset"),
        (good(), ["resolve", "--at", "2026-10-25T00:00Z", "--woman", "W7"],
         "continuity cover: --woman: no woman has the id 'W7'"),
        ({k: v for k, v in good().items() if k != "women"},
         ["resolve", "--at", "2026-10-25T00:00Z"],
         "continuity cover: women: is required for resolve"),
        (good(), ["gaps", "--from", "2026-10-26T00:00Z", "--to", "2026-10-24T00:00Z"],
         "continuity cover: --to: must be after --from"),
        (good(), ["check", "--from", "2026-10-26", "--to", "2026-10-27T00:00Z"],
         "continuity cover: --from: has no UTC offset"),
        (good(), ["forecast", "--today", "24/10/2026"],
         "continuity cover: --today: must be a date"),
        (good(), ["forecast", "--today", "2026-10-24", "--weeks", "0"],
         "continuity cover: --weeks: must be a whole number from 1"),
        ({k: v for k, v in good().items() if k != "pregnancies"},
         ["forecast", "--today", "2026-10-24"],
         "continuity cover: pregnancies: is required for forecast"),
    ],
)  # fmt: skip
def test_cli_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], raw: Any, argv: list[str], message: str
) -> None:
    source, out = _write(tmp_path, raw), tmp_path / "answer.json"
    code = main([argv[0], "--in", str(source), "--out", str(out), *argv[1:]])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.startswith(message) and captured.err.count("\n") == 1
    assert captured.out == "" and "Traceback" not in captured.err
    assert list(tmp_path.iterdir()) == [source]


def test_cli_missing_file_and_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    at = ["--at", "2026-10-25T00:00Z"]
    assert main(["resolve", "--in", str(tmp_path / "absent.json"), *at]) == 2
    assert "continuity cover: --in: cannot read" in capsys.readouterr().err
    source = _write(tmp_path, good())
    assert (
        main(["resolve", "--in", str(source), "--out", str(tmp_path / "no" / "a.json"), *at]) == 2
    )
    assert "--out: folder" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [source]


def _console() -> str:
    return str(Path(sys.executable).with_name("continuity"))


def test_the_console_script_resolves_and_finds_gaps(tmp_path: Path) -> None:
    source = _write(tmp_path, good())
    done = subprocess.run(
        [_console(), "cover", "resolve", "--in", str(source), "--at", "2026-10-25T04:00:00Z",
         "--woman", "W1"],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (r,) = json.loads(done.stdout)["resolutions"]
    assert (r["step"], r["gap"], r["until"]) == ("triage", True, "2026-10-25T09:00:00Z")
    assert r["chain"][0]["unavailable"] == "resting"

    out = tmp_path / "gaps.json"
    done = subprocess.run(
        [_console(), "cover", "gaps", "--in", str(source), "--out", str(out),
         "--from", "2026-10-24T12:00:00+01:00", "--to", "2026-10-26T12:00:00Z"],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    answer = json.loads(out.read_text())
    assert (answer["intervals"], answer["women_affected"]) == (3, 1)
    assert [(g["start"], g["end"]) for g in answer["gaps"]] == [
        ("2026-10-24T11:00:00Z", "2026-10-24T18:00:00Z"),
        ("2026-10-25T03:00:00Z", "2026-10-25T09:00:00Z"),
        ("2026-10-26T09:00:00Z", "2026-10-26T12:00:00Z"),
    ]


def test_the_console_script_exits_2_on_bad_input(tmp_path: Path) -> None:
    source = _write(tmp_path, _set(good(), ["entries", 4, "end"], "2026-10-25T00:00:00Z"))
    out = tmp_path / "gaps.json"
    done = subprocess.run(
        [_console(), "cover", "gaps", "--in", str(source), "--out", str(out),
         "--from", "2026-10-24T00:00Z", "--to", "2026-10-26T00:00Z"],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr == "continuity cover: entries[4].end: must be after its start\n"
    assert not out.exists()


def test_the_documented_example_gives_the_documented_answers(tmp_path: Path) -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "engines" / "cover.md"
    blocks = doc.read_text(encoding="utf-8").split("```json\n")[1:]
    example, resolved, gaps = (json.loads(b.split("```")[0]) for b in blocks[:3])
    assert example == good()
    source = _write(tmp_path, example)
    for argv, expected in (
        (["resolve", "--at", "2026-10-25T04:00:00Z", "--woman", "W1"], resolved),
        (["gaps", "--from", "2026-10-25T00:00:00Z", "--to", "2026-10-27T00:00:00Z"], gaps),
    ):
        out = tmp_path / "answer.json"
        assert main([argv[0], "--in", str(source), "--out", str(out), *argv[1:]]) == 0
        assert json.loads(out.read_text()) == expected
