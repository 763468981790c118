"""Brink: a sanctions-and-escalation scenario game engine (rules, scenarios, Mesa model)."""

__version__ = "0.1.0"

# The public conformance checker (engine/sim/conformance.py), imported on first use so that
# `import engine` stays light: `from engine import check_scenario`.
_CONFORMANCE = ("check_scenario", "CheckReport", "ConformanceError", "INVARIANTS")


def __getattr__(name: str):
    if name in _CONFORMANCE:
        from engine.sim import conformance

        return getattr(conformance, name)
    raise AttributeError(f"module 'engine' has no attribute {name!r}")
