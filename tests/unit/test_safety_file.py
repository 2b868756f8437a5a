"""The clinical safety file holds together (docs/safety/).

The hazard log (DCB0129) and the OWASP ASVS mapping are data. These tests read them with
`tomllib` and fail when a hazard has no control, or no control verified by a test; when a risk
does not follow the DCB0129 matrix or rises after its controls; when an id repeats; or when a
test, file or folder they name does not exist. Test ids are checked without running or
importing the tests: each file is parsed with `ast` and the function (or `Class::method`) looked
up by name. The safety case's copy of the matrix, its list of hazards and the ASVS summary's
counts are checked against the data too, so the prose cannot drift from it.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAFETY = ROOT / "docs" / "safety"
HAZARD_LOG = SAFETY / "hazard-log.toml"
SAFETY_CASE = SAFETY / "safety-case.md"
ASVS = SAFETY / "asvs.toml"
ASVS_SUMMARY = SAFETY / "asvs.md"

SEVERITIES = ("Minor", "Significant", "Considerable", "Major", "Catastrophic")
LIKELIHOODS = ("Very low", "Low", "Medium", "High", "Very high")
# The DCB0129 clinical risk matrix: for each likelihood, the risk (1-5) at each severity, in
# the order of SEVERITIES.
MATRIX: dict[str, tuple[int, ...]] = {
    "Very high": (3, 4, 4, 5, 5),
    "High": (2, 3, 3, 4, 5),
    "Medium": (2, 2, 3, 3, 4),
    "Low": (1, 2, 2, 3, 4),
    "Very low": (1, 1, 2, 2, 3),
}
CONTROL_KINDS = {"design", "test", "training", "process"}
HAZARD_STATUSES = {"open", "controlled", "transferred"}
HAZARD_FIELDS = (
    "id",
    "title",
    "cause",
    "effect",
    "harm",
    "severity",
    "likelihood",
    "risk",
    "controls",
    "residual_severity",
    "residual_likelihood",
    "residual_risk",
    "status",
    "owner",
)
ASVS_STATUSES = ("met", "partial", "gap", "not-applicable", "deployment")
ASVS_CHAPTERS = {f"V{n}" for n in range(1, 18)}
NODE_ID = re.compile(r"^(tests/[\w/]+\.py)::(?:([A-Za-z_]\w*)::)?(test\w*)$")


def risk(severity: str, likelihood: str) -> int:
    return MATRIX[likelihood][SEVERITIES.index(severity)]


# -- resolving test ids without importing them ---------------------------------------------------


@cache
def _defined_tests(path: Path) -> frozenset[str]:
    """Top-level test functions, and `Class::method` for methods, defined in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, functions):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.update(
                f"{node.name}::{item.name}" for item in node.body if isinstance(item, functions)
            )
    return frozenset(names)


def missing_test(node_id: str, root: Path = ROOT) -> str | None:
    """Why `node_id` names no test in the tree under `root`, or None when it does."""
    match = NODE_ID.match(node_id) if isinstance(node_id, str) else None
    if match is None:
        return f"{node_id!r} is not a test id like tests/unit/test_x.py::test_name"
    path, cls, function = match.groups()
    file = root / path
    if not file.is_file():
        return f"{path} does not exist"
    name = f"{cls}::{function}" if cls else function
    if name not in _defined_tests(file):
        return f"{path} has no test {name}"
    return None


