"""Hypothesis generators in one place: parameter draws and random moves from the catalogue."""

from __future__ import annotations

from hypothesis import strategies as st

from engine.core.parameters import PARAMETERS
from engine.moves.catalogue import CATALOGUE, SUPPORT_KINDS, MoveType, make_move


@st.composite
def parameter_overrides(draw, max_size: int = 6):
    """A few model parameters drawn within their plausible ranges."""
    names = draw(st.lists(st.sampled_from(sorted(PARAMETERS)), max_size=max_size, unique=True))
    return {n: draw(st.floats(PARAMETERS[n].low, PARAMETERS[n].high)) for n in names}


@st.composite
def moves_for(draw, state, actor: str):
    """A move for ``actor`` with parameters inside (or just outside) the catalogue bounds."""
    move_type = draw(st.sampled_from(list(MoveType)))
    params = {}
    for p in CATALOGUE[move_type].params:
        if p.kind == "int":
            params[p.name] = draw(st.integers(int(p.low), int(p.high * 1.1)))
        elif p.kind == "float":
            params[p.name] = draw(st.floats(p.low, p.high))
        elif p.kind == "choice":
            params[p.name] = draw(st.sampled_from(p.choices))
        elif p.kind == "actor":
            params[p.name] = draw(st.sampled_from(sorted(state.actors)))
        elif p.kind == "route" and state.routes:
            if draw(st.booleans()):
                params[p.name] = draw(st.sampled_from(sorted(state.routes)))
        elif p.kind == "theatre" and state.theatres and draw(st.booleans()):
            params[p.name] = draw(st.sampled_from(sorted(state.theatres)))
    if move_type == MoveType.PAY_SUPPORT:
        low, high, _ = SUPPORT_KINDS[params["kind"]]
        params["amount"] = draw(st.floats(low, high))
    return make_move(actor, move_type.value, params, source="human")
