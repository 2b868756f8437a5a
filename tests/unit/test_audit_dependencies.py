"""The dependency audit's reading of pip-audit's JSON report (scripts/audit_dependencies.py).

pip-audit prints "No known vulnerabilities found" even when it could not look anything up, so
the script must tell clean, vulnerable and unaudited apart from the report itself.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_dependencies.py"


@pytest.fixture(scope="module")
def verdict():
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.verdict


def _dep(name, *, vulns=(), skip=None):
    dep = {"name": name, "version": "1.0", "vulns": list(vulns)}
    if skip:
        dep["skip_reason"] = skip
    return dep


def test_all_audited_and_clean_passes(verdict):
    lines, status = verdict({"dependencies": [_dep("django"), _dep("jinja2")]}, require=True)
    assert status == 0
    assert lines == ["audit: 2 of 2 locked packages audited, 0 with known vulnerabilities"]


def test_a_known_vulnerability_fails_and_names_it(verdict):
    vuln = {"id": "PYSEC-0000-1", "fix_versions": ["1.1"]}
    lines, status = verdict({"dependencies": [_dep("django", vulns=[vuln])]}, require=False)
    assert status == 1
    assert lines[0] == "VULNERABLE django 1.0: PYSEC-0000-1 (fixed in 1.1)"


def test_unaudited_packages_are_reported_not_called_clean(verdict):
    report = {"dependencies": [_dep("django"), _dep("zopfli", skip="not found on PyPI")]}
    lines, status = verdict(report, require=False)
    assert status == 0
    assert "audit: 1 of 2 locked packages audited" in lines[0]
    assert lines[1].startswith("audit: UNAUDITED 1 packages")


def test_unaudited_packages_fail_when_an_audit_is_required(verdict):
    report = {"dependencies": [_dep("zopfli", skip="not found on PyPI")]}
    _lines, status = verdict(report, require=True)
    assert status == 1


def test_an_empty_report_fails(verdict):
    _lines, status = verdict({"dependencies": []}, require=False)
    assert status == 1
