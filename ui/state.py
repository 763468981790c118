"""Streamlit glue between the pages and engine/exercise/session.py: the store, the open exercise,
and
running a facilitator action so that no mistake reaches the screen as a traceback.

The exercise being run is named in the session and in the URL (``?exercise=<id>``), so a
browser reload or a second tab reopens it from the store. Before each page run the stored
version is compared with the copy held in this session: if another tab has acted since, the copy
is reloaded (and a notice shown) instead of being saved over.

A button that changes the exercise is bound, when it is drawn, to the branch and turn the page
shows (``action``): its click runs as a callback against the exercise as stored at that moment,
so a click on "Submit orders for turn 7" after another window has played turn 7 is refused
(``Overtaken``) with the draft kept, never filed as turn 8's orders; and a click on "Adjudicate
turn 2" can never play turn 3.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from engine.exercise.session import (
    Exercise,
    Overtaken,
    SessionError,
    StaleExercise,
    StoreUnavailable,
)
from engine.exercise.store import ExerciseStore, default_db_path
from engine.scenario.loader import ScenarioError
from ui import core

log = logging.getLogger(__name__)

PAGES = {
    "library": "screens/library.py",
    "setup": "screens/setup.py",
    "play": "screens/play.py",
    "futures": "screens/futures.py",
    "branches": "screens/branches.py",
    "hotwash": "screens/hotwash.py",
    "exercises": "screens/exercises.py",
    "glossary": "screens/glossary.py",
}


@st.cache_resource(show_spinner=False)
def _store(path: str) -> ExerciseStore:
    return ExerciseStore(path)


@st.cache_data(max_entries=64, show_spinner=False)
def read_scenario(data: bytes, source: str) -> core.Loaded:
    """Validate scenario bytes once per distinct content (the library rereads every rerun)."""
    return core.read_scenario(data, source)


def read_scenario_file(path) -> core.Loaded:
    try:
        data = path.read_bytes()
    except OSError:  # vanished or unreadable: core explains it
        return core.read_scenario_file(path)
    return read_scenario(data, path.name)


def store() -> ExerciseStore | None:
    """The exercise store (``$BRINK_DB`` or ~/.brink/exercises.sqlite), or None after showing
    why it cannot be opened."""
    try:
        return _store(str(default_db_path()))
    except SessionError as exc:
        show("error", f"{exc}. Set BRINK_DB to a writable file path and restart.")
        return None


def open_exercise(exercise_id: str) -> None:
    st.session_state["exercise_id"] = exercise_id
    st.session_state.pop("exercise", None)
    st.query_params["exercise"] = exercise_id


def close_exercise() -> None:
    st.session_state.pop("exercise_id", None)
    st.session_state.pop("exercise", None)
    st.query_params.pop("exercise", None)


def exercise() -> Exercise | None:
    """The open exercise, reloaded from the store when it changed elsewhere, or None."""
    ex_id = st.session_state.get("exercise_id") or st.query_params.get("exercise")
    if not ex_id:
        return None
    s = store()
    if s is None:
        return None
    ex = st.session_state.get("exercise")
    try:
        stored = s.version(ex_id)
    except StoreUnavailable as exc:  # the file is busy or unreadable right now: say so, and
        show("warning", str(exc))    # show the copy held here (any action will retry the file)
        return ex if ex is not None and ex.id == ex_id else None
    if stored is None:
        close_exercise()
        flash("warning", f"Exercise {ex_id} is not in the store {s.path}.")
        return None
    if ex is None or ex.id != ex_id or ex.version != stored:
        ex = _reload(s, ex, ex_id)
        if ex is None:
            return None
    st.session_state["exercise_id"] = ex_id
    if st.query_params.get("exercise") != ex_id:
        st.query_params["exercise"] = ex_id
    return ex


def _reload(s: ExerciseStore, ex: Exercise | None, ex_id: str) -> Exercise | None:
    """The stored exercise, replayed, in place of the session's copy; None (with a message)
    when it cannot be opened."""
    if ex is not None and ex.id == ex_id:
        st.toast("This exercise was changed in another tab or window: reloaded.")
    try:
        fresh = s.load(ex_id)
        fresh.model()  # replay now: a stored log this engine cannot replay is caught here
    except StoreUnavailable as exc:
        show("warning", str(exc))
        return ex if ex is not None and ex.id == ex_id else None
    except (SessionError, ScenarioError) as exc:
        close_exercise()
        flash("error", f"Cannot open exercise {ex_id}: {_message(exc)}")
        return None
    except Exception as exc:  # e.g. an exercise saved by an older, different engine
        log.exception("replaying exercise %s failed", ex_id)
        close_exercise()
        flash("error", f"Cannot replay exercise {ex_id} with this engine "
                       f"({type(exc).__name__}: {exc}). It is unchanged in the store; "
                       "export it from a matching Brink version.")
        return None
    st.session_state["exercise"] = fresh
    return fresh


def require_exercise() -> Exercise:
    """The page header and the open exercise; otherwise a pointer to where to start one, and
    the page stops."""
    ex = page_header()
    if ex is None:
        st.info("No exercise is open. Choose a scenario in the **Library** and set it up, or "
                "resume one from **Saved exercises**.")
        st.page_link(PAGES["library"], label="Go to the library", icon=":material/menu_book:")
        st.page_link(PAGES["exercises"], label="Saved exercises", icon=":material/folder_open:")
        st.stop()
    return ex


def _bug(exc: Exception, action) -> str:
    """Log an unexpected failure of ``action`` with its traceback; the sentence for the room."""
    log.exception("action %s failed", getattr(action, "__name__", action))
    return (f"That did not work ({type(exc).__name__}: {exc}). Everything saved before it is "
            "intact; the details are in the server log.")


def _message(exc: Exception) -> str:
    return exc.render() if isinstance(exc, ScenarioError) else str(exc)


def show(kind: str, text: str) -> None:
    """A message box (``st.error``, ``st.warning``, ...) of plain text: messages quote what
    users typed (names, notes, rationales, file contents), so the text is shown as written and
    loads nothing (ui.core.as_markdown_text); a scenario's error report, several lines with
    its YAML, keeps its lines in a code block."""
    if "\n" in text:
        first, rest = text.split("\n", 1)
        getattr(st, kind)(core.as_markdown_text(first) + "\n\n" + core.code_block(rest))
    else:
        getattr(st, kind)(core.as_markdown_text(text))


def flash(kind: str, text: str) -> None:
    """A message (plain text, see ``show``) at the top of the next page run (survives
    ``st.rerun``)."""
    st.session_state.setdefault("flash", []).append((kind, text))


def show_flash() -> None:
    for kind, text in st.session_state.pop("flash", []):
        show(kind, text)


def act(fn: Callable, *args, done: str | None = None, rerun: bool = True, **kwargs):
    """Run a session action; a refusal becomes a message, a stale copy a reload. Reruns the
    page after success so that everything drawn above reflects the new state."""
    try:
        result = fn(*args, **kwargs)
    except StaleExercise as exc:
        st.session_state.pop("exercise", None)
        flash("warning", f"Not saved: {exc}. The exercise has been reloaded; please check it "
                         "and redo your last action if it is still needed.")
        st.rerun()
    except (SessionError, ScenarioError) as exc:
        show("error", _message(exc))
        return None
    except Exception as exc:  # a bug must not reach the room as a traceback
        show("error", _bug(exc, fn))
        return None
    if done:
        flash("success", done)
    if rerun:
        st.rerun()
    return result


@dataclass(frozen=True)
class Entered:
    """An argument of an ``action`` read from a widget's key when the button is clicked (what
    was typed), not when the button was drawn."""

    key: str
    default: Any = None

    def value(self) -> Any:
        return st.session_state.get(self.key, self.default)


def action(method: str | Callable, *args, turn: int | None = None,
           done: str | Callable[[Any], str] | None = None,
           where: str | None = None, after: Callable[[Any], None] | None = None,
           overtaken: Callable[[Exercise], str] | None = None, **kwargs) -> dict:
    """The ``on_click`` and ``args`` of a button that runs ``Exercise.<method>(*args,
    **kwargs)`` (or ``method(exercise, *args, **kwargs)``), bound to the branch the page shows
    now and, for actions of one turn, to ``turn``. The click runs as a callback, before the page
    is drawn again, on the exercise as stored at that moment; when another window has since
    played that turn or moved to another branch the action is refused (``Overtaken``) instead
    of being applied to the new state.

    ``Entered(key)`` arguments are read when the button is clicked. ``done``: the success
    message (top of the page), or a function of the result that gives it. ``where``: the place
    (``said(where)``) for a refusal, next to the button; otherwise at the top.
    ``after(result)``: runs after success (clear a draft). ``overtaken(fresh)``: runs on
    ``Overtaken`` and returns a sentence for the message (the draft is kept, and where)."""
    ex = st.session_state["exercise"]
    bound = {"branch": ex.current} | ({"turn": turn} if turn is not None else {})
    return {"on_click": _perform,
            "args": (ex.id, method, args, {**kwargs, **bound}, done, where, after, overtaken)}


def _perform(ex_id: str, method, args: tuple, kwargs: dict, done,
             where: str | None, after, overtaken) -> None:
    ex = exercise()
    if ex is None or ex.id != ex_id:
        tell(where, "warning", "Not done: the exercise that button belonged to is no longer "
                               "open here.")
        return
    values = [a.value() if isinstance(a, Entered) else a for a in args]
    options = {k: v.value() if isinstance(v, Entered) else v for k, v in kwargs.items()}
    for attempt in (1, 2):
        try:
            result = (getattr(ex, method)(*values, **options) if isinstance(method, str)
                      else method(ex, *values, **options))
            break
        except StaleExercise:
            # another window saved between this copy's load and its save: reload and try once
            # more, so what the action was written for is checked against the new state
            st.session_state.pop("exercise", None)
            ex = exercise()
            if ex is None or attempt == 2:
                tell(where, "warning", "Not saved: the exercise changed in another window at "
                                       "the same moment and has been reloaded. Please check it "
                                       "and try again.")
                return
        except Overtaken as exc:
            kept = overtaken(ex) if overtaken is not None else ""
            message = f"Not done: {exc}. {kept}".strip()
            # at the top too: the place it was written for may no longer be drawn (an inject
            # of a turn now played), and the page has moved on under the reader
            flash("warning", message)
            if where is not None:
                tell(where, "warning", message)
            return
        except (SessionError, ScenarioError) as exc:
            tell(where, "error", _message(exc))
            return
        except Exception as exc:  # a bug must not reach the room as a traceback
            tell(where, "error", _bug(exc, method))
            return
    if done:
        flash("success", done(result) if callable(done) else done)
    if after is not None:
        after(result)


def cleared(*keys: str) -> Callable[[Any], None]:
    """An ``after`` that empties these widgets once the action has succeeded: a form's text
    stays in its box when the action fails or is refused, so nothing typed is lost (a form's
    own clear_on_submit would empty it either way)."""
    def clear(_result) -> None:
        for key in keys:
            st.session_state[key] = ""
    return clear


def tell(where: str | None, kind: str, text: str) -> None:
    """A message (plain text, see ``show``) for the next page run: at ``said(where)`` if
    given, else at the top."""
    if where is None:
        flash(kind, text)
    else:
        st.session_state.setdefault("said", {})[where] = (kind, text)


def said(where: str) -> None:
    """Show the message an action left for this place, once."""
    message = st.session_state.get("said", {}).pop(where, None)
    if message is not None:
        show(*message)


def classroom(ex: Exercise) -> bool:
    """Whether the open exercise is shown in classroom mode: as last chosen at set-up or in the
    sidebar (saved with the exercise), otherwise on for lesson packs and off for the rest."""
    chosen = ex.classroom
    return ex.scenario.lesson is not None if chosen is None else chosen


def set_classroom(ex: Exercise, on: bool) -> None:
    """Save a change of mode with the exercise (a default that is left alone is not written)."""
    if classroom(ex) != bool(on):
        act(ex.set_classroom, bool(on), rerun=False)


def status_line(ex: Exercise) -> str:
    branch = core.as_markdown_text(ex.branches[ex.current].name)
    where = "finished" if ex.finished else f"next: turn {ex.pending_turn}"
    return (f"**{core.as_markdown_text(ex.title)}**  \nTurn {ex.turn} of {ex.turns} ({where}) "
            f"· {branch}")


def page_header() -> Exercise | None:
    """What every page shows first: messages from the last action and, in the sidebar, the
    open exercise. Returns the open exercise (or None)."""
    ex = exercise()
    with st.sidebar:
        if ex is not None:
            st.markdown(status_line(ex))
            teams = ", ".join(ex.names[a] for a in ex.human_teams) or "none (engine only)"
            st.caption(core.as_markdown_text(f"Human teams: {teams}. Seed {ex.seed}. Saved "
                                             "after every action."))
            on = st.toggle("Classroom mode", value=classroom(ex), key=f"classroom:{ex.id}",
                           help="Plain-language choices, one sentence under each chart, "
                                "\"why?\" in plain sentences, the lesson's questions.")
            set_classroom(ex, on)
        else:
            st.caption("No exercise open.")
    show_flash()
    return ex
