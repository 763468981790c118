"""Streamlit views shared by the pages: the dashboard, the team order sheet, inject review.

Views only draw and collect input; every rule, check and change goes through
engine/exercise/session.py
(via ui.state.act) and every number comes from the replayed model.
"""

from __future__ import annotations

import re

import streamlit as st

from engine.core.ladder import RUNG_NAMES
from engine.core.variables import WRITABLE_ACTOR_VARS, WRITABLE_THEATRE_VARS, WRITABLE_WORLD_VARS
from engine.exercise.session import Exercise
from engine.moves.catalogue import CATALOGUE, MoveType, ParamSpec, open_choices, param_spec
from engine.narrate import plain
from engine.narrate.explain import headline_changes
from ui import charts, core
from ui import classroom as classroom_views
from ui.state import Entered, action, cleared, said

DEFAULT = "(default)"
SMALL, LARGE = 300, 320  # chart heights: room for the axis labels and a legend below


# --- dashboard -----------------------------------------------------------------------------------


# Moves whose choices the order sheet narrows to what the engine would accept (a team may still
# pick a refused value elsewhere to see why; lifting only makes sense for a package in force).
NARROWED_MOVES = frozenset({"lift_sanctions"})

def replay_warning(ex: Exercise) -> None:
    """A warning when turns of this line no longer replay to the figures the room saw when
    they were played (typically: the engine changed since); nothing when they all do."""
    notice = core.replay_notice(ex.replay_differences())
    if notice:
        st.warning("\n\n".join(core.as_markdown_text(s) for s in notice), icon="⚠️")


def dashboard(ex: Exercise, classroom: bool = False) -> None:
    """The situation after the last adjudicated turn. In ``classroom`` mode every chart has
    its one-sentence caption and "why?" is told in plain sentences (engine.narrate.plain)."""
    model = ex.model()
    names = ex.names
    frame = model.frame()
    turn = model.state.turn
    s = model.state
    rung = s.escalation_rung
    casualties = sum(a.casualties for a in s.actors.values())
    prev = frame[frame["turn"] == max(turn - 1, 0)].set_index(["actor", "variable"])["value"]

    def delta(actor: str, var: str, now: float, fmt: str = "{:+,.0f}") -> str | None:
        """The change over the last turn as shown, or None (no arrow) when it rounds to 0."""
        before = prev.get((actor, var))
        if not turn or before is None:
            return None
        text = fmt.format(now - before)
        return text if re.search(r"[1-9]", text) else None

    cols = st.columns(5)
    cols[0].metric("Escalation rung", rung, delta=delta("world", "escalation_rung", rung),
                   delta_color="inverse", help=RUNG_NAMES[rung])
    cols[1].metric("Escalation score", f"{s.escalation_score:.1f}",
                   help="this turn's points of the most escalated pair of actors, per side "
                        "(Rivera et al. 2024)")
    cols[2].metric("Risk of a wider war", f"{s.wider_war_risk:.1%}",
                   delta=delta("world", "wider_war_risk", s.wider_war_risk, "{:+.1%}"),
                   delta_color="inverse")
    cols[3].metric("Military casualties", f"{casualties:,}", help="killed and wounded")
    cols[4].metric("Sanctions in force", len(s.sanctions))
    st.caption(f"Turn {turn} · {s.date:%d %b %Y} · rung {rung}: {RUNG_NAMES[rung]}")

    if not turn:
        st.info("The charts appear after the first turn"
                + (", each with one sentence on what it shows." if classroom else
                   ". The tables show the situation at the start."))
    if classroom:
        if turn:
            _classroom_charts(model, frame, names)
    else:
        _facilitator_charts(model, frame, names, turn)

    events = model.events_frame()
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Intelligence reports, turn {turn}**")
        reports = core.intelligence_reports(model.reports_frame(), names, turn)
        if len(reports):
            text_table(reports)
        else:
            st.caption("No reports this turn.")
    with right:
        st.markdown("**News**")
        feed = core.news_feed(events, names, last=turn)
        if len(feed):
            text_table(feed)
        else:
            st.caption("Nothing public has happened yet.")

    if turn and classroom:
        classroom_views.why(model, turn)
    elif turn:
        why(model, turn)


