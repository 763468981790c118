"""Streamlit views for classroom mode: the lesson's plain-language choices, "why?" in plain
sentences, the lesson's briefing and handouts, the glossary.

Every sentence shown here comes from engine/narrate/plain.py, which builds it from the game's
causal log
and per-turn frame (or from the lesson file and the glossary): nothing is written here that
could contradict the numbers beside it.
"""

from __future__ import annotations

import streamlit as st

from engine.exercise.session import Exercise
from engine.narrate import plain
from engine.narrate.handout import handout_html, terms_used
from engine.scenario.schema import Scenario
from ui import core
from ui.state import action, said


def choice_sheet(ex: Exercise, actor: str) -> None:
    """The lesson's choices for ``actor`` as buttons; a choice the engine would refuse now is
    greyed out with the reason. Choosing submits the catalogue move it stands for."""
    name = ex.names[actor]
    submitted = ex.submissions().get(actor)
    if submitted:
        moves = "; ".join(core.describe_move(m, ex.scenario) for m in submitted["moves"]) or "hold"
        chosen = submitted.get("rationale") or moves
        st.success(core.as_markdown_text(f"{name} chose: {chosen} ({moves}).")
                   + " Choosing again replaces it.")
    st.caption(f"What does {core.as_markdown_text(name)} do in turn {ex.pending_turn}? "
               "Pick one.")
    for i, (choice, reason) in enumerate(plain.available_choices(ex.model(), actor)):
        order = {"move": choice.move.move, "params": dict(choice.move.params)}
        left, right = st.columns([2, 3], vertical_alignment="center")
        left.button(core.as_markdown_text(choice.label), key=f"choice:{actor}:{i}",
                    disabled=reason is not None, width="stretch",
                    **action("submit", actor, [order], choice.label, turn=ex.pending_turn,
                             where=f"choices:{actor}",
                             done=f"{name} chose: {choice.label}."))
        if reason is not None:
            right.caption(f"Not possible now: {core.as_markdown_text(reason)}")
        else:
            move = core.describe_move(order, ex.scenario)
            right.caption(f"The move: {core.as_markdown_text(move)}")
    said(f"choices:{actor}")


def why(model, turn: int) -> None:
    """What changed in ``turn`` and why, as plain sentences (engine.narrate.plain.explanations, the
    same sentences as ``plain_why``): one expander per figure, its causes inside."""
    st.markdown(f"**Why? What changed in turn {turn}**")
    shown = [e for e in plain.explanations(model, turn) if e.direction != "stayed"]
    if not shown:
        st.caption(f"No figure changed in turn {turn}.")
    for e in shown:
        with st.expander(core.as_markdown_text(e.headline())):
            st.markdown("\n".join(f"- {core.as_markdown_text(c)}" for c in e.causes))


def lesson_overview(scenario: Scenario, key: str) -> None:
    """A lesson pack's objectives and student briefing, and its handouts to download."""
    lesson = scenario.lesson
    if lesson is None:
        return
    st.subheader("Lesson")
    st.markdown("**What students will learn**")
    st.markdown("\n".join(f"- {core.as_markdown_text(o)}" for o in lesson.objectives))
    with st.expander("Student briefing", expanded=True):
        st.markdown(core.as_markdown_text(lesson.student_briefing))
    if lesson.choices:
        with st.expander(f"The class's choices ({len(lesson.choices)})"):
            st.markdown("\n".join(f"- {core.as_markdown_text(c.label)}"
                                  for c in lesson.choices))
    handout_buttons(scenario, key)


def handout_buttons(scenario: Scenario, key: str) -> None:
    """Download buttons for the printable handout: students' part, and with the teacher's
    part (class plan and debrief) on a new page."""
    st.caption("Printable handouts (one HTML page each; open in a browser and print, no "
               "internet needed).")
    left, right = st.columns(2)
    left.download_button("Handout for students (HTML)", handout_html(scenario, teacher=False),
                         file_name=f"{scenario.id}-students.html", mime="text/html",
                         key=f"{key}:handout_students", icon=":material/print:")
    right.download_button("Handout with teacher's notes (HTML)",
                          handout_html(scenario, teacher=True),
                          file_name=f"{scenario.id}-teacher.html", mime="text/html",
                          key=f"{key}:handout_teacher", icon=":material/print:")


def glossary(scenario: Scenario | None, find: str = "") -> None:
    """The glossary (engine.narrate.plain.GLOSSARY), the open lesson's words first."""
    used = terms_used(scenario) if scenario is not None and scenario.lesson is not None else []
    needle = find.strip().lower()

    def entries(terms) -> str:
        return "\n".join(f"- **{core.as_markdown_text(t)}**: "
                         f"{core.as_markdown_text(plain.GLOSSARY[t])}" for t in terms
                         if not needle or needle in t.lower()
                         or needle in plain.GLOSSARY[t].lower())

    if used:
        st.subheader("Words this lesson uses")
        st.markdown(entries(used) or "No match.")
    st.subheader("All words" if used else "Words")
    st.markdown(entries(sorted(plain.GLOSSARY, key=str.lower)) or "No match.")
