"""The committed JSON Schema matches the scenario model."""

import json

from cli.scenario import schema_json
from tests.conftest import SCENARIOS


def test_committed_schema_is_current():
    """scenarios/scenario.schema.json is regenerated whenever the format changes."""
    committed = (SCENARIOS / "scenario.schema.json").read_text()
    assert committed == schema_json(), "run: brink schema > scenarios/scenario.schema.json"


def test_schema_describes_every_top_level_section():
    """Editors can complete every section of a scenario."""
    schema = json.loads(schema_json())
    for section in ("clock", "actors", "relations", "theatres", "routes", "parameters",
                    "injects", "outcomes", "sanctions", "transfers"):
        assert section in schema["properties"]