TABLE_ROWS = 8  # a longer text table scrolls inside this many rows' height (about)
TABLE_HEIGHT = 380


def text_table(table) -> None:
    """A table of text the room reads (headlines, reports, sanctions): every cell wrapped in
    full (st.table), not cut to a column width as st.dataframe does; a long one scrolls.
    st.table reads each cell as Markdown: the cells (inject texts, rationales, names) are
    escaped so that they show as written and load nothing."""
    st.table(core.markdown_cells(table), hide_index=True,
             height=TABLE_HEIGHT if len(table) > TABLE_ROWS else "content")


def why(model, turn: int) -> None:
    """The facilitator's "why?": one expander per headline figure that changed in ``turn``,
    the moves, injects, chance draws and rules that moved it inside."""
    st.markdown(f"**Why? What changed in turn {turn}**")
    changes = headline_changes(model, turn, behind=True)
    if not changes:
        st.caption(f"No headline figure changed in turn {turn}.")
    for headline, causes in changes:  # each cause, and nested below it what it came from
        with st.expander(core.as_markdown_text(headline)):
            st.markdown("\n".join(f"{'    ' * level}- {core.as_markdown_text(c)}"
                                   for level, c in causes))


def _chart(wide, y_title: str, y_format: str | None = None, height: int = SMALL,
           names: dict[str, str] | None = None) -> None:
    """A small line chart of a turn-indexed frame, whole turns on its axis, legend below;
    with ``names`` (every actor, scenario order) its columns are actors, each in its colour."""
    colours = charts.keyed_colours(names.values()) if names is not None else None
    st.altair_chart(charts.lines(wide, y_title, y_format=y_format, height=height,
                                 colours=colours), width="stretch")


def _facilitator_charts(model, frame, names: dict[str, str], turn: int) -> None:
    """Escalation, strain, troops, casualties and sanctions (charts from turn 1 on; the
    tables from the start)."""
    s = model.state
    if turn:
        left, right = st.columns(2)
        with left:
            st.markdown("**Escalation over time**")
            # the level alone, on an axis fitted to it: a move from 12.0 to 12.8 shows (the
            # turn's score, in points, is a different scale: it is the metric above)
            st.altair_chart(charts.lines(core.escalation(frame)[["level"]], "rung on the ladder",
                                         height=LARGE, fit=True), width="stretch")
            st.caption(plain.chart_caption("escalation", frame))
        with right:
            st.markdown("**Economic strain**")
            _chart(core.per_actor(frame, "strain", names), "strain (0-1)", height=LARGE,
                   names=names)

    left, right = st.columns(2)
    with left:
        movers = core.deployers(frame, names) or [
            a for a in names if "expeditionary" in s.actors[a].capabilities]
        st.markdown("**Troops**")
        if movers:
            rows = [{"actor": names[a], "at home": s.actors[a].forces_home,
                     "waiting to leave": s.actors[a].queued,
                     "in transit": s.actors[a].in_transit, "deployed": s.actors[a].deployed,
                     "of them off the line": s.actors[a].reserve}
                    for a in movers]
            st.dataframe(rows, hide_index=True, column_config={
                c: st.column_config.NumberColumn(format="localized")
                for c in ("at home", "waiting to leave", "in transit", "deployed",
                          "of them off the line")})
            if turn:
                st.markdown(f"**Troops abroad: {core.as_markdown_text(names[movers[0]])}**")
                _chart(core.troops(frame, movers[0])[["in transit", "deployed"]], "troops",
                       charts.COUNT)
        else:
            st.caption("No actor sends troops abroad.")
    with right:
        st.markdown("**Casualties and sanctions**")
        hit = core.with_casualties(frame, names)
        if turn and hit:
            _chart(core.per_actor(frame, "casualties", names, only=hit),
                   "killed and wounded", charts.COUNT, names=names)
        table = core.sanctions_table(model)
        text_table(table) if len(table) else st.caption("No sanctions.")


