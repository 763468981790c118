"""The error every front end reports as the user's mistake, not Brink's."""

from __future__ import annotations


class UsageError(Exception):
    """A bad request: an argument out of range, a file that cannot be read or written. The
    command line reports it in one line with exit status 2 (cli/main.py); the library raises
    it wherever what the user gave is at fault (a move log, a report's --threshold, a folder
    that is not a batch)."""
