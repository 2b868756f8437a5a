"""User-facing strings are marked for translation, so translators can extract them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "src" / "continuity" / "templates"


def test_messages_extract_from_templates_and_code(tmp_path):
    pot = tmp_path / "django.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "gettext_lazy",
            "-o",
            str(pot),
            "--omit-header",
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    text = pot.read_text()
    for message in (
        "My caseload",
        "Sign in to Continuity",
        "Enter her NHS number",
        "Page not found",
    ):
        assert f'msgid "{message}"' in text


BRAND_WORDS = {"Continuity", "NHS"}


def test_no_bare_text_between_template_tags():
    """Text outside Jinja tags must go through _(); only the brand names may stand bare."""
    from jinja2 import Environment

    env = Environment(extensions=["jinja2.ext.i18n"])
    offenders = []
    for path in TEMPLATES.rglob("*.jinja"):
        # Keep only raw text, with each Jinja tag replaced by a placeholder, then drop markup.
        pieces = [
            (value if kind == "data" else "\x00")
            for _, kind, value in env.lex(path.read_text())
            if kind in ("data", "variable_begin", "block_begin")
        ]
        text = re.sub(r"<[^>]*>", " ", "".join(pieces), flags=re.S)
        text = re.sub(r"&[a-z]+;", " ", text)
        words = set(re.findall(r"[A-Za-z]{2,}", text)) - BRAND_WORDS
        if words:
            offenders.append(f"{path.relative_to(TEMPLATES)}: {sorted(words)}")
    assert offenders == []
