"""The scenarios that ship with Brink, as package data: the scenario files here, the lesson
packs in lessons/, the calibration episodes in calibration/ and scenario.schema.json (the JSON
Schema of the format). There is no code: find the files with
``engine.scenario.shipped.shipped_dir`` and ``shipped_path``, which work from a checkout and
from an installed package alike."""
