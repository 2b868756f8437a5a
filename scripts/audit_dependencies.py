"""Audit the locked Python dependencies for known vulnerabilities with pip-audit.

Usage: .venv/bin/python scripts/audit_dependencies.py

The lock file is exported (`uv export`) and audited without installing anything. pip-audit says
"No known vulnerabilities found" even when it could not look a package up, so this script reads
its JSON report and tells the three cases apart:

- a known vulnerability in any package: exit 1, naming the package, version and advisory;
- packages that could not be audited (no vulnerability service reachable, as on an offline build
  machine): listed as UNAUDITED; exit 1 when CONTINUITY_REQUIRE_AUDIT=1 (set it where the network
  reaches PyPI or OSV), otherwise exit 0 with the warning printed;
- everything audited and clean: exit 0.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"


def _uv() -> list[str]:
    for candidate in (["uv"], [sys.executable, "-m", "uv"], ["python3", "-m", "uv"]):
        try:
            subprocess.run([*candidate, "--version"], capture_output=True, check=True)  # noqa: S603
        except (OSError, subprocess.CalledProcessError):
            continue
        return candidate
    raise SystemExit("audit: uv is not available to export the lock file")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "requirements.txt"
        subprocess.run(  # noqa: S603
            [*_uv(), "export", "--frozen", "--format", "requirements-txt", "--no-hashes",
             "--no-emit-project", "--quiet", "--output-file", str(requirements)],
            cwd=ROOT, check=True,
        )  # fmt: skip
        result = subprocess.run(  # noqa: S603
            [str(VENV / "pip-audit"), "--requirement", str(requirements), "--no-deps",
             "--disable-pip", "--progress-spinner", "off", "--format", "json"],
            cwd=ROOT, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        sys.stderr.write(result.stderr)
        print("audit: pip-audit gave no report (see above)")
        return 1
    lines, status = verdict(report, require=os.environ.get("CONTINUITY_REQUIRE_AUDIT") == "1")
    print("\n".join(lines))
    return status


def verdict(report: dict[str, Any], *, require: bool) -> tuple[list[str], int]:
    """What pip-audit's JSON report means: the lines to print and the exit status."""
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    unaudited = [d for d in dependencies if d.get("skip_reason")]
    lines = []
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
            name = f"{dep['name']} {dep['version']}"
            lines.append(f"VULNERABLE {name}: {vuln['id']} (fixed in {fixes})")
    audited = len(dependencies) - len(unaudited)
    lines.append(
        f"audit: {audited} of {len(dependencies)} locked packages audited, "
        f"{len(vulnerable)} with known vulnerabilities"
    )
    if unaudited:
        lines.append(
            f"audit: UNAUDITED {len(unaudited)} packages: no vulnerability service answered "
            f"(first: {unaudited[0]['name']}: {unaudited[0]['skip_reason']})"
        )
    if vulnerable or not dependencies:
        return lines, 1
    if unaudited and require:
        lines.append("audit: CONTINUITY_REQUIRE_AUDIT=1, so unaudited packages fail the check")
        return lines, 1
    return lines, 0


if __name__ == "__main__":
    sys.exit(main())
