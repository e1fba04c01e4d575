"""The exercise engine: decision points, moves replaced, the written scenario, the end."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from pathlib import Path

import pytest
import yaml

from sim.cli import main
from sim.errors import ParityUserError
from sim.exercise import Exercise, ExerciseError
from sim.metrics import SIDE_METRICS, side_metrics
from sim.model import Simulation
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "scenarios" / "record-2016-2025.yaml"
TIT_FOR_TAT = ROOT / "scenarios" / "whatif-tit-for-tat-2021.yaml"
EXPEL_300 = ROOT / "scenarios" / "whatif-expel-300-2021.yaml"
FROM = dt.date(2021, 1, 1)
TABLES = ("timeseries.csv", "events.csv", "measures.csv", "summary.json")


def exercise(tmp_path: Path, scenario: Path = RECORD, **kwargs) -> Exercise:
    kwargs.setdefault("start", FROM)
    return Exercise(scenario, out=tmp_path / "exercise", figures=False, **kwargs)


def events(run_dir: Path) -> list[dict[str, str]]:
    with (run_dir / "events.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


# -- decision points --------------------------------------------------------------------


def test_record_turns_are_the_days_the_played_side_moved(tmp_path):
    """`--turns record`: one decision point per day the US moved in the file, from --from."""
    days = sorted({m.date for m in load_scenario(RECORD).moves
                   if m.actor == "US" and m.date >= FROM})
    assert exercise(tmp_path, play="US").dates == days


def test_every_n_days_turns_step_from_the_first_day_played(tmp_path):
    """`--turns 365`: from --from, every 365 days, to the scenario's end."""
    dates = exercise(tmp_path, play="RU", turns=365).dates
    assert dates[0] == FROM
    assert {(b - a).days for a, b in itertools.pairwise(dates)} == {365}
    assert dates[-1] <= dt.date(2025, 12, 31) < dates[-1] + dt.timedelta(days=365)


def test_the_first_turn_can_be_the_scenarios_first_day(tmp_path):
    """With no --from, the record's first US move (its first day) is the first turn."""
    ex = Exercise(RECORD, play="US", turns=3000, out=tmp_path / "x", figures=False)
    assert ex.turn is not None and ex.turn.date == dt.date(2016, 11, 30)
    assert ex.turn.sides["US"].metrics["staff_total"] == 1200


def test_a_side_that_never_moves_again_has_no_record_turns(tmp_path):
    """No move by the side after --from: say so and point at --turns N."""
    with pytest.raises(ParityUserError, match=r"make no move .* give --turns N"):
        Exercise(RECORD, play="US", start=dt.date(2025, 12, 1), out=tmp_path / "x")


# -- moves --------------------------------------------------------------------------------


def test_moves_are_named_by_a_clear_beginning_and_given_in_order(tmp_path):
    """`close houston`: close_post with its first parameter, the post."""
    ex = exercise(tmp_path, play="US")
    move = ex.move("US", "close", args=["houston"])
    assert (move.move, move.post, move.actor, move.date) == (
        "close_post", "houston", "US", ex.turn.date)


@pytest.mark.parametrize(("name", "params", "args", "message"), [
    ("expell", {}, ["3"], "unknown move 'expell'.*did you mean 'expel'"),
    ("resume", {}, [], "could be resume_consular, resume_flights"),
    ("close", {}, ["nowhere"], "RU has no post 'nowhere'"),
    ("expel", {}, [], "expel needs count"),
    ("expel", {"count": "many"}, [], "count many"),
    ("expel", {"cuont": "3"}, [], "no parameter 'cuont'"),
    ("lift", {}, ["ru-cap-455-2017"], "cannot be chosen now"),
    ("settle", {}, [], "made by talks"),
])
def test_bad_moves_are_one_line_errors(tmp_path, name, params, args, message):
    """A mistyped move, a missing or bad value, a post that does not exist, a measure of
    the other side: an ExerciseError whose one line says what is wrong.
    """
    ex = exercise(tmp_path, play="US")
    with pytest.raises(ExerciseError, match=message) as caught:
        ex.move("US", name, params, args)
    assert "\n" not in str(caught.value)


def test_legal_moves_describe_what_they_would_do(tmp_path):
    """Each legal move has an example in words and its effect: an expulsion takes staff."""
    ex = exercise(tmp_path, play="US")
    expel = next(m for m in ex.legal_moves("US") if m.name == "expel")
    assert expel.example.startswith("expel ")
    assert expel.words.startswith("Expulsion of")
    assert "would take" in expel.effect and "staff" in expel.effect
    assert "settle" not in [m.name for m in ex.legal_moves("US")]


def test_lifting_is_offered_only_for_ones_own_named_measures(tmp_path):
    """`lift` offers the US's measures in force that the file names, and none of Russia's."""
    ex = exercise(tmp_path, play="US")
    lift = next(m for m in ex.legal_moves("US") if m.name == "lift")
    choices = lift.params[0].choices
    assert "us-visa-2020" in choices
    assert not [c for c in choices if c.startswith("ru-")]


