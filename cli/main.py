"""The ``brink`` command line: the composition root that builds the parser from every family
of subcommands (the console script ``brink`` and ``python -m cli`` both run :func:`main`).

    brink run FILE [--seed N] [--turns N] [--out DIR] [--explain TURN] [--replay MOVES]
    brink validate FILE... [--play [--seeds N,N,...] [--turns N]]
    brink schema
    brink moves
    brink batch FILE [--runs N] [--out DIR] ...
    brink report BATCH | brink compare A B
    brink check-model [--screening]
    brink forecast FILE [--runs N] [--from DATE] [--out FILE]
    brink handout LESSON [--no-teacher] [--out FILE]
    brink docs glossary | brink docs model [FILE] [--check]

Exit status: 0 done; 1 the command could not finish (a batch stopped, a run failed, or an
unexpected error: one line, BRINK_TRACEBACK=1 shows where); 2 bad input (a bad scenario, a bad
argument or file), with a message on stderr and never a traceback. Files given to read are
refused before they are read when they are not regular files (a FIFO, /dev/zero) or are above
their limit (docs/reference/limits.md, "The command line").
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys

from cli import batch, check_model, docs, forecast, handout, report, run, scenario
from cli.status import EXIT_FAILED, EXIT_USAGE, MAX_MESSAGE
from engine import __version__
from engine.batch.runner import BatchError, BatchFailed
from engine.batch.store import PartError
from engine.core.errors import UsageError
from engine.narrate.safe_text import one_line
from engine.scenario.loader import ScenarioError

# Each family adds its subcommands, in the order `brink --help` lists them.
FAMILIES = (run, scenario, batch, report, check_model, forecast, handout, docs)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ScenarioError as exc:
        print(exc.render(), file=sys.stderr)
        return EXIT_USAGE
    except (UsageError, BatchError) as exc:
        return _error(exc, EXIT_USAGE)
    except (BatchFailed, PartError) as exc:  # a batch that stopped, a damaged part
        return _error(exc, EXIT_FAILED)
    except KeyboardInterrupt:
        print("brink: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `brink run ... | head`
        _silence_stdout()
        return 0
    except MemoryError:
        return _error("out of memory; ask for less (fewer runs, turns or files)", EXIT_FAILED)
    except Exception as exc:  # a bug, or an environment brink did not foresee
        if os.environ.get("BRINK_TRACEBACK"):
            raise
        text = " ".join(str(exc).split())
        return _error(f"unexpected {type(exc).__name__}" + (f": {text}" if text else "")
                      + " (set BRINK_TRACEBACK=1 to see where)", EXIT_FAILED)


def _error(message, status: int) -> int:
    """Print ``brink: error: MESSAGE`` on one line (control characters shown as escapes, cut
    at MAX_MESSAGE characters) and return ``status``."""
    text = one_line(message)
    if len(text) > MAX_MESSAGE:
        text = text[:MAX_MESSAGE - 3] + "..."
    with contextlib.suppress(OSError):  # stderr closed: the status still says it
        print(f"brink: error: {text}", file=sys.stderr)
    return status


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so that the interpreter's final flush
    does not fail again with a second message."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line (what is wrong and where to read more), not
    the usage block; exit status 2 as argparse's."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="brink", description="Sanctions-and-escalation scenario game engine.")
    parser.add_argument("--version", action="version", version=f"brink {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for family in FAMILIES:
        family.add_parsers(sub)
    return parser

