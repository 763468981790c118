"""The simulation: the thin Mesa shell that runs the rules turn by turn (``model``), Monte Carlo
futures forked from a game in progress (``futures``) and the public conformance checker
(``conformance``)."""
