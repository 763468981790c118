"""A tabletop exercise as an event log: the exercise and its actions (``session``), its file
format and checks (``file``) and the SQLite store (``store``)."""
