"""`continuity import-postcodes`: the `import_postcodes` command under its hyphenated name."""

from continuity.geography.management.commands.import_postcodes import Command

__all__ = ["Command"]
