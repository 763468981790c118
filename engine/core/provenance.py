"""Which engine made a result: a fingerprint of the engine code that decides the numbers.

``engine.__version__`` is bumped by hand and says nothing of an edit between releases, yet an
edit to a rule can change every number. Batches record the fingerprint in their manifest (and
refuse to resume with a different engine); exercises record it with each adjudicated turn, so
a replay that no longer matches what the room saw can say why; the calibration page
(docs/reference/validation.md) is stamped with it.
"""

from __future__ import annotations

import ast
import hashlib
import platform
import sysconfig
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the folder that holds engine/

# The engine code that decides a batch's numbers: the batch runner and worker and every engine
# module they import, directly or not (found by reading the import statements, so modules that
# only present results - docs, command line, classroom handouts - do not change it).
_ENTRY_POINTS = ("engine/batch/runner.py", "engine/batch/worker.py")


def _module_file(root: Path, dotted: str) -> Path | None:
    base = root.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(tree: ast.Module):
    """Every node of ``tree`` except those inside a module-level ``__getattr__`` (PEP 562):
    a package's lazy public exports (``from engine import check_scenario``) are conveniences
    for users, not code the batch engine runs."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "__getattr__":
            continue
        yield from ast.walk(node)


def engine_sources(root: Path | None = None) -> list[str]:
    """Paths (relative to the repository) of the engine modules the batch engine imports."""
    root = root or ROOT
    todo = [root / e for e in _ENTRY_POINTS]
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        package = path.relative_to(root).with_suffix("").parts[:-1]
        for parent in range(1, len(package) + 1):  # the packages' __init__ run on import
            init = root.joinpath(*package[:parent], "__init__.py")
            if init.is_file():
                todo.append(init)
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level:
                    module = ".".join([*package[:len(package) - node.level + 1], module])
                names = [module] + [f"{module}.{a.name}" for a in node.names]
            for name in names:
                if name.strip(".").split(".")[0] == "engine":
                    found = _module_file(root, name.strip("."))
                    if found is not None:
                        todo.append(found)
    return sorted(p.relative_to(root).as_posix() for p in seen)


def hash_files(h, files) -> None:
    """Feed ``(name, path)`` pairs to the hash ``h``, line endings normalised (a checkout on
    Windows gives the same digest)."""
    for name, path in files:
        h.update(name.encode() + b"\0")
        h.update(Path(path).read_bytes().replace(b"\r\n", b"\n") + b"\0")


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """SHA-256 of the engine code that decides the numbers (``engine_sources``)."""
    h = hashlib.sha256()
    hash_files(h, [(name, ROOT / name) for name in engine_sources()])
    return h.hexdigest()


def short(fingerprint: str) -> str:
    """The first 12 hex digits: enough to tell two engines apart in a sentence."""
    return fingerprint[:12]


_SPEED_FLAGS = ("--enable-optimizations", "--with-lto")


def interpreter() -> dict[str, str]:
    """The Python that ran a batch: its version and the configure flags that decide its speed
    (not its numbers: results are the same on either build, docs/reference/performance.md)."""
    args = sysconfig.get_config_var("CONFIG_ARGS") or ""
    flags = [f for f in _SPEED_FLAGS if f in args]
    return {"python": f"{platform.python_implementation()} {platform.python_version()}",
            "python_build": " ".join(flags) or "without --enable-optimizations"}
