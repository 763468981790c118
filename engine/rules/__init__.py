"""Adjudication rules: pure functions from explicit state (and the run's random streams) to
changes: ``rule(state, params, rng) -> changes``.

The model runs them in the fixed turn order of docs/explanation/how-brink-works.md: logistics,
economy, military, politics, escalation. Intelligence runs before decisions. None of them
mutates its input. ``rng`` is the run's named streams (``engine.core.streams.Streams``): a rule
draws from the stream named for what the draw decides (``rng.of("attrition:russia")``), so one
actor's luck never depends on how many others draw.
"""

from engine.rules.economy import economy
from engine.rules.escalation import escalation
from engine.rules.intelligence import intelligence
from engine.rules.logistics import logistics
from engine.rules.military import military
from engine.rules.politics import politics

__all__ = ["economy", "escalation", "intelligence", "logistics", "military", "politics"]
