"""Brink's tabletop exercise app: ``streamlit run ui/app.py`` (what ``make run`` serves).

The entry point only sets the page up and names the pages (st.navigation). Each page under
ui/screens/ is a thin script: the exercise itself (moves, injects, adjudication, branches,
futures, saving) lives in engine/exercise/session.py, and ui/dashboard.py and ui/core.py draw it.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

# `streamlit run ui/app.py` puts ui/ on the path, not the folder that holds it: make `engine`,
# `analysis` and `ui` importable however the app is started. That folder is the checkout, or
# site-packages for an installed package (already on the path); the scenarios the app offers
# come from the package either way (engine/scenario/shipped.py).
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from ui import state  # noqa: E402

# An emoji, not a ":material/...:" icon: Streamlit fetches a material favicon from Google's
# font servers on every page load, which an exercise on an air-gapped network must not do (an
# emoji favicon is drawn from a data: URL; tests/ui/test_e2e_user_text.py checks no request
# leaves the app).
st.set_page_config(page_title="Brink tabletop", page_icon="🌐", layout="wide")

pages = {
    "Exercise": [
        st.Page(state.PAGES["library"], title="Library", icon=":material/menu_book:",
                default=True),
        st.Page(state.PAGES["setup"], title="Set up", icon=":material/tune:"),
        st.Page(state.PAGES["play"], title="Play", icon=":material/play_arrow:"),
        st.Page(state.PAGES["futures"], title="What happens from here?",
                icon=":material/ssid_chart:"),
        st.Page(state.PAGES["branches"], title="Rewind and branch",
                icon=":material/call_split:"),
        st.Page(state.PAGES["hotwash"], title="Hotwash and report",
                icon=":material/summarize:"),
    ],
    "Classroom": [
        st.Page(state.PAGES["glossary"], title="Glossary", icon=":material/book:"),
    ],
    "Files": [
        st.Page(state.PAGES["exercises"], title="Saved exercises",
                icon=":material/folder_open:"),
    ],
}
# The page scripts live in ui/screens/, not ui/pages/: Streamlit would also serve a pages/
# folder as old-style pages of its own, run without this entry point (no navigation, no page
# config) when a page's URL is opened directly. Each page draws the shared header itself
# (ui.state.page_header).
page = st.navigation(pages)
try:
    page.run()
except Exception as exc:  # a bug must never reach the room as a traceback (st.stop and st.rerun
    # are not Exceptions, so they pass); what went wrong is in the server log
    logging.getLogger("brink.ui").exception("page %s failed", page.title)
    st.session_state["page_failure"] = f"{type(exc).__name__}: {exc}"  # for the test suites
    st.error("This page could not be drawn because of an error in Brink. Everything saved is "
             "intact: open another page, or reload. The details are in the server's log.")
