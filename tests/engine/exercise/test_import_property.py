"""Generated hostile exercise files against the importer (issue 14).

Hypothesis takes a real export holding one of everything (tests/engine/exercise/files.py) and breaks
it the ways a hostile or unlucky user would: any value anywhere replaced by another JSON value
(huge and negative numbers, NaN, text with control characters, lists, objects, deep nesting),
keys deleted, actions duplicated or reordered, the bytes cut off. Whatever it makes, the import
either succeeds or is refused with a SessionError or ScenarioError in a sentence; it never takes
long, and it never changes the exercise already saved. What is accepted opens on the pages'
helpers without an exception.
"""

from __future__ import annotations

import json
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.exercise.session import SessionError
from engine.exercise.store import ExerciseStore
from engine.scenario.loader import ScenarioError
from tests.engine.exercise.files import full_export
from tests.engine.exercise.test_records import record

HOSTILE_SCALARS = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.sampled_from([0, -1, 1, 2**31, 2**53 + 1, 2**63, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["", " ", "\x1b[31m", "\u202e", "../../etc/passwd", "0", "1e999", "NaN",
                     "human", "engine", "west", "russia", "adjudicate", "view", "note",
                     "x" * 5000]),
)
JSON_VALUES = st.recursive(
    HOSTILE_SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12)


def paths(doc, prefix=()):
    """Every path to a value in the document (the scenario's text is one value)."""
    yield prefix
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            yield from paths(value, (*prefix, i))


def _parent(doc, path):
    for key in path[:-1]:
        doc = doc[key]
    return doc


@st.composite
def hostile_files(draw) -> str | bytes:
    doc = full_export()
    for _ in range(draw(st.integers(1, 3))):
        everywhere = [p for p in paths(doc) if p]
        path = draw(st.sampled_from(everywhere))
        how = draw(st.sampled_from(["replace", "replace", "delete", "duplicate", "swap",
                                    "nest"]))
        parent = _parent(doc, path)
        if how == "replace":
            parent[path[-1]] = draw(JSON_VALUES)
        elif how == "delete":
            del parent[path[-1]]
        elif how == "duplicate" and isinstance(parent, list):
            parent.insert(path[-1], json.loads(json.dumps(parent[path[-1]])))
        elif how == "swap" and isinstance(parent, list) and len(parent) > 1:
            j = draw(st.integers(0, len(parent) - 1))
            parent[path[-1]], parent[j] = parent[j], parent[path[-1]]
        elif how == "nest":
            parent[path[-1]] = json.loads("[" * 30 + "1" + "]" * 30)
    text = json.dumps(doc)  # NaN and Infinity come out as JSON's non-standard constants
    ending = draw(st.sampled_from(["whole", "whole", "whole", "cut", "bytes"]))
    if ending == "cut":
        return text[:draw(st.integers(0, len(text)))]
    if ending == "bytes":
        return text.encode("utf-8") + draw(st.binary(max_size=8))
    return text


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(hostile_files())
def test_a_generated_hostile_file_is_refused_cleanly_or_imported_whole(tmp_path_factory, file):
    store = ExerciseStore(tmp_path_factory.mktemp("store") / "ex.sqlite")
    saved = store.import_json(json.dumps(full_export()))
    before = record(store.load(saved.id))

    t0 = time.perf_counter()
    try:
        imported = store.import_json(file)
    except ScenarioError as refused:
        message = refused.render()
        imported = None
    except SessionError as refused:
        message = str(refused)
        imported = None
    assert time.perf_counter() - t0 < 15
    if imported is None:
        assert message
        assert "Traceback" not in message
        assert len(message) < 6_000
    else:  # accepted: it reads back the same and everything the pages ask of it works
        from ui import core

        again = store.load(imported.id)
        assert record(again) == record(imported)
        for branch in again.branches:
            again.model(branch)
            core.decision_log(again, branch)
            again.injects_for(branch=branch)
        assert again.classroom in (None, True, False)
        again.submissions()
    assert record(store.load(saved.id)) == before
    assert len(store.list()) == (1 if imported is None else 2)
