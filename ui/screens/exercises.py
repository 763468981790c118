"""Saved exercises: resume one, export the open one, import a file."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from engine.exercise.session import SessionError
from engine.scenario.loader import ScenarioError
from ui import core, state

open_ex = state.page_header()
st.title("Saved exercises")
s = state.store()
if s is None:
    st.stop()
st.caption(f"Every action is saved to {s.path} as it happens.")
saved = s.list()
if saved:
    for e in saved:
        e["updated"] = core.readable_time(e["updated"])
    st.dataframe(pd.DataFrame(saved)[["title", "played", "turns", "branches", "updated", "id"]],
                 hide_index=True)
    ids = [e["id"] for e in saved]
    pick = st.selectbox("Exercise", ids, key="resume_pick",
                        index=ids.index(open_ex.id) if open_ex and open_ex.id in ids else 0,
                        format_func=lambda i: next(f"{e['title']} ({e['id']}, updated "
                                                   f"{e['updated']})" for e in saved
                                                   if e["id"] == i))
    if st.button("Resume", type="primary", key="resume"):
        state.open_exercise(pick)
        st.switch_page(state.PAGES["play"])
else:
    st.info("No saved exercises yet.")

if open_ex is not None:
    st.subheader("Export")
    st.download_button("Export the open exercise (JSON)", open_ex.to_json(),
                       file_name=f"brink-exercise-{open_ex.id}.json", mime="application/json",
                       key="export")

st.subheader("Import")
# a new key after each import empties the uploader: pressing Import again makes no second copy
imports = st.session_state.get("imports", 0)
upload = st.file_uploader("Exercise file (JSON)", type=["json"],
                          key="import_file" if not imports else f"import_file:{imports}",
                          help="A file written by Export, at most 20 MB (larger files are not "
                               "taken; docs/reference/limits.md).")
st.caption("Exercise files up to 20 MB; a larger one is refused by the uploader (its red mark "
           "says so).")


def _import(data: bytes, filename: str):
    """Import the file as a new exercise (``ExerciseStore.import_json``: a fresh id, a title
    told apart from a stored one); a refusal names the file and says what to import instead."""
    try:
        return s.import_json(data)
    except SessionError as exc:
        raise SessionError(core.import_problem(filename, str(exc))) from None
    except ScenarioError as exc:  # the scenario the file carries
        raise SessionError(core.import_problem(
            filename, f"the scenario inside it does not load: {exc.render()}")) from None


if upload is not None and st.button("Import", key="import"):
    imported = state.act(_import, upload.getvalue(), upload.name, rerun=False)
    if imported is not None:
        st.session_state["imports"] = imports + 1
        state.open_exercise(imported.id)
        state.flash("success", f"Imported as {imported.id}: {imported.title}.")
        st.rerun()
