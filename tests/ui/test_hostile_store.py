"""No page shows a traceback, whatever an imported file or an old store holds (issue 14, item 4).

The reviewer's empty ``view`` action broke every page, Saved exercises included. Files are now
refused at import; a store written before that may still hold such rows, and every page must
answer them with a message.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from engine.exercise.store import ExerciseStore
from tests.apptest import new_app, ok, texts
from tests.engine.exercise.files import full_export

PAGES = ["play", "futures", "branches", "hotwash", "exercises", "library", "setup", "glossary"]
DAMAGE = {
    "empty view": "UPDATE actions SET data = '{}' WHERE kind = 'view'",
    "note without text": "UPDATE actions SET data = '{\"turn\": 1}' WHERE kind = 'note'",
    "moves of a stranger": "UPDATE actions SET data = json_set(data, '$.actor', 'china') "
                           "WHERE kind = 'moves'",
    "unknown team": "UPDATE exercises SET teams = '{\"china\": \"human\"}'",
    "a billion turns": "UPDATE exercises SET turns = 1000000000",
    "a huge seed": "UPDATE exercises SET seed = 9223372036854775807 * 2",
    "an orphan branch": "UPDATE branches SET parent = 42 WHERE id = 2",
    "a data column that is not JSON": "UPDATE actions SET data = '{' WHERE kind = 'note'",
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_every_page_answers_a_damaged_store_with_a_message(damage, db):
    ex = ExerciseStore(db).import_json(json.dumps(full_export()))
    with sqlite3.connect(db) as conn:
        conn.execute(DAMAGE[damage])
    at = new_app()
    at.query_params["exercise"] = ex.id
    ok(at.run())
    assert any(f"Cannot open exercise {ex.id}" in e for e in texts(at.error)), texts(at.error)
    for page in PAGES:
        ok(at.switch_page(f"screens/{page}.py").run())
    # the saved exercises page still lists it (and the others) so it can be exported or deleted
    ok(at.switch_page("screens/exercises.py").run())
    assert ex.id in set(at.dataframe[0].value["id"])