# -- the played side replaces its moves; the other side still acts ---------------------


def test_a_played_side_makes_only_the_moves_played(tmp_path):
    """From --from the US's moves are the players'; before it, the record's stay."""
    ex = exercise(tmp_path, play="US")
    ex.play([ex.move("US", "expel", {"count": "30"})])
    done = ex.finish()
    rows = [r for r in events(done.out) if r["actor"] == "US" and r["origin"] == "scenario"]
    after = [r for r in rows if r["date"] >= FROM.isoformat()]
    assert [(r["move"], r["detail"]) for r in after] == [("expel", "count=30 notice_days=7")]
    assert after[0]["source"].startswith("exercise")
    assert any(r["date"] < FROM.isoformat() for r in rows)


def test_the_side_not_played_keeps_its_scripted_moves(tmp_path):
    """Russia's record moves after --from are still made when the US is played."""
    ex = exercise(tmp_path, play="US")
    done = ex.finish()
    record_ru = [m for m in load_scenario(RECORD).moves if m.actor == "RU" and m.date >= FROM]
    made_ru = [r for r in events(done.out) if r["actor"] == "RU" and r["origin"] == "scenario"
               and r["date"] >= FROM.isoformat()]
    assert len(made_ru) == len(record_ru) > 0


def test_the_side_not_played_answers_by_its_policy(tmp_path):
    """In the expel-300 what-if Russia answers by policy: it answers the player's expulsion,
    and has nothing to answer when the player makes none.
    """
    start = dt.date(2021, 11, 1)

    def russian_answers(moves: list[str]) -> list[dict[str, str]]:
        ex = Exercise(EXPEL_300, play="US", start=start, turns=3000,
                      out=tmp_path / f"x{len(moves)}", figures=False)
        ex.play([ex.move("US", "expel", args=moves)] if moves else [])
        return [r for r in events(ex.finish().out)
                if r["actor"] == "RU" and r["origin"] == "policy"]

    assert russian_answers([]) == []
    answers = russian_answers(["300", "30"])
    assert answers and answers[0]["date"] > start.isoformat()


def test_a_played_sides_policy_stops_on_the_first_day_played(tmp_path):
    """Russia plays tit-for-tat in the what-if; played from 2022, its policy makes no move
    from then on, while its answers before 2022 stay.
    """
    start = dt.date(2022, 1, 1)
    base = Simulation(load_scenario(TIT_FOR_TAT)).run()
    assert [e for e in base.log if e.actor == "RU" and e.origin == "policy" and e.date >= start]
    ex = Exercise(TIT_FOR_TAT, play="RU", start=start, turns=3000, out=tmp_path / "x",
                  figures=False)
    rows = [r for r in events(ex.finish().out) if r["actor"] == "RU" and r["origin"] == "policy"]
    assert rows and all(r["date"] < start.isoformat() for r in rows)


# -- the written scenario ------------------------------------------------------------------


def test_the_written_scenario_extends_the_base_and_drops_the_played_sides_moves(tmp_path):
    """exercise.yaml names the base by a path relative to itself, and drops the US's moves
    from --from.
    """
    ex = exercise(tmp_path, play="US")
    ex.play([])
    done = ex.finish()
    data = yaml.safe_load(done.scenario.read_text(encoding="utf-8"))
    assert (done.scenario.parent / data["extends"]).resolve() == RECORD.resolve()
    assert data["drop_moves"] == {"from": FROM, "actor": "US"}
    assert data["moves"] == []


def test_the_written_scenario_replays_to_the_same_bytes(tmp_path, capsys):
    """`parity run exercise.yaml --seed S` writes the exercise's own files, byte for byte."""
    ex = exercise(tmp_path, play="US", seed=5)
    ex.play([ex.move("US", "expel", {"count": "30"}), ex.move("US", "lift", args=["us-visa-2020"])])
    ex.play([])
    ex.play([ex.move("US", "close", args=["houston"])])
    done = ex.finish()
    replay = tmp_path / "replay"
    assert main(["run", str(done.scenario), "--seed", "5", "--out", str(replay),
                 "--no-figures"]) == 0
    capsys.readouterr()
    for name in TABLES:
        assert (replay / name).read_bytes() == (done.out / name).read_bytes(), name


