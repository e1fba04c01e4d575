"""The exercise at a terminal: an instructor at a keyboard, or a prepared script piped in.

One line a turn, one line per side with ``--play both`` (the syntax is
``sim.exercise.syntax.SYNTAX``). Bad input is explained in one line and asked again. At
the end of piped input the exercise ends as with ``q``; at a terminal, Ctrl-D is
explained and asked again.
"""

from __future__ import annotations

import shlex
import shutil
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

from sim.exercise.engine import (
    Event,
    Exercise,
    ExerciseError,
    Finished,
    LegalMove,
    Played,
    SideState,
    Turn,
)
from sim.exercise.syntax import QUIT, REQUESTS, SYNTAX
from sim.moves import Move


@dataclass
class Command:
    """One line read: the moves typed, or what else the player asked for."""

    kind: str  # "moves", "quit", "list", "help", "state"
    moves: list[Move]
    topic: str = ""


class Terminal:
    """Plays an exercise with lines from ``read`` (which raises EOFError at the end of
    the input) and shows it through ``write``.
    """

    def __init__(self, exercise: Exercise, read: Callable[[str], str],
                 write: Callable[[str], None], interactive: bool = False):
        self.ex = exercise
        self.read = read
        self.write = write
        self.interactive = interactive
        self.width = min(120, max(60, shutil.get_terminal_size((100, 24)).columns))

    def play(self) -> Finished:
        """Play every turn (or until ``q``), then write everything."""
        ex = self.ex
        self.write("\n".join(self._wrap(part, indent="") for part in
                              self._opening().split("\n")))
        while ex.turn is not None:
            self.show_turn(ex.turn)
            moves = self._ask_turn(ex.turn)
            if moves is None:
                break
            self.show_played(ex.play(moves))
        self.write("Writing the exercise: its scenario, its run, the base run and the "
                   "brief...")
        return ex.finish()

    # -- reading ---------------------------------------------------------------------

    def _ask_turn(self, turn: Turn) -> list[Move] | None:
        """Every played side's moves for the turn; None to end the exercise."""
        moves: list[Move] = []
        for side in turn.played:
            chosen = self._ask_side(turn, side)
            if chosen is None:
                return None
            moves += chosen
        return moves

    def _ask_side(self, turn: Turn, side: str) -> list[Move] | None:
        """Ask until the line is moves, no move, or ``q``."""
        eofs = 0
        while True:
            try:
                line = self.read(f"{side} {turn.date}> ")
            except EOFError:
                eofs += 1
                if not self.interactive or eofs > 1:
                    self.write("End of input: the exercise ends here, as with q.")
                    return None
                self.write("error: end of input (Ctrl-D); type a move, an empty line for "
                           "no move, or q to end the exercise")
                continue
            if not self.interactive:
                self.write(line)  # a transcript of piped input reads as a session
            eofs = 0
            if line.lstrip().startswith("#"):
                continue  # a comment in a prepared script
            try:
                command = self.parse(side, line)
            except ExerciseError as exc:
                self.write(f"error: {exc}; try again (help shows how)")
                continue
            if command.kind == "quit":
                return None
            if command.kind == "moves":
                return command.moves
            self._answer(command, turn, side)

    def parse(self, side: str, line: str) -> Command:
        """A line typed by ``side``: moves (checked against the state now) or a request."""
        try:
            lexer = shlex.shlex(line, posix=True, punctuation_chars=";")
            lexer.whitespace_split = True
            tokens = list(lexer)
        except ValueError as exc:
            raise ExerciseError(f"cannot read the line: {str(exc).lower()}") from None
        groups: list[list[str]] = [[]]
        for token in tokens:
            if set(token) == {";"}:
                groups.append([])
            else:
                groups[-1].append(token)
        groups = [g for g in groups if g]
        if len(groups) == 1 and groups[0][0].lower() in (*QUIT, *REQUESTS):
            word = groups[0][0].lower()
            kind = "quit" if word in QUIT else word
            return Command(kind, [], " ".join(groups[0][1:]))
        moves = [self._move(side, group) for group in groups]
        return Command("moves", moves)

    def _move(self, side: str, tokens: list[str]) -> Move:
        name, *rest = tokens
        if name.lower() in (*QUIT, *REQUESTS):
            raise ExerciseError(f"'{name}' is a command, not a move: type it on its own line")
        named = dict(t.split("=", 1) for t in rest if "=" in t)
        values = [t for t in rest if "=" not in t]
        return self.ex.move(side, name, named, values)

    def _answer(self, command: Command, turn: Turn, side: str) -> None:
        if command.kind == "list":
            self.write(self._legal(turn.legal[side]))
        elif command.kind == "state":
            self.write(self._state(turn))
        elif command.topic:
            self.write(self._help_move(turn, side, command.topic))
        else:
            self.write(SYNTAX)

    # -- showing -----------------------------------------------------------------------

    def _opening(self) -> str:
        ex = self.ex
        played = " and ".join(ex.played_sides)
        return (f"{ex.base.name}: you play {played} from {ex.start}, {len(ex.dates)} "
                f"decision points to {ex.dates[-1]} (seed {ex.seed}).\n"
                f"Figures in [brackets] are the base scenario's ({ex.path.name}) at the same "
                "date. A move's harm is the share of a mission's functions (staff, work, "
                "visas to the public, running cost) it takes, as its side weighs them. Type "
                "help for how to play.")

    def show_turn(self, turn: Turn) -> None:
        """The decision point: state, the others' moves, and the legal moves."""
        nxt = f", next decision {turn.next}" if turn.next else ", the last"
        self.write(f"\n=== Turn {turn.number} of {turn.total}: {turn.date}{nxt} ===")
        self.write(self._state(turn))
        if turn.recent:
            self.write("Since the last turn:" if turn.number > 1 else "The latest moves:")
            self.write("\n".join(self._event(e) for e in turn.recent))
        for side in turn.played:
            self.write(f"Moves {side} can make (values in this order; help MOVE for one):")
            self.write(self._legal(turn.legal[side]))
        self.write("Type a move, an empty line for no move, q to end.")

    def _state(self, turn: Turn) -> str:
        lines = [self._side(state) for state in turn.sides.values()]
        lines.append(f"Relations: tension {number(turn.joint['tension'], 1)} "
                     f"[{number(turn.base_joint['tension'], 1)}] (0 is none; each hostile move "
                     "adds its harm, fading with time)")
        return "\n".join(lines)

    def _side(self, state: SideState) -> str:
        m, b = state.metrics, state.base

        def pair(metric: str, digits: int = 0) -> str:
            return f"{number(m[metric], digits)} [{number(b[metric], digits)}]"

        wait = m["visa_wait_days"]
        lines = [
            f"{state.mission} ({state.side}): staff {pair('staff_total')}: "
            f"{number(m['staff_expat'])} diplomats and staff sent, "
            f"{number(m['staff_local'])} local; "
            f"posts open {pair('posts_open')}; waiting for the host's visas "
            f"{pair('visa_queue')}",
            f"  visas to the public {pair('consular_output')} a month"
            + (f", a wait of {number(wait)} days" if wait else "")
            + f"; work {pair('work_capacity')} diplomat-days a month; cost "
            f"{pair('cost_per_head')} thousand a head",
            "  consular services: " + ("; ".join(filter(None, [
                f"open at {', '.join(state.posts)}" if state.posts else "none open",
                f"suspended at {', '.join(state.suspended)}" if state.suspended else "",
                f"closed posts: {', '.join(state.closed)}" if state.closed else ""]))),
        ]
        on_it = [f for f in state.measures if f.actor != f.target]
        own = [f for f in state.measures if f.actor == f.target]
        lines.append(f"  in force on it ({len(on_it)}):" if on_it else "  nothing in force on it")
        lines += [f"    {f.actor} since {f.since}: {f.words} [{f.id}]" for f in on_it]
        lines += [f"    its own, since {f.since}: {f.words} [{f.id}]" for f in own]
        return "\n".join(self._wrap(line) for line in lines)

    def _legal(self, legal: list[LegalMove]) -> str:
        lines = []
        for move in legal:
            params = " ".join(p.name.upper() if p.required else f"[{p.name}]"
                              for p in move.params)
            lines.append(self._wrap(f"  {move.name} {params}".rstrip()
                                    + f": e.g. `{move.example}`: {move.words}; {move.effect}",
                                    indent="      "))
        return "\n".join(lines)

    def _help_move(self, turn: Turn, side: str, topic: str) -> str:
        name = topic.split()[0].lower().replace("-", "_")
        found = [m for m in turn.legal[side] if m.name == name] or [
            m for m in turn.legal[side] if m.name.startswith(name)]
        if len(found) != 1:
            return (f"error: no move '{topic}' can be made now; type list for those that "
                    "can")
        move = found[0]
        lines = [f"{move.name}: {move.summary}"]
        for p in move.params:
            default = "required" if p.required else f"default {p.default}"
            lines.append(self._wrap(f"  {p.name} ({p.kind}, {default}): {p.description}",
                                    indent="      "))
            if p.choices:
                lines.append(self._wrap("      choices: " + "; ".join(
                    f"{k} ({v})" if v != k else k for k, v in p.choices.items()),
                    indent="        "))
        lines.append(self._wrap(f"  e.g. `{move.example}`: {move.words}; {move.effect}",
                                indent="      "))
        return "\n".join(lines)

    def show_played(self, played: Played) -> None:
        """The turn's moves, what the side did in the record then, and the path so far."""
        self.write(f"--- Turn {played.turn}, {played.date}: played ---")
        self.write("\n".join(self._event(e, source=False) for e in played.moves)
                   if played.moves else "No move.")
        if played.history:
            self.write("What was done in the base scenario at this point:")
            self.write("\n".join(self._event(e) for e in played.history))
        else:
            self.write("In the base scenario nothing was done at this point.")
        self.write(f"The path so far, on {played.at} [base]:")
        for state in played.sides.values():
            m, b = state.metrics, state.base
            self.write(f"  {state.mission}: staff {number(m['staff_total'])} "
                       f"[{number(b['staff_total'])}], visas to the public "
                       f"{number(m['consular_output'])} [{number(b['consular_output'])}] a month, "
                       f"restrictions {number(m['restrictions_in_force'])} "
                       f"[{number(b['restrictions_in_force'])}]")

    def _event(self, event: Event, source: bool = True) -> str:
        text = f"  {event.date} {event.words}"
        if source and event.source:
            text += f" (source: {event.source})"
        return self._wrap(text, indent="      ")

    def _wrap(self, text: str, indent: str = "    ") -> str:
        return textwrap.fill(text, self.width, subsequent_indent=indent,
                             break_long_words=False, break_on_hyphens=False)


def number(value: float | None, digits: int = 0) -> str:
    """A figure as people read it: ``1,234``; ``-`` when not defined."""
    return "-" if value is None else f"{value:,.{digits}f}"
