"""What the AppTest suites share: where the app is, and the check that a page ran cleanly.

The ``db`` fixture (tests/conftest.py) gives each test its own exercise store.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "ui" / "app.py")


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60)


PAGE_FAILED = "This page could not be drawn because of an error in Brink."


def ok(at: AppTest) -> AppTest:
    """The script ran without an exception: neither a traceback on the page nor the message
    ui/app.py shows in its place when a page raises (the server log has the traceback)."""
    assert not at.exception, [e.value for e in at.exception]
    assert not [e for e in at.error if PAGE_FAILED in e.value], \
        at.session_state["page_failure"]
    return at


def texts(elements) -> list[str]:
    return [e.value for e in elements]
