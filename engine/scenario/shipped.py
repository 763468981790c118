"""The scenarios that ship with Brink: the folder scenarios/ (the shipped scenarios, the lesson
packs in scenarios/lessons/, the calibration episodes in scenarios/calibration/ and
scenario.schema.json).

scenarios/ is a package of data files, installed beside engine/, so these functions find it
with importlib.resources wherever Brink runs from: a checkout, an editable install or a wheel
installed in site-packages. Nothing here depends on the current folder.
"""

from __future__ import annotations

import atexit
import contextlib
from functools import lru_cache
from importlib import resources
from pathlib import Path, PurePosixPath

PACKAGE = "scenarios"

# A package imported from a zip file has no folder to read: as_file extracts one, kept for the
# life of the process and removed at exit. From a folder (the usual case) it is that folder.
_kept = contextlib.ExitStack()
atexit.register(_kept.close)


@lru_cache(maxsize=1)
def shipped_dir() -> Path:
    """The folder of the shipped scenarios."""
    return _kept.enter_context(resources.as_file(resources.files(PACKAGE)))


def shipped_path(name: str) -> Path:
    """A shipped file or folder, named by its path in the repository, as the docs name it:
    ``scenarios/nk-100k.yaml``, ``scenarios/lessons``, ``scenarios/calibration/....yaml``."""
    parts = PurePosixPath(name).parts
    if not parts or parts[0] != PACKAGE or ".." in parts:
        raise ValueError(f"{name!r} is not a path under {PACKAGE}/")
    return shipped_dir().joinpath(*parts[1:])