FLOW_TITLES = {"lost_trade": "Trade lost to sanctions",
               "transfer_relief": "Net help from others"}


def _classroom_charts(model, frame, names: dict[str, str]) -> None:
    """The dashboard's charts, each with the sentence ``engine.narrate.plain.chart_caption``
    computes
    from the numbers it plots."""
    left, right = st.columns(2)
    with left:
        st.markdown("**Escalation over time**")
        st.altair_chart(charts.lines(core.escalation(frame)[["rung"]], "rung on the ladder",
                                     height=LARGE, whole=True), width="stretch")
        st.caption(plain.chart_caption("escalation", frame))
    with right:
        st.markdown("**Economic strain**")
        _chart(core.per_actor(frame, "strain", names), "strain (0-1)", height=LARGE,
               names=names)
        st.caption(core.as_markdown_text(plain.chart_caption("strain", frame, names=names)))

    # what the lessons ask students to watch beside the strain: trade lost and help received
    flows = {v: core.nonzero_actors(frame, v, names) for v in FLOW_TITLES}
    flows = {v: ids for v, ids in flows.items() if ids}
    for column, (variable, ids) in zip(st.columns(2), flows.items(), strict=False):
        with column:
            st.markdown(f"**{FLOW_TITLES[variable]}**")
            _chart(core.per_actor(frame, variable, names, only=ids).loc[plain.FIRST_FLOW_TURN:],
                   charts.axis_for(variable)[0], names=names)
            st.caption(core.as_markdown_text(plain.chart_caption(
                variable, frame, names={a: names[a] for a in ids})))

    left, right = st.columns(2)
    with left:
        movers = core.deployers(frame, names)
        if movers:
            st.markdown(f"**Troops abroad: {core.as_markdown_text(names[movers[0]])}**")
            _chart(core.troops(frame, movers[0])[["in transit", "deployed"]], "troops",
                   charts.COUNT)
            st.caption(core.as_markdown_text(
                plain.chart_caption("troops", frame, actor=movers[0], names=names)))
        table = core.sanctions_table(model)
        if len(table):
            st.markdown("**Sanctions in force**")
            text_table(table)
        elif not movers:
            st.caption("No troops abroad and no sanctions in force.")
    with right:
        for about in core.estimated(frame, names)[:1]:
            st.markdown(f"**Troops abroad, {core.as_markdown_text(names[about])}: the "
                        "public's estimate**")
            _chart(core.estimate_series(frame, about), "troops", charts.COUNT)
            st.caption(core.as_markdown_text(
                plain.chart_caption("estimate", frame, about=about, names=names)))
        hit = core.with_casualties(frame, names)
        if hit:
            st.markdown("**Military casualties**")
            _chart(core.per_actor(frame, "casualties", names, only=hit),
                   "killed and wounded", charts.COUNT, names=names)
            st.caption(core.as_markdown_text(
                plain.chart_caption("casualties", frame, names=names)))


# --- a team's order sheet ----------------------------------------------------------------------


