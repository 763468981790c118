"""Brink: a sanctions-and-escalation scenario game engine (rules, scenarios, Mesa model)."""

__version__ = "0.1.0"