def test_every_turn_shows_the_state_of_the_written_scenarios_run(tmp_path):
    """The state shown at each turn is that of a run of exercise.yaml on that day: the
    exercise is a run of the file it writes.
    """
    ex = exercise(tmp_path, play="US")
    shown = []
    for args in (["30"], [], ["5", "3"]):
        shown.append((ex.turn.date, {s: st.metrics for s, st in ex.turn.sides.items()}))
        ex.play([ex.move("US", "expel", args=args)] if args else [])
    done = ex.finish()
    for date, metrics in shown:
        sim = Simulation(load_scenario(done.scenario), seed=ex.seed)
        sim.run_until(date)
        for side, mission in sim.missions.items():
            now = dict(zip(SIDE_METRICS, side_metrics(sim, mission), strict=True))
            assert metrics[side]["staff_total"] == now["staff_total"]
            assert metrics[side]["consular_output"] == pytest.approx(now["consular_output"],
                                                                     abs=1e-3)


def test_two_lasting_moves_in_one_turn_are_both_made_and_replay(tmp_path):
    """Each measure played gets a name of its own, even two in the same turn."""
    ex = exercise(tmp_path, play="US")
    ex.play([ex.move("US", "expel", {"count": "5"}),
             ex.move("US", "banking_restriction", {})])
    ids = [m.id for m in ex.moves]
    assert len(ids) == 2 and len(set(ids)) == 2
    done = ex.finish()
    replay = tmp_path / "replay"
    assert main(["run", str(done.scenario), "--out", str(replay), "--no-figures"]) == 0
    for name in TABLES:
        assert (replay / name).read_bytes() == (done.out / name).read_bytes(), name


def test_quitting_early_writes_everything(tmp_path):
    """`q` after one turn: the scenario, the run, the base run and the brief are written,
    and no more moves can be played.
    """
    ex = exercise(tmp_path, play="US")
    ex.play([ex.move("US", "staff_cap", {"ceiling": "250"})])
    done = ex.finish()
    names = {p.relative_to(done.out).as_posix() for p in done.out.rglob("*") if p.is_file()}
    assert {"exercise.yaml", *TABLES, "brief.md", *(f"base/{t}" for t in TABLES)} <= names
    assert (done.turns_played, done.total) == (1, len(ex.dates))
    assert ex.turn is None
    with pytest.raises(ExerciseError, match="over"):
        ex.play([])


def test_with_figures_the_brief_is_the_report_comparing_the_record_with_the_exercise(tmp_path):
    ex = Exercise(RECORD, out=tmp_path / "exercise", start=FROM)
    ex.play([ex.move("US", "staff_cap", {"ceiling": "250"})])
    done = ex.finish()
    page = done.brief.read_text(encoding="utf-8")
    assert done.brief.name == "report.html" and (done.out / "brief.md").is_file()
    assert "The runs compared" in page and "exercise, US played from 2021-01-01" in page
    assert "Ceiling of 250 staff" in page


def test_the_brief_sets_the_moves_played_beside_the_records(tmp_path):
    """The plain brief lists the moves played, the record's with their sources, and the
    final staff of both missions in the exercise and the base run.
    """
    ex = exercise(tmp_path, play="US")
    ex.play([ex.move("US", "expel", {"count": "30"})])
    text = ex.finish().brief.read_text(encoding="utf-8")
    assert "Expulsion of 30 staff" in text
    assert "Expulsion of 10 staff" in text and "source: https://" in text
    assert "| US mission in Russia | staff |" in text


def test_both_sides_can_be_played(tmp_path):
    """`--play both`: the decision points are both sides' moving days, each side moves."""
    ex = exercise(tmp_path, play="both", start=dt.date(2025, 1, 1))
    assert set(ex.turn.legal) == {"US", "RU"}
    ex.play([ex.move("US", "expel", args=["3"]), ex.move("RU", "expel", args=["4"])])
    done = ex.finish()
    data = yaml.safe_load(done.scenario.read_text(encoding="utf-8"))
    assert "actor" not in data["drop_moves"]
    assert [(m["actor"], m["count"]) for m in data["moves"]] == [("US", 3), ("RU", 4)]


def test_an_output_directory_parity_may_not_replace_is_refused_before_playing(tmp_path):
    """A folder of someone else's files at --out stops the exercise before the first turn."""
    (tmp_path / "exercise").mkdir()
    (tmp_path / "exercise" / "notes.txt").write_text("mine")
    with pytest.raises(ParityUserError, match="not replaced: it holds files Parity did not "
                                              "write"):
        exercise(tmp_path, play="US", force=True)


@pytest.mark.slow
def test_the_replay_draws_the_same_figures(tmp_path, capsys):
    """The figures of `parity run exercise.yaml` are the exercise's own, byte for byte."""
    ex = Exercise(RECORD, play="US", start=FROM, out=tmp_path / "exercise")
    ex.play([ex.move("US", "expel", {"count": "30"})])
    done = ex.finish()
    replay = tmp_path / "replay"
    assert main(["run", str(done.scenario), "--out", str(replay)]) == 0
    capsys.readouterr()
    figures = sorted(p.name for p in (done.out / "figures").glob("*.png"))
    assert figures
    for name in figures:
        assert (replay / "figures" / name).read_bytes() == (
            done.out / "figures" / name).read_bytes(), name