def _param_widget(ex: Exercise, actor: str, spec: ParamSpec, key: str,
                  choices: list[str] | None = None):
    """A field for one parameter. Numbers are not clamped by the widget: the team's number is
    checked, as typed, by the engine when the move is added (``Exercise.check``), so an
    out-of-range value is refused with a message instead of being replaced by the last valid
    one. The catalogue's spec decides the field: whole numbers with a step of 1 for an ``int``
    parameter, a float field showing only the digits typed for a ``float`` one (Streamlit's
    number field cannot show thousands separators: the help gives the range with them).
    ``choices``: the values the engine would accept now (``engine.moves.catalogue.open_choices``),
    if
    the situation narrows them."""
    label = core.param_label(spec)
    if spec.kind in ("int", "float"):
        is_int = spec.kind == "int"
        low, high = float(spec.low), float(spec.high)
        default = spec.default if spec.default is not None else (
            min(max(low, 5000), high) if is_int else low)
        unit = f" {spec.unit}" if spec.unit and spec.unit != spec.name else ""
        return st.number_input(label, value=int(default) if is_int else float(default),
                               step=core.param_step(spec), format=core.param_format(spec),
                               key=key,
                               help=f"between {core.number(low)} and {core.number(high)}{unit}")
    if choices is not None:
        options = list(choices)
    elif spec.kind == "choice":
        options = list(spec.choices)
    else:
        options = ex.choices(actor, spec.kind, spec.name)
    if spec.optional:
        options = [DEFAULT, *options]
    if spec.default is not None and spec.default in options:
        options.remove(spec.default)
        options.insert(0, spec.default)
    names = core.id_names(ex.scenario).get(spec.kind, {})
    return st.selectbox(label, options, key=key, format_func=lambda o: names.get(o, o))


def _draft_key(ex: Exercise, actor: str) -> str:
    return f"draft:{ex.id}:{ex.current}:{ex.pending_turn}:{actor}"


def unsubmitted_drafts(ex: Exercise) -> dict[str, int]:
    """Teams with moves drafted on the order sheet but not submitted (a submission clears the
    draft), and how many: adjudicating now would drop them."""
    return {a: len(d) for a in ex.human_teams if (d := st.session_state.get(_draft_key(ex, a)))}


def order_sheet(ex: Exercise, actor: str) -> None:
    """Draft moves (checked against the catalogue as they are added), a rationale, submit."""
    draft_key = _draft_key(ex, actor)
    draft = st.session_state.setdefault(draft_key, [])
    submitted = ex.submissions().get(actor)
    name = ex.names[actor]
    turn = ex.pending_turn
    if submitted:
        moves = "; ".join(core.describe_move(m, ex.scenario) for m in submitted["moves"])
        st.success(core.as_markdown_text(f"Orders in for turn {turn}: {moves or 'hold'}. "
                                         "Submitting again replaces them."))

    options = [s.type.value for s in ex.move_options(actor)]
    kind = st.selectbox("Move", options, key=f"move:{actor}",
                        format_func=lambda m: CATALOGUE[MoveType(m)].label)
    spec = CATALOGUE[MoveType(kind)]
    st.caption(core.move_summary(spec))
    params = {}
    nothing = None  # why a parameter has no value to offer in this situation
    state = ex.model().state
    cols = st.columns(max(1, len(spec.params)))
    for col, p in zip(cols, spec.params, strict=False):
        with col:
            narrowed = (open_choices(state, actor, kind, p.name, params)
                        if kind in NARROWED_MOVES else None)
            if narrowed is not None and not narrowed[0]:
                nothing = nothing or narrowed[1]
                st.caption(f"{core.param_label(p)}: none to choose from")
                continue
            key = f"param:{actor}:{kind}:{p.name}"
            shown = param_spec(kind, p.name, params)  # bounds may follow an earlier choice
            if shown != p:  # one field per choice, so cash's 500 does not become a payroll's
                key += f":{shown.low:g}-{shown.high:g}"
            value = _param_widget(ex, actor, shown, key,
                                  narrowed[0] if narrowed is not None else None)
            if value != DEFAULT:
                params[p.name] = value
    # the numbers as typed, checked by the engine (catalogue bounds, then the state); shown as
    # the team fills the form, so a move the situation rules out is visible before it is added
    empty = next((p.name for p in spec.params if p.kind in ("int", "float")
                  and p.name in params and params[p.name] is None), None)
    if nothing:
        reason = nothing
    else:
        reason = f"enter a number for '{empty}'" if empty else ex.check(actor, kind, params)
    if reason:
        st.caption(f"Not possible as it stands: {core.as_markdown_text(reason)}.")
    if st.button("Check and add to the orders", key=f"add:{actor}"):
        if reason:
            st.error(core.as_markdown_text(f"Refused: {reason}. Nothing was added."))
        else:
            draft.append({"move": kind, "params": params})
            st.rerun()

    if draft:
        st.markdown("**Draft orders**")
        for i, move in enumerate(draft):
            c1, c2 = st.columns([6, 1])
            c1.markdown(f"{i + 1}. " + core.as_markdown_text(core.describe_move(move,
                                                                              ex.scenario)))
            if c2.button("Remove", key=f"remove:{actor}:{i}"):
                draft.pop(i)
                st.rerun()
    else:
        st.caption("No moves drafted: submitting now means the team holds.")

    with st.form(f"orders:{actor}", clear_on_submit=False):
        st.markdown(f"**{core.as_markdown_text(name)}: orders for turn {turn}**")
        why_key = _rationale_key(ex, actor)
        st.text_area("Rationale (why the team chose this)", key=why_key,
                     placeholder=f"e.g. what {plain.in_sentence(name)} wants "
                                 "these moves to achieve, and why now")
        # bound to this turn: a click after another window played it is refused, never filed
        # as the next turn's orders (a hold nobody chose), and the draft moves to the new turn
        st.form_submit_button(
            f"Submit orders for turn {turn}", type="primary", key=f"submit:{actor}",
            **action("submit", actor, Entered(draft_key, []), Entered(why_key, ""), turn=turn,
                     done=f"{name}: orders for turn {turn} are in.", where=f"orders:{actor}",
                     after=lambda _: st.session_state.pop(draft_key, None),
                     overtaken=lambda fresh: keep_draft(fresh, actor, draft_key, why_key)))
    said(f"orders:{actor}")