def test_the_checker_finds_functions_and_methods_and_flags_what_is_missing(tmp_path):
    folder = tmp_path / "tests" / "unit"
    folder.mkdir(parents=True)
    (folder / "test_x.py").write_text(
        "import pytest\n\n"
        "def test_plain():\n    pass\n\n"
        "@pytest.mark.parametrize('n', [1, 2])\n"
        "def test_with_params(n):\n    pass\n\n"
        "async def test_async():\n    pass\n\n"
        "class TestGroup:\n    def test_method(self):\n        pass\n\n"
        "def helper():\n    def test_nested():\n        pass\n"
    )
    for ok in ("test_plain", "test_with_params", "test_async", "TestGroup::test_method"):
        assert missing_test(f"tests/unit/test_x.py::{ok}", tmp_path) is None
    assert "has no test test_gone" in missing_test("tests/unit/test_x.py::test_gone", tmp_path)
    assert "has no test test_nested" in missing_test("tests/unit/test_x.py::test_nested", tmp_path)
    assert "has no test test_method" in missing_test("tests/unit/test_x.py::test_method", tmp_path)
    assert "does not exist" in missing_test("tests/unit/test_y.py::test_plain", tmp_path)
    assert "not a test id" in missing_test("tests/unit/test_x.py::test_with_params[1]", tmp_path)
    assert "not a test id" in missing_test("test_x.py::test_plain", tmp_path)


# -- the hazard log ------------------------------------------------------------------------------


@cache
def _hazard_log() -> dict[str, Any]:
    with HAZARD_LOG.open("rb") as handle:
        return tomllib.load(handle)


def hazards() -> list[dict[str, Any]]:
    return list(_hazard_log().get("hazard", []))


def _name(hazard: dict[str, Any]) -> str:
    return f"{hazard.get('id', '?')} ({hazard.get('title', 'untitled')})"


def test_the_log_covers_at_least_fifteen_hazards_each_with_every_field():
    assert len(hazards()) >= 15
    problems = [
        f"{_name(h)} has no {field}"
        for h in hazards()
        for field in HAZARD_FIELDS
        if h.get(field) in (None, "", [])
    ]
    problems += [
        f"{_name(h)}: {field} should be text"
        for h in hazards()
        for field in ("title", "cause", "effect", "harm", "owner")
        if not isinstance(h.get(field), str)
    ]
    assert not problems, "\n".join(problems)


def test_hazard_ids_are_unique_and_numbered_in_order():
    ids = [h.get("id") for h in hazards()]
    repeated = sorted(i for i, n in Counter(ids).items() if n > 1)
    assert not repeated, f"repeated hazard ids: {repeated}"
    assert ids == [f"H-{n:03d}" for n in range(1, len(ids) + 1)]


def test_every_hazard_has_a_control_and_a_control_verified_by_a_test():
    problems = []
    for h in hazards():
        controls = h.get("controls") or []
        if not controls:
            problems.append(f"{_name(h)} has no control")
        elif not any(c.get("tests") for c in controls):
            problems.append(f"{_name(h)} has no control verified by a test")
    assert not problems, "\n".join(problems)


def test_controls_say_what_they_are():
    problems = []
    for h in hazards():
        for n, control in enumerate(h.get("controls") or [], start=1):
            where = f"{_name(h)}, control {n}"
            if not str(control.get("description", "")).strip():
                problems.append(f"{where} has no description")
            if control.get("kind") not in CONTROL_KINDS:
                problems.append(
                    f"{where}: kind {control.get('kind')!r} is not one of {CONTROL_KINDS}"
                )
            if not isinstance(control.get("tests"), list):
                problems.append(f"{where}: tests should be a list (empty for none)")
            if control.get("kind") == "test" and not control.get("tests"):
                problems.append(f"{where} is a test control that names no test")
    assert not problems, "\n".join(problems)


def test_every_test_a_hazard_names_exists():
    problems = []
    for h in hazards():
        for n, control in enumerate(h.get("controls") or [], start=1):
            for node_id in control.get("tests") or []:
                why = missing_test(node_id)
                if why:
                    problems.append(f"{_name(h)}, control {n}: {why}")
    assert not problems, "\n".join(problems)


