"""Type checks shared by the engines' JSON readers.

Each engine reads its JSON strictly and names the offending field in its own input error
(`women[3].edd: must be a list`); these are the checks every reader makes the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Fields:
    """The basic checks, raising `error(path, message)` — the engine's own input error."""

    def __init__(self, error: Callable[[str, str], Exception]) -> None:
        self.error = error

    def object(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(path, "must be an object")
        return value

    def list(self, value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.error(path, "must be a list")
        return value

    def boolean(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            raise self.error(path, "must be true or false")
        return value