def _rationale_key(ex: Exercise, actor: str) -> str:
    return f"why:{actor}:{ex.current}:{ex.pending_turn}"


def keep_draft(fresh: Exercise, actor: str, draft_key: str, why_key: str) -> str:
    """After a submission was refused because its turn had been played elsewhere: move the
    draft and the rationale to the order sheet of the turn now pending (where the team will look
    for them), and say so, quoting them so that nothing is lost even if no sheet is shown."""
    draft = list(st.session_state.get(draft_key) or [])
    rationale = str(st.session_state.get(why_key) or "").strip()
    kept = "; ".join(core.describe_move(m, fresh.scenario) for m in draft) or "hold"
    quoted = f"Your orders were: {kept}" + (f"; rationale: \"{rationale}\"" if rationale else "")
    if fresh.finished:
        return f"{quoted}. All turns have been played, so they were not filed."
    new_draft, new_why = _draft_key(fresh, actor), _rationale_key(fresh, actor)
    if not st.session_state.get(new_draft):
        st.session_state[new_draft] = draft
    if rationale and not st.session_state.get(new_why):
        st.session_state[new_why] = rationale
    return (f"{quoted}. They are kept as the draft for turn {fresh.pending_turn}: check them "
            "against what has happened, then submit.")


# --- injects -----------------------------------------------------------------------------------