def test_risks_follow_the_dcb0129_matrix():
    problems = []
    for h in hazards():
        for prefix in ("", "residual_"):
            severity, likelihood = h.get(f"{prefix}severity"), h.get(f"{prefix}likelihood")
            if severity not in SEVERITIES:
                problems.append(f"{_name(h)}: {prefix}severity {severity!r} is not a DCB0129 one")
            elif likelihood not in LIKELIHOODS:
                problems.append(
                    f"{_name(h)}: {prefix}likelihood {likelihood!r} is not a DCB0129 one"
                )
            elif h.get(f"{prefix}risk") != risk(severity, likelihood):
                problems.append(
                    f"{_name(h)}: {prefix}risk is {h.get(f'{prefix}risk')!r} but the matrix "
                    f"gives {risk(severity, likelihood)} for {severity} and {likelihood}"
                )
    assert not problems, "\n".join(problems)


def test_no_residual_risk_is_higher_than_before_the_controls():
    higher = [
        f"{_name(h)}: residual risk {h['residual_risk']} is above the initial {h['risk']}"
        for h in hazards()
        if isinstance(h.get("risk"), int)
        and isinstance(h.get("residual_risk"), int)
        and h["residual_risk"] > h["risk"]
    ]
    assert not higher, "\n".join(higher)


def test_no_hazard_is_left_at_an_unacceptable_risk_and_undesirable_ones_stay_open():
    problems = []
    for h in hazards():
        if h.get("status") not in HAZARD_STATUSES:
            problems.append(
                f"{_name(h)}: status {h.get('status')!r} is not one of {HAZARD_STATUSES}"
            )
        residual = h.get("residual_risk", 0)
        if residual >= 4:
            problems.append(f"{_name(h)}: residual risk {residual} is not acceptable")
        if residual == 3 and (h.get("status") != "open" or not h.get("outstanding")):
            problems.append(
                f"{_name(h)}: residual risk 3 must stay open with the outstanding action said"
            )
    assert not problems, "\n".join(problems)


