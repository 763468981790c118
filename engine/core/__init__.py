"""The game's core data: its state (``state``), the changes that move it and their causes
(``causal``), the table of variables (``variables``), the parameters (``parameters``), the
belief algebra (``beliefs``), Kahn's ladder (``ladder``), the caches (``caching``), number
helpers (``numbers``) and the engine's code fingerprint (``provenance``). Depends on nothing
else in the engine."""
