"""A tabletop exercise as an event log: the pure, UI-free object the Streamlit app drives.

An ``Exercise`` is the scenario text, the seed, who plays each actor (a human team or the
engine), and an ordered list of ``Action`` records: submitted moves with the team's rationale,
ad-hoc injects, decisions on scheduled injects, notes and adjudications. The game's state is
never stored: it is derived by replaying the log (``model()``), so saving, resuming, rewinding,
branching and auditing all follow from one mechanism .

Branches: ``rewind(turn)`` starts a new branch whose log is the current branch's log up to the
end of ``turn``; the original line is kept untouched. Every action belongs to one branch.

Persistence: ``ExerciseStore`` keeps exercises in one SQLite file and writes each action as it
happens (an exercise attached to a store saves itself after every change). A save checks the
version it started from, so two browser tabs on one exercise cannot silently overwrite each
other: the late one gets ``StaleExercise`` and reloads.

Nothing here imports Streamlit; every facilitator mistake raises ``SessionError`` (a
``ValueError``) with a sentence the UI can show as it is.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from engine import __version__
from engine.core.provenance import engine_fingerprint, short
from engine.core.variables import show
from engine.exercise.file import (
    FORMAT,
    FORMAT_VERSION,
    LIMITS,
    SEED_MAX,
    ExerciseFileError,
    check_against,
    check_structure,
    parse_json,
)
from engine.moves.catalogue import CATALOGUE, MoveSpec, MoveType, make_move, may_use, validate
from engine.narrate.explain import figure_label
from engine.policies import HumanPolicy, Policy
from engine.scenario.loader import ScenarioError, check_references, parse_scenario
from engine.scenario.schema import Inject, Scenario
from engine.sim.futures import Futures, engine_policy, run_futures, snapshot
from engine.sim.model import BrinkModel

if TYPE_CHECKING:
    from engine.exercise.store import ExerciseStore

HUMAN, ENGINE = "human", "engine"
MODEL_KINDS = ("moves", "inject", "inject_decision", "adjudicate")  # actions the replay reads


class SessionError(ValueError):
    """A facilitator action that cannot be done, with a sentence saying why."""


class MoveRefused(SessionError):
    """A team's move is not allowed now; the message names the move and the reason."""


class StaleExercise(SessionError):
    """The stored exercise changed since this copy was loaded (another tab acted)."""


class Overtaken(SessionError):
    """An action written for a moment of the game that has passed: its turn was played, or the
    exercise moved to another branch, in another window since the action was drafted."""


