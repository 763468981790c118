"""The move catalogue (``catalogue``): move types, who may use them, their parameters and
bounds, visibility, escalation points, preconditions and effects. Depends on engine.core."""
