"""The full ``brink`` command: the engine's commands plus those that read batch results.

The engine must not import analysis/, so the console script points here and this module
hands its subcommands to :func:`engine.cli.main`.
"""

from __future__ import annotations

from analysis import calibration, commands
from engine.cli import AddParser
from engine.cli import main as engine_main

# Each entry adds one subcommand to the parser; see engine.cli.AddParser.
COMMANDS: tuple[AddParser, ...] = (
    commands.add_report_parser,
    commands.add_compare_parser,
    calibration.add_parser,
)


def main(argv: list[str] | None = None) -> int:
    return engine_main(argv, commands=COMMANDS)


if __name__ == "__main__":
    raise SystemExit(main())
