"""The engine gives, bit for bit, what tests/golden/fixture holds for every shipped scenario,
an exercise and a batch (tests/golden/golden.py says what and how to renew it)."""

from __future__ import annotations

from tests.golden import golden


def test_the_engine_gives_what_the_fixture_holds():
    found = golden.differences()
    assert not found, "\n".join(found)


def test_the_comparison_sees_a_change(monkeypatch):
    """The check bites: one number changed in one table is reported, naming the table."""
    now = golden.current()
    case = next(iter(now))
    frame = now[case]["per_turn"].copy()
    frame.loc[len(frame) // 2, "value"] += 1e-9
    now[case]["per_turn"] = frame
    found = golden.differences(now)
    assert len(found) == 1
    assert found[0].startswith(f"{case}.per_turn:")
