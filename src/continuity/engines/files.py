"""Reading and writing the engines' JSON files from their command lines.

Output is written beside the target and renamed into place, so a failure never leaves half a
plan or half an answer behind. '-' means standard input or output.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def read_text(path: str) -> str:
    """The file's text, or standard input for '-'. OSError when it cannot be read."""
    if path == "-":
        return sys.stdin.read()
    return Path(path).read_text(encoding="utf-8")


def missing_folder(path: str) -> Path | None:
    """The folder an output path needs that does not exist, if any."""
    if path == "-":
        return None
    folder = Path(path).parent
    return None if folder.exists() else folder


def write_text(path: str, text: str) -> None:
    if path == "-":
        sys.stdout.write(text)
        return
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