def inject_review(ex: Exercise) -> None:
    """The injects due next turn: approve, edit or skip the scheduled ones; add ad-hoc ones."""
    due = ex.injects_for()
    if not due:
        st.caption(f"No injects are due at turn {ex.pending_turn}.")
    elif any(inj["scheduled"] for inj in due):
        st.caption("Scheduled injects you leave untouched are played as written.")
    for inj in due:
        decision = core.INJECT_DECISIONS[inj["status"]]
        short = core.as_markdown_text(_short(inj["text"]))
        with st.expander(f"{short}{decision.mark}"):
            st.markdown(f":{decision.colour}-badge[:material/{decision.icon}: "
                        f"{decision.coming}]")
            audience = ", ".join("all teams" if t == "all" else core.source_name(t, ex.names)
                                 for t in inj["to"])
            st.markdown(core.as_markdown_text(
                f"From **{core.source_name(inj['from'], ex.names)}** to {audience}."))
            st.markdown(core.as_markdown_text(inj["text"]))
            if inj["status"] == "edited":
                st.caption(core.as_markdown_text(f"As written: {inj['original_text']}"))
            for e in inj.get("effects", []):
                st.caption(core.as_markdown_text(f"Effect: {core.effect_text(e, ex.names)}"))
            for expected in inj.get("expected_actions", []):
                st.caption(f"expected: {core.as_markdown_text(expected)}")
            if not inj["scheduled"]:
                continue
            text = st.text_area("Text to play", inj["text"], key=f"inject_text:{inj['id']}")
            c1, c2 = st.columns(2)
            label, _ = _approve_button(inj, text)
            text_key = f"inject_text:{inj['id']}"
            c1.button(label, key=f"approve:{inj['id']}",
                      **action(_play_inject, inj, Entered(text_key, text),
                               turn=ex.pending_turn, where=f"inject:{inj['id']}",
                               overtaken=lambda _fresh, k=text_key: _quoted(k),
                               done=lambda play, inj=inj: (
                                   f"Inject approved with your edit: {_short(play)}"
                                   if play.strip() != inj["original_text"] else
                                   f"Inject approved: {_short(play)}")))
            c2.button("Skip", key=f"skip:{inj['id']}", disabled=inj["status"] == "skipped",
                      **action(_skip_inject, inj["id"], turn=ex.pending_turn,
                               where=f"inject:{inj['id']}",
                               done=f"Inject skipped (it will not be played): "
                                    f"{_short(inj['text'])}"))
            said(f"inject:{inj['id']}")

    with st.expander("Add an ad-hoc inject"), st.form("adhoc"):
        st.text_area("What happens (read out to the teams)", key="adhoc_text")
        c1, c2 = st.columns(2)
        c1.text_input("From", core.source_name(core.WHITE_CELL, {}), key="adhoc_from",
                      help="the white cell, a team or anyone else (as read out)")
        c2.number_input("At turn", min_value=ex.pending_turn, max_value=ex.turns,
                        value=ex.pending_turn, step=1, key="adhoc_turn")
        st.caption("Optional: what it does to the situation (checked before it is added):")
        c1, c2, c3, c4 = st.columns(4)
        targets = ["(none)", "world", *ex.names, *(f"theatre:{t}" for t in
                                                    ex.model().state.theatres)]
        theatres = core.id_names(ex.scenario).get("theatre", {})
        c1.selectbox("Target", targets, key="adhoc_target", format_func=lambda t: (
            ex.names.get(t) or theatres.get(t.removeprefix("theatre:"))
            or ADHOC_TARGET_WORDS.get(t, t)))
        variables = sorted({*WRITABLE_ACTOR_VARS, *WRITABLE_WORLD_VARS,
                            *WRITABLE_THEATRE_VARS}, key=core.var_label)
        c2.selectbox("Variable", variables, key="adhoc_var", format_func=core.var_label)
        c3.selectbox("Operation", list(ADHOC_OPERATIONS), key="adhoc_op",
                     format_func=ADHOC_OPERATIONS.get)
        c4.number_input("Value", value=0.0, key="adhoc_value", format="%g")
        st.form_submit_button("Add inject", **action(
            _add_inject, turn=ex.pending_turn, where="adhoc", done="Inject added.",
            after=cleared("adhoc_text")))
    said("adhoc")


