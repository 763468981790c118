"""Exit statuses of ``brink``, the length of its one-line messages (cli/main.py), and the
one way its commands write a page they made."""

from __future__ import annotations

from pathlib import Path

from engine.core.errors import UsageError

EXIT_FAILED = 1  # the command could not finish: a batch stopped, a run failed, a bug
EXIT_USAGE = 2  # bad input: a bad scenario, a bad argument or file
MAX_MESSAGE = 1000  # characters of an error message (they may quote what the user gave)


def write_page(path: Path, text: str) -> None:
    """Write ``text`` to ``path``; a file that cannot be written is a one-line usage error
    (the folder is missing, read-only or full), never a traceback."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
