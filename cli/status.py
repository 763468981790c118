"""Exit statuses of ``brink`` and the length of its one-line messages (cli/main.py)."""

from __future__ import annotations

EXIT_FAILED = 1  # the command could not finish: a batch stopped, a run failed, a bug
EXIT_USAGE = 2  # bad input: a bad scenario, a bad argument or file
MAX_MESSAGE = 1000  # characters of an error message (they may quote what the user gave)
