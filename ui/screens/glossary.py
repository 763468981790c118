"""Glossary: the words Brink's lessons use, in plain definitions (engine.narrate.plain.GLOSSARY)."""

from __future__ import annotations

import streamlit as st

from ui import classroom, state

ex = state.page_header()
st.title("Glossary")
st.caption("Plain definitions of the words the lessons, charts and \"why?\" answers use.")
find = st.text_input("Find a word", key="glossary_find", placeholder="e.g. leakage")
classroom.glossary(ex.scenario if ex is not None else None, find)