class StoreUnavailable(SessionError):
    """The store could not be written or read (busy, read-only, full); nothing was saved and
    the exercise in memory is as it was before the action."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Action:
    """One thing the room did. ``at``: the turn being prepared when it was done (turns played
    + 1); ``time`` is wall-clock for the report and is never read by the replay."""

    seq: int
    branch: int
    at: int
    kind: str  # moves | inject | inject_decision | note | adjudicate
    data: dict[str, Any]
    time: str = ""


@dataclass(frozen=True)
class Branch:
    id: int
    name: str
    parent: int | None = None
    fork_turn: int | None = None  # the parent's turn it continues from
    created: str = ""


@dataclass
class Exercise:
    """A facilitated exercise. Build one with ``Exercise.start`` or ``Exercise.from_json``."""

    id: str
    title: str
    scenario_text: str
    source: str
    seed: int
    teams: dict[str, str]  # actor id -> "human" | "engine"
    turns: int
    levers: dict[str, Any] = field(default_factory=dict)
    created: str = ""
    engine_version: str = __version__
    branches: dict[int, Branch] = field(default_factory=dict)
    actions: list[Action] = field(default_factory=list)
    current: int = 1
    version: int = 0  # changes saved so far; the store's optimistic lock
    store: ExerciseStore | None = field(default=None, repr=False, compare=False)
    _scenario: Scenario | None = field(default=None, repr=False, compare=False)
    _models: dict = field(default_factory=dict, repr=False, compare=False)
    _differences: dict = field(default_factory=dict, repr=False, compare=False)

    # --- creation -----------------------------------------------------------------------------

    @classmethod
    def start(cls, scenario_text: str, source: str = "scenario.yaml", seed: int = 0,
              teams: dict[str, str] | None = None, turns: int | None = None,
              levers: dict[str, Any] | None = None, title: str | None = None,
              store: ExerciseStore | None = None) -> Exercise:
        """A new exercise at turn 0. Raises ``ScenarioError`` for bad scenario text and
        ``SessionError`` for bad settings; saves to ``store`` at once if given."""
        scenario = parse_scenario(scenario_text, source, levers=dict(levers or {}))
        ids = [a.id for a in scenario.actors]
        unknown = sorted(set(teams or {}) - set(ids))
        teams = {a: (teams or {}).get(a, ENGINE) for a in ids}
        bad = [f"{a}={t!r}" for a, t in teams.items() if t not in (HUMAN, ENGINE)]
        if unknown or bad:
            raise SessionError(f"teams must map actor ids ({', '.join(ids)}) to 'human' or "
                               f"'engine'; got {', '.join(unknown + bad)}")
        turns = scenario.clock.turns if turns is None else _whole(turns, "turns")
        if not 1 <= turns <= scenario.clock.turns:
            raise SessionError(f"turns must be between 1 and {scenario.clock.turns}, got {turns}")
        if not 0 <= _whole(seed, "the seed") <= SEED_MAX:
            raise SessionError(f"the seed must be a whole number from 0 to 2**63-1, got {seed}")
        title = str(title or "").strip() or _shortened(scenario.title, LIMITS.name_chars)
        if len(title) > LIMITS.name_chars:
            raise SessionError(f"a title may have at most {LIMITS.name_chars} characters")
        if len(source) > LIMITS.source_chars:
            raise SessionError(f"the scenario's file name may have at most "
                               f"{LIMITS.source_chars} characters")
        now = _now()
        ex = cls(id=uuid.uuid4().hex[:12], title=title,
                 scenario_text=scenario_text, source=source, seed=int(seed), teams=teams,
                 turns=turns, levers=dict(levers or {}), created=now,
                 branches={1: Branch(1, "Main line", created=now)}, _scenario=scenario)
        if store is not None:
            store.add(ex)
        return ex

    # --- reading ------------------------------------------------------------------------------

    @property
    def scenario(self) -> Scenario:
        if self._scenario is None:
            self._scenario = parse_scenario(self.scenario_text, self.source,
                                            levers=dict(self.levers))
        return self._scenario

    @property
    def names(self) -> dict[str, str]:
        return {a.id: a.name for a in self.scenario.actors}

    @property
    def human_teams(self) -> list[str]:
        return [a for a, t in self.teams.items() if t == HUMAN]

    def branch_actions(self, branch: int | None = None, kinds=None) -> list[Action]:
        branch = self.current if branch is None else branch
        return [a for a in self.actions
                if a.branch == branch and (kinds is None or a.kind in kinds)]

    def played(self, branch: int | None = None) -> int:
        """Turns adjudicated on ``branch``."""
        return len(self.branch_actions(branch, ("adjudicate",)))

    @property
    def turn(self) -> int:
        """Turns adjudicated on the current branch (0 before the first)."""
        return self.played()

    @property
    def pending_turn(self) -> int:
        return self.turn + 1

    @property
    def finished(self) -> bool:
        return self.turn >= self.turns

    def policies(self) -> dict[str, Policy]:
        return {a: HumanPolicy(a) if t == HUMAN else engine_policy(self.scenario, a)
                for a, t in self.teams.items()}

    def model(self, branch: int | None = None) -> BrinkModel:
        """The game on ``branch`` after its last adjudicated turn, rebuilt by replay and cached
        until that branch's log changes. Treat it as read-only."""
        branch = self.current if branch is None else branch
        log = self.branch_actions(branch, MODEL_KINDS)
        key = (branch, len(log))
        cached = self._models.get(branch)
        if cached is not None and cached[0] == key:
            return cached[1]
        model, differences = self._replay(log)
        self._models[branch] = (key, model)
        self._differences[branch] = differences
        return model

    def replay_differences(self, branch: int | None = None) -> list[str]:
        """Sentences for the turns of ``branch`` whose replay no longer gives what the room saw
        when they were played (each adjudicated turn records its headline figures and the
        engine's code fingerprint): empty when every turn replays as it was played. Typically
        the engine changed since; the sentence says so, and that the figures now shown are
        today's replay."""
        branch = self.current if branch is None else branch
        self.model(branch)
        return self._differences.get(branch, [])

    def model_at(self, turn: int, branch: int | None = None) -> BrinkModel:
        """The game on ``branch`` as it stood at the end of ``turn`` (a fresh replay)."""
        if not 0 <= turn <= self.played(branch):
            raise SessionError(f"turn {turn} has not been played on this branch")
        return self._replay([a for a in self.branch_actions(branch, MODEL_KINDS)
                             if a.at <= turn])[0]

    def _replay(self, log: list[Action]) -> tuple[BrinkModel, list[str]]:
        """The game after ``log``, and how its adjudicated turns differ from what was seen
        when they were played (``replay_differences``)."""
        model = BrinkModel(self.scenario, rng=self.seed, policies=self.policies(),
                           turns=self.turns)
        scheduled = {i.id: i for i in self.scenario.injects}
        decisions = {}
        for act in log:
            if act.kind == "inject":
                model.add_inject(Inject.model_validate(act.data["inject"]))
            elif act.kind == "inject_decision":
                decisions[act.data["id"]] = act.data
        for inject_id, d in decisions.items():  # the last decision on each inject counts
            if inject_id not in scheduled:
                continue
            if not d["approve"] or d.get("text"):
                model.skipped_injects.add(inject_id)
            if d["approve"] and d.get("text"):
                model.add_inject(_edited(scheduled[inject_id], d["text"]))
        submitted: dict[int, dict[str, dict]] = {}
        differences: list[str] = []
        for act in log:
            if act.kind == "moves":
                submitted.setdefault(act.data["turn"], {})[act.data["actor"]] = act.data
            elif act.kind == "adjudicate":
                turn = act.data["turn"]
                for actor, data in submitted.get(turn, {}).items():
                    model.submit(actor, _moves(actor, data))
                model.step()
                if act.data.get("seen"):
                    difference = _difference(turn, act.data["seen"], seen(model), model)
                    if difference:
                        differences.append(difference)
        return model, differences

    def submissions(self, turn: int | None = None) -> dict[str, dict]:
        """The latest submission of each human team for ``turn`` (default: the pending turn):
        ``{actor: {"moves": [...], "rationale": ...}}``."""
        turn = self.pending_turn if turn is None else turn
        out = {}
        for act in self.branch_actions(kinds=("moves",)):
            if act.data["turn"] == turn:
                out[act.data["actor"]] = act.data
        return out

    def waiting_for(self) -> list[str]:
        """Human teams that have not submitted moves for the pending turn."""
        done = self.submissions()
        return [a for a in self.human_teams if a not in done]

    def injects_for(self, turn: int | None = None, branch: int | None = None) -> list[dict]:
        """The injects due at ``turn`` (default: pending) on the current branch, scheduled and
        ad hoc, each as a dict with ``id, turn, text, from, to, effects, scheduled, status``
        (status: approved, edited, skipped, added)."""
        turn = self.pending_turn if turn is None else turn
        decisions = {a.data["id"]: a.data
                     for a in self.branch_actions(branch, ("inject_decision",))}
        out = []
        for inj in self.scenario.injects:
            if inj.turn != turn:
                continue
            d = decisions.get(inj.id, {"approve": True})
            status = "skipped" if not d["approve"] else "edited" if d.get("text") else "approved"
            out.append({**_inject_dict(inj), "text": d.get("text") or inj.text,
                        "original_text": inj.text, "scheduled": True, "status": status})
        for act in self.branch_actions(branch, ("inject",)):
            if act.data["inject"]["turn"] == turn:
                out.append({**act.data["inject"], "scheduled": False, "status": "added"})
        return out

    def notes(self, branch: int | None = None) -> list[Action]:
        return self.branch_actions(branch, ("note",))

    def lineage(self, branch: int | None = None) -> list[Branch]:
        """The branch and its ancestors, oldest first."""
        chain = []
        b: int | None = self.current if branch is None else branch
        while b is not None:
            chain.append(self.branches[b])
            b = self.branches[b].parent
        return chain[::-1]

    # --- what a team may do -------------------------------------------------------------------

    def move_options(self, actor: str) -> list[MoveSpec]:
        """The catalogue's moves this actor has the capability for (hold first)."""
        caps = self.model().state.actors[actor].capabilities
        return [spec for spec in CATALOGUE.values() if may_use(spec, caps)]

    def choices(self, actor: str, kind: str, param: str = "") -> list[str]:
        """Valid values for an actor/theatre/route parameter of ``actor``'s moves. Actors come
        in the order a team most likely means: for a ``recipient``, its allies first; for
        anything else (a target, the subject of a disclosure), the most hostile first (a review
        found Ukraine's deep strike aimed at North Korea by default); ties in the scenario's
        order."""
        state = self.model().state
        if kind == "actor":
            others = [a for a in state.actors if a != actor]
            if not others:
                return list(state.actors)
            allies = state.alliances.get(actor, frozenset())
            if param == "recipient":
                return sorted(others, key=lambda a: a not in allies)
            return sorted(others, key=lambda a: -state.hostility.get((actor, a), 0.0))
        if kind == "theatre":
            return list(state.theatres)
        if kind == "route":
            own = [r.id for r in state.routes.values() if r.actor == actor]
            return own or list(state.routes)
        raise ValueError(f"no choices for parameters of kind {kind!r}")

    def check(self, actor: str, move: str, params: dict | None = None) -> str | None:
        """Why this move would be refused against the current state, or None. The catalogue's
        own checks (engine.moves.catalogue.validate); adjudication checks again after the turn's
        injects and earlier moves."""
        try:
            m = make_move(actor, move, params or {})
        except ValueError:
            return f"unknown move '{move}'"
        if actor not in self.teams:
            return f"unknown actor '{actor}'"
        return validate(self.model().state, m)

    # --- actions ------------------------------------------------------------------------------

    def _next_seq(self) -> int:
        return max((a.seq for a in self.actions), default=0) + 1

    def _act(self, kind: str, data: dict, at: int | None = None) -> Action:
        act = Action(self._next_seq(), self.current,
                     self.pending_turn if at is None else at, kind, data, _now())
        self._commit([act])
        return act

    def _commit(self, actions: list[Action], branch: Branch | None = None,
                current: int | None = None) -> None:
        """Store the change, then apply it here: an action exists only once it is stored. A
        save that fails (``StoreUnavailable``, ``StaleExercise``) leaves this copy as it was,
        so the next click cannot play a turn twice or file an action the store never took."""
        current = self.current if current is None else current
        if self.store is not None:
            self.store.save(self, actions, [branch] if branch else [], current)
        self.actions.extend(actions)
        if branch is not None:
            self.branches[branch.id] = branch
        self.current = current

    def expect(self, turn: int | None = None, branch: int | None = None) -> None:
        """Refuse an action drafted for another moment of the game (``Overtaken``): the branch
        it was written on is no longer the current one, or its turn has been played (or undone
        by a rewind) since, in another window. Nothing is filed on anyone's behalf."""
        if branch is not None and int(branch) != self.current:
            then = self.branches.get(int(branch))
            raise Overtaken(f"this was written on {then.name if then else f'branch {branch}'}, "
                            f"but the exercise has since moved to "
                            f"{self.branches[self.current].name} (in another window)")
        if turn is not None and int(turn) != self.pending_turn:
            turn = int(turn)
            if turn < self.pending_turn:
                raise Overtaken(f"this was written for turn {turn}, which has since been "
                                f"adjudicated (in another window); the next turn is now "
                                f"{self.pending_turn}")
            raise Overtaken(f"this was written for turn {turn}, but the exercise has since been "
                            f"rewound (in another window); the next turn is now "
                            f"{self.pending_turn}")

    def _open(self) -> None:
        if self.finished:
            raise SessionError(f"all {self.turns} turns have been played; rewind to branch off "
                               "an earlier turn")

    def submit(self, actor: str, moves: list[dict], rationale: str = "", *, turn: int,
               branch: int | None = None) -> Action:
        """A human team's moves for ``turn``, the turn they were written for, replacing any
        earlier submission. ``moves``: ``[{"move": "impose_sanctions", "params": {...}}, ...]``;
        an empty list holds. Raises ``Overtaken`` when ``turn`` is no longer the pending turn
        (it was played in another window: the submission is refused, never filed for the next
        turn) and ``MoveRefused`` naming the first move that is not allowed."""
        self.expect(turn, branch)
        self._open()
        if len(moves) > LIMITS.moves_per_submission:
            raise SessionError(f"{len(moves)} moves in one submission; the limit is "
                               f"{LIMITS.moves_per_submission}")
        if self.teams.get(actor) != HUMAN:
            who = self.names.get(actor, actor)
            raise SessionError(f"{who} is played by the engine, not a human team")
        clean = []
        for i, m in enumerate(moves, start=1):
            name, params = m.get("move"), dict(m.get("params") or {})
            reason = self.check(actor, str(name), params)
            if reason:
                raise MoveRefused(f"move {i} ({_label(name)}) is refused: {reason}")
            clean.append({"move": name, "params": make_move(actor, name, params).params})
        rationale = str(rationale).strip()
        if len(rationale) > LIMITS.text_chars:
            raise SessionError(f"the rationale is {len(rationale):,} characters; the limit is "
                               f"{LIMITS.text_chars:,}")
        return self._act("moves", {"actor": actor, "turn": self.pending_turn, "moves": clean,
                                   "rationale": rationale})

    def add_inject(self, text: str, turn: int | None = None, effects: list[dict] | None = None,
                   moves: list[dict] | None = None, from_: str = "white_cell",
                   to: list[str] | None = None, *, branch: int | None = None) -> Action:
        """An ad-hoc inject for ``turn`` (default: the pending turn), checked like an MSEL
        inject in a scenario file (same messages)."""
        self.expect(branch=branch)
        self._open()
        turn = self.pending_turn if turn is None else _whole(turn, "the inject's turn")
        if len(str(text)) > LIMITS.text_chars:
            raise SessionError(f"the inject's text is {len(str(text)):,} characters; the limit "
                               f"is {LIMITS.text_chars:,}")
        if not self.pending_turn <= turn <= self.turns:
            raise SessionError(f"an inject's turn must be between {self.pending_turn} (the next "
                               f"turn) and {self.turns}, got {turn}")
        n = len(self.branch_actions(kinds=("inject",))) + 1
        raw = {"id": f"adhoc_{self.current}_{n}", "turn": turn, "from": from_ or "white_cell",
               "to": list(to or ["all"]), "text": str(text).strip(),
               "effects": list(effects or []), "moves": list(moves or [])}
        try:
            inject = Inject.model_validate(raw)
        except ValueError as exc:
            raise SessionError(_first_error(exc)) from None
        problems = check_references(self.scenario.model_copy(
            update={"injects": [*self.scenario.injects, inject]}))
        k = len(self.scenario.injects)
        mine = [(p, msg) for p, msg in problems if p[:2] == ("injects", k)]
        if mine:
            path, msg = mine[0]
            where = (f"effect {path[3] + 1}" if path[2:3] == ("effects",) and len(path) > 3
                     else ".".join(str(x) for x in path[2:]))
            raise SessionError(f"{where}: {msg}" if where else msg)
        return self._act("inject", {"inject": inject.model_dump(by_alias=True, mode="json")})

    def decide_inject(self, inject_id: str, approve: bool = True,
                      text: str | None = None, *, branch: int | None = None) -> Action:
        """Approve (optionally with edited text) or skip a scheduled inject not yet played."""
        self.expect(branch=branch)
        self._open()
        inj = next((i for i in self.scenario.injects if i.id == inject_id), None)
        if inj is None:
            raise SessionError(f"no scheduled inject '{inject_id}' in this scenario")
        if inj.turn < self.pending_turn:
            raise SessionError(f"inject '{inject_id}' was due at turn {inj.turn}, already "
                               "played; rewind to change it")
        text = (text or "").strip()
        if len(text) > LIMITS.text_chars:
            raise SessionError(f"the edited text is {len(text):,} characters; the limit is "
                               f"{LIMITS.text_chars:,}")
        return self._act("inject_decision", {"id": inject_id, "approve": bool(approve),
                                             "text": text if text != inj.text else ""})

    def note(self, text: str, turn: int | None = None, question: str | None = None, *,
             branch: int | None = None) -> Action:
        """A facilitator note (or the room's answer to a discussion question) about ``turn``
        (default: the last played turn)."""
        self.expect(branch=branch)
        text = str(text).strip()
        if not text:
            raise SessionError("a note needs some text")
        turn = self.turn if turn is None else _whole(turn, "the note's turn")
        if not 0 <= turn <= self.turns:
            raise SessionError(f"a note's turn must be between 0 and {self.turns}, got {turn}")
        for what, value in (("note", text), ("question", question or "")):
            if len(value) > LIMITS.text_chars:
                raise SessionError(f"the {what} is {len(value):,} characters; the limit is "
                                   f"{LIMITS.text_chars:,}")
        data = {"turn": turn, "text": text}
        if question:
            data["question"] = str(question)
        return self._act("note", data)

    @property
    def classroom(self) -> bool | None:
        """Whether the exercise is shown in classroom mode, as last chosen (None: never chosen).
        A view setting, saved in the log like everything else so that a reload keeps it, but
        not read by the replay."""
        views = [a for a in self.actions if a.kind == "view"]
        return bool(views[-1].data["classroom"]) if views else None

    def set_classroom(self, on: bool) -> Action | None:
        """Record a switch to (or from) classroom mode; nothing is saved when it is unchanged."""
        if self.classroom is bool(on):
            return None
        return self._act("view", {"classroom": bool(on)})

    def adjudicate(self, turn: int | None = None, *, branch: int | None = None) -> BrinkModel:
        """Play the pending turn: injects, intelligence, every actor's moves, the rules. The
        action records the headline figures the room now sees and the engine that made them,
        so a later replay can tell whether it still gives the same game. ``turn`` (and
        ``branch``): the turn the facilitator meant; ``Overtaken`` when another window has
        played it already, so that two clicks never play two turns."""
        self.expect(turn, branch)
        self._open()
        turn = self.pending_turn
        log = self.branch_actions(kinds=MODEL_KINDS)
        model, differences = self._replay([*log, Action(0, self.current, turn, "adjudicate",
                                                        {"turn": turn})])
        self._act("adjudicate", {"turn": turn, "seen": seen(model)})
        self._models[self.current] = ((self.current, len(log) + 1), model)
        self._differences[self.current] = differences
        return model

    def rewind(self, turn: int, name: str | None = None, *,
               branch: int | None = None) -> Branch:
        """Branch off the current line at the end of ``turn`` (0 = before the first turn).
        The original line is kept; the new branch becomes current."""
        self.expect(branch=branch)
        turn = _whole(turn, "the turn")
        if not 0 <= turn <= self.turn:
            raise SessionError(f"you can rewind to a turn from 0 to {self.turn}, not {turn}")
        parent = self.current
        new_id = max(self.branches) + 1
        name = (name or "").strip() or f"Branch {new_id} (from turn {turn} of "\
            f"{self.branches[parent].name})"
        if len(name) > LIMITS.name_chars:
            raise SessionError(f"a branch name may have at most {LIMITS.name_chars} characters")
        if any(b.name == name for b in self.branches.values()):
            raise SessionError(f"there is already a branch called '{name}'")
        if len(self.branches) >= LIMITS.branches:
            raise SessionError(f"this exercise has {len(self.branches)} branches, the most an "
                               "exercise may have")
        new = Branch(new_id, name, parent, turn, _now())
        copied = [a for a in self.branch_actions(parent) if a.at <= turn]
        seq = self._next_seq()
        self._commit([Action(seq + k, new_id, a.at, a.kind, a.data, a.time)
                      for k, a in enumerate(copied)], branch=new, current=new_id)
        return new

    def switch(self, to: int, *, branch: int | None = None) -> Branch:
        """Continue on branch ``to``; returns it. ``branch``: the branch the request was made
        on (``Overtaken`` if another window has switched since)."""
        self.expect(branch=branch)
        if to not in self.branches:
            raise SessionError(f"no branch {to}")
        self._commit([], current=int(to))
        return self.branches[int(to)]

    # --- futures ------------------------------------------------------------------------------

    def futures(self, n: int = 1000, workers: int | None = None,
                branch: int | None = None, from_turn: int | None = None,
                uncertain: bool = True) -> Futures:
        """``n`` Monte Carlo futures from the branch's state at the end of ``from_turn``
        (default: its last played turn), the engine playing every actor (human teams
        included) for the remaining turns; with ``uncertain`` each future also draws the
        scenario's uncertain parameters (engine/sim/futures.py)."""
        if not 1 <= int(n) <= 100_000:
            raise SessionError(f"the number of futures must be between 1 and 100,000, got {n}")
        model = self.model(branch) if from_turn is None else self.model_at(from_turn, branch)
        if model.state.turn >= self.turns:
            raise SessionError("no turns are left to play; rewind to an earlier turn first")
        snap = snapshot(model, self.scenario_text, self.source, self.seed, self.levers,
                        uncertain=uncertain)
        return run_futures(snap, int(n), workers)

    # --- files --------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        return {
            "format": FORMAT, "format_version": FORMAT_VERSION,
            "exercise": {"id": self.id, "title": self.title, "source": self.source,
                         "seed": self.seed, "teams": self.teams, "turns": self.turns,
                         "levers": self.levers, "created": self.created,
                         "engine_version": self.engine_version, "current": self.current,
                         "scenario_text": self.scenario_text},
            "branches": [asdict(b) for b in self.branches.values()],
            "actions": [asdict(a) for a in self.actions],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, ensure_ascii=False)

    @classmethod
    def from_dict(cls, doc: dict, check: bool = True) -> Exercise:
        """Rebuild an exercise from its document, checked as strictly as a scenario file
        (engine/exercise/file.py: the schema, the limits, every reference); with ``check``,
        also replay every branch to prove the log is sound. Raises ``SessionError`` naming the
        field at fault (or ``ScenarioError`` for the embedded scenario)."""
        try:
            checked = check_structure(doc)
        except ExerciseFileError as exc:
            raise SessionError(str(exc)) from None
        e = checked.header
        ex = cls(id=e.id, title=e.title.strip(), scenario_text=e.scenario_text, source=e.source,
                 seed=e.seed, teams=dict(e.teams), turns=e.turns, levers=dict(e.levers),
                 created=e.created, engine_version=e.engine_version, current=e.current,
                 branches={b.id: Branch(b.id, b.name, b.parent, b.fork_turn, b.created)
                           for b in checked.branches},
                 actions=[Action(a.seq, a.branch, a.at, a.kind, dict(a.data), a.time)
                          for a in checked.actions])
        ex.scenario  # noqa: B018 - parse now: a bad embedded scenario raises ScenarioError
        try:
            check_against(checked, ex.scenario)
        except ExerciseFileError as exc:
            raise SessionError(str(exc)) from None
        ex.teams = {a.id: ex.teams.get(a.id, ENGINE) for a in ex.scenario.actors}
        if not ex.title:  # as at set-up: an exercise without a name takes its scenario's
            ex.title = _shortened(ex.scenario.title, LIMITS.name_chars)
        if check:
            for b in ex.branches:
                try:
                    model = ex.model(b)
                except ScenarioError:
                    raise
                except Exception as exc:  # any failure means the log does not replay
                    raise SessionError(f"branch {b} of the exercise does not replay: "
                                       f"{type(exc).__name__}: {exc}") from None
                if model.state.turn != ex.played(b):
                    raise SessionError(f"branch {b} does not replay to turn {ex.played(b)}")
        return ex

    @classmethod
    def from_json(cls, text: str | bytes) -> Exercise:
        """An exercise from the text of an exercise file (see ``from_dict``); the size and
        nesting limits are checked before the JSON is parsed."""
        try:
            doc = parse_json(text)
        except ExerciseFileError as exc:
            raise SessionError(str(exc)) from None
        return cls.from_dict(doc)