def _table_rows(text: str, first_cell: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        cells = [c.strip().strip("*") for c in line.strip().strip("|").split("|")]
        if line.lstrip().startswith("|") and cells and cells[0] in first_cell:
            rows.append(cells)
    return rows


def test_the_safety_case_shows_the_same_matrix():
    text = SAFETY_CASE.read_text(encoding="utf-8")
    rows = {
        cells[0]: [int(c) for c in cells[1:6]]
        for cells in _table_rows(text, LIKELIHOODS)
        if len(cells) >= 6 and all(c.isdigit() for c in cells[1:6])
    }
    assert set(rows) == set(LIKELIHOODS), "the matrix in safety-case.md needs a row per likelihood"
    for likelihood, expected in MATRIX.items():
        assert rows[likelihood] == list(expected), f"the {likelihood} row of the matrix differs"


def test_the_safety_case_lists_every_hazard_with_its_residual_risk():
    text = SAFETY_CASE.read_text(encoding="utf-8")
    # Rows of the summary table: | H-001 | title | initial risk | residual risk | status |
    listed = {
        cells[0]: cells
        for cells in (
            [c.strip() for c in line.strip().strip("|").split("|")]
            for line in text.splitlines()
            if re.match(r"^\|\s*H-\d{3}\s*\|", line)
        )
        if len(cells) == 5 and cells[2].isdigit() and cells[3].isdigit()
    }
    problems = []
    for h in hazards():
        cells = listed.pop(h["id"], None)
        if cells is None:
            problems.append(f"{_name(h)} is not in the safety case's summary table")
        elif cells[2:4] != [str(h["risk"]), str(h["residual_risk"])]:
            problems.append(
                f"{_name(h)}: the safety case gives risk {cells[2:4]}, the log "
                f"{h['risk']} then {h['residual_risk']} (columns: id, title, initial, residual)"
            )
    problems += [f"{extra} is in the safety case but not in the log" for extra in sorted(listed)]
    assert not problems, "\n".join(problems)


# -- the OWASP ASVS 5.0 level 2 mapping ----------------------------------------------------------


@cache
def _asvs() -> dict[str, Any]:
    with ASVS.open("rb") as handle:
        return tomllib.load(handle)


def requirements() -> list[dict[str, Any]]:
    return list(_asvs().get("requirement", []))


def test_the_mapping_is_asvs_5_level_2_and_covers_every_chapter():
    data = _asvs()
    assert data.get("standard") == "OWASP ASVS" and str(data.get("version")).startswith("5.0")
    assert data.get("level") == 2
    chapters = {str(r.get("chapter")) for r in requirements()}
    assert chapters == ASVS_CHAPTERS, f"missing chapters: {sorted(ASVS_CHAPTERS - chapters)}"


def test_asvs_ids_are_unique_and_sit_in_their_chapter():
    ids = [r.get("id") for r in requirements()]
    repeated = sorted(str(i) for i, n in Counter(ids).items() if n > 1)
    assert not repeated, f"repeated ASVS ids: {repeated}"
    wrong = [
        f"{r.get('id')!r} is not in chapter {r.get('chapter')!r}"
        for r in requirements()
        if not re.fullmatch(r"V\d+(\.\d+){0,2}", str(r.get("id")))
        or str(r.get("id")).split(".")[0] != r.get("chapter")
    ]
    assert not wrong, "\n".join(wrong)


def test_each_asvs_row_says_what_it_needs_for_its_status():
    problems = []
    for r in requirements():
        where, status = str(r.get("id")), r.get("status")
        if status not in ASVS_STATUSES:
            problems.append(f"{where}: status {status!r} is not one of {ASVS_STATUSES}")
            continue
        if not str(r.get("requirement", "")).strip():
            problems.append(f"{where} does not say what the requirement asks")
        if not isinstance(r.get("tests", []), list) or not isinstance(r.get("code", []), list):
            problems.append(f"{where}: tests and code should be lists")
        if status in ("met", "partial"):
            if not str(r.get("control", "")).strip() or not r.get("code"):
                problems.append(f"{where} is {status} but names no control and code")
            if not r.get("tests") and not str(r.get("untested", "")).strip():
                problems.append(f"{where} is {status} with no test and no reason for none")
        if status in ("partial", "gap") and not str(r.get("gap", "")).strip():
            problems.append(f"{where} is {status} but does not say what is missing")
        if status in ("not-applicable", "deployment") and not str(r.get("reason", "")).strip():
            problems.append(f"{where} is {status} but gives no reason")
    assert not problems, "\n".join(problems)


def test_every_test_the_asvs_mapping_names_exists():
    problems = [
        f"ASVS {r.get('id')}: {why}"
        for r in requirements()
        for node_id in r.get("tests") or []
        if (why := missing_test(node_id))
    ]
    assert not problems, "\n".join(problems)


def test_every_file_the_asvs_mapping_names_exists():
    problems = [
        f"ASVS {r.get('id')}: {path} does not exist"
        for r in requirements()
        for path in r.get("code") or []
        if not (ROOT / path).exists()
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("status", ASVS_STATUSES)
def test_the_asvs_summary_counts_each_status_as_the_mapping_does(status):
    counted = Counter(r.get("status") for r in requirements())
    text = ASVS_SUMMARY.read_text(encoding="utf-8")
    rows = {cells[0]: cells[1] for cells in _table_rows(text, ASVS_STATUSES) if len(cells) > 1}
    assert rows.get(status) == str(counted[status]), (
        f"asvs.md gives {rows.get(status)!r} rows as {status}; asvs.toml has {counted[status]}"
    )


def test_the_asvs_summary_gives_the_number_of_rows():
    text = ASVS_SUMMARY.read_text(encoding="utf-8")
    assert f"{len(requirements())} rows" in text


def test_the_asvs_summary_lists_every_gap():
    text = ASVS_SUMMARY.read_text(encoding="utf-8")
    unlisted = [
        str(r["id"])
        for r in requirements()
        if r.get("status") == "gap" and not re.search(rf"\b{re.escape(str(r['id']))}\b", text)
    ]
    assert not unlisted, f"gaps missing from asvs.md: {unlisted}"