def _play_inject(ex: Exercise, inj: dict, text: str, *, branch: int, turn: int) -> str:
    """Approve a scheduled inject with the text in its box when the button was clicked (the
    label was chosen from the text as drawn; see _approve_button). Returns the text played.
    Refused (``Overtaken``) when the turn it was reviewed for has been played elsewhere."""
    ex.expect(turn=turn, branch=branch)
    play = _approve_button(inj, text)[1]
    ex.decide_inject(inj["id"], True, play, branch=branch)
    return play


def _skip_inject(ex: Exercise, inject_id: str, *, branch: int, turn: int):
    ex.expect(turn=turn, branch=branch)
    return ex.decide_inject(inject_id, False, branch=branch)


def _quoted(key: str) -> str:
    text = str(st.session_state.get(key) or "").strip()
    return f'The text you had in the box was: "{text}".' if text else ""


def _add_inject(ex: Exercise, *, branch: int, turn: int):
    """The ad-hoc inject form as submitted (its widgets' values when the button was clicked),
    refused (``Overtaken``, the text kept in its box) when the turn the form was written at
    has been played elsewhere since."""
    ex.expect(turn=turn, branch=branch)
    value = st.session_state
    effects = ([] if value["adhoc_target"] == "(none)" else
               [{"target": value["adhoc_target"], "var": value["adhoc_var"],
                 "op": value["adhoc_op"], "value": float(value["adhoc_value"])}])
    known = tuple(i.from_ for i in ex.scenario.injects)
    return ex.add_inject(value["adhoc_text"], int(value["adhoc_turn"]), effects,
                         from_=core.source_id(value["adhoc_from"], ex.names, known),
                         branch=branch)


# The ad-hoc inject form's words for an effect's target and operation (the ids are a scenario
# file's inject effect: docs/how-to/write-a-scenario.md).
ADHOC_TARGET_WORDS = {"(none)": "no effect", "world": "the world as a whole"}
ADHOC_OPERATIONS = {"add": "add", "mul": "multiply by", "set": "set to"}


def _approve_button(inj: dict, text: str) -> tuple[str, str]:
    """The approve button's label and the text it plays, given what is in the text box: the
    box's text when it differs from what will be played now (or the inject is skipped);
    for an edited inject left as it is, the text as written (undoing the edit)."""
    edited = text.strip() != inj["original_text"]
    if inj["status"] == "skipped":
        return ("Play it with this text" if edited else "Play it as written"), text
    if text.strip() != inj["text"]:
        return ("Approve with this text" if edited else "Play it as written"), text
    if inj["status"] == "edited":
        return "Play it as written instead", inj["original_text"]
    return "Approve", text


def _short(text: str, most: int = 80) -> str:
    """An inject's text cut at a word to at most ``most`` characters (the expander's title)."""
    text = " ".join(str(text).split())
    if len(text) <= most:
        return text
    return text[:most].rsplit(" ", 1)[0] + "..."


def questions(ex: Exercise, turn: int | None) -> list[str]:
    """Discussion questions the scenario asks after ``turn`` (None: in the hotwash)."""
    return [q.question for q in ex.scenario.discussion if q.turn == turn]


def discussion(ex: Exercise, turn: int | None, key: str, heading: str = "") -> None:
    """The questions with the room's answers so far and a box for each; a question's lead-in
    that only repeats the ``heading`` above them is not shown twice."""
    answered = {}
    for note in ex.notes():
        if note.data.get("question"):
            answered.setdefault(note.data["question"], []).append(note.data["text"])
    for i, q in enumerate(questions(ex, turn)):
        st.markdown(f"**{core.as_markdown_text(core.question_text(q, heading))}**")
        for a in answered.get(q, []):
            st.caption(f"noted: {core.as_markdown_text(a)}")
        with st.form(f"{key}:{i}"):
            answer_key = f"{key}:answer:{i}"
            st.text_area("The room's answer", key=answer_key)
            st.form_submit_button("Record answer", **action(
                "note", Entered(answer_key, ""), turn, question=q, where=f"{key}:{i}",
                done="Answer recorded.", after=cleared(answer_key)))
        said(f"{key}:{i}")