def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _whole(value, what: str) -> int:
    """``value`` as a whole number, or a SessionError naming ``what``."""
    if isinstance(value, bool):
        raise SessionError(f"{what} must be a whole number, got {value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise SessionError(f"{what} must be a whole number, got {value!r}") from None
    if number != value and not (isinstance(value, str) and value.strip().lstrip("+-").isdigit()):
        raise SessionError(f"{what} must be a whole number, got {value!r}")
    return number


def _label(move_name) -> str:
    try:
        return CATALOGUE[MoveType(move_name)].label
    except ValueError:
        return str(move_name)


def seen(model: BrinkModel) -> dict:
    """The headline figures of a played turn, as the room saw them, and the engine's code
    fingerprint: what an adjudication records so that a replay can be checked against it."""
    s = model.state
    return {"engine": engine_fingerprint(),
            "escalation_level": s.escalation_level,
            "wider_war_risk": s.wider_war_risk,
            "actors": {a.id: {"strain": a.strain, "stability": a.stability,
                              "troops_abroad": a.troops_abroad, "casualties": a.casualties}
                       for a in s.actors.values()}}


def _difference(turn: int, then: dict, now: dict, model: BrinkModel) -> str:
    """A sentence for a turn whose replay differs from what was recorded, or "" when equal."""
    def same(a, b) -> bool:
        return a == b or (isinstance(a, float) and isinstance(b, float)
                          and abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b)))

    parts = []
    for key in ("escalation_level", "wider_war_risk"):
        if key in then and not same(then[key], now[key]):
            parts.append(f"{figure_label(key)} {show(key, then[key])} then, "
                         f"{show(key, now[key])} now")
    for actor, figures in then.get("actors", {}).items():
        for key, value in figures.items():
            current = now["actors"].get(actor, {}).get(key)
            if current is not None and not same(value, current):
                parts.append(f"{model.state.possessive_of(actor)} "
                             f"{figure_label(key)} {show(key, value)} then, "
                             f"{show(key, current)} now")
    if not parts:
        return ""
    shown = "; ".join(parts[:3]) + (f"; and {len(parts) - 3} more" if len(parts) > 3 else "")
    engine_then = then.get("engine", "")
    why = (f"The engine has changed since it was played (engine code {short(engine_then)} "
           f"then, {short(now['engine'])} now), so the figures shown are today's replay."
           if engine_then != now["engine"] else
           "The engine's code is the same as when it was played, so this should not happen: "
           "please report it with the exercise file.")
    return f"Turn {turn} no longer replays as it was played: {shown}. {why}"


def _moves(actor: str, data: dict):
    return [make_move(actor, m["move"], m.get("params") or {}, source="human",
                      rationale=data.get("rationale", "")) for m in data["moves"]]


def _edited(inj: Inject, text: str) -> Inject:
    return inj.model_copy(update={"id": f"{inj.id[:36]}_ed", "text": text})


def _inject_dict(inj: Inject) -> dict:
    return inj.model_dump(by_alias=True, mode="json")


def _first_error(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        e = errors()[0]
        where = ".".join(str(x) for x in e["loc"])
        return f"{where}: {e['msg']}" if where else e["msg"]
    return str(exc)


__all__ = ["ENGINE", "HUMAN", "Action", "Branch", "Exercise", "MoveRefused", "Overtaken",
           "SessionError", "StaleExercise", "StoreUnavailable"]
