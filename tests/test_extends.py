"""`extends:`: a what-if as a short file over a base, with every line pointing at its own file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.cli import main
from sim.errors import ScenarioError
from sim.model import Simulation
from sim.scenario import Scenario, load_scenario

#: tests/test_cli.py's SMALL with ids on its moves, three more moves and a talks round.
BASE = """\
name: Small dispute
start: 2020-01-01
end: 2021-12-31
seed: 7
sides:
  A:
    name: A mission in B
    posts:
      - {id: capital, name: Embassy, kind: embassy, expat: 40, local: 60, consular_share: 1}
    core_staff: 20
    consular_staff_max: 30
    consular_rate: 10
  B:
    name: B mission in A
    posts:
      - {id: capital, name: Embassy, kind: embassy, expat: 30, local: 5}
moves:
  - {date: 2020-06-01, actor: B, move: expel, count: 5, source: test, id: b-expel}
  - {date: 2021-01-01, actor: A, move: local_hire_ban, notice_days: 10, id: a-ban}
  - {date: 2020-09-01, actor: B, move: suspend_flights, id: b-flights}
  - {date: 2020-09-01, actor: A, move: suspend_flights, id: a-flights}
  - {date: 2021-03-01, actor: B, move: expel, count: 2, id: b-expel-2}
talks:
  rounds:
    - date: 2021-06-01
      name: base round
      settle: []
"""
BASE_IDS = ["b-expel", "a-ban", "b-flights", "a-flights", "b-expel-2"]


def files(tmp_path: Path, child: str, base: str = BASE) -> Path:
    """Write base.yaml and child.yaml (which should say `extends: base.yaml`); the child's path."""
    (tmp_path / "base.yaml").write_text(base, encoding="utf-8")
    path = tmp_path / "child.yaml"
    path.write_text(child, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    """The lines of the ScenarioError loading ``path`` raises."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.problems


def ids(scenario: Scenario) -> list[str | None]:
    return [move.id for move in scenario.moves]


def test_drop_by_id_runs_without_the_move(tmp_path):
    """A base move dropped by id is neither in the scenario nor made in the run."""
    child = files(tmp_path, "extends: base.yaml\nname: no expulsion\n"
                            "drop_moves: {ids: [b-expel]}\n")
    scenario = load_scenario(child)
    assert ids(scenario) == [i for i in BASE_IDS if i != "b-expel"]
    made = [(e.date.isoformat(), e.actor, e.move) for e in Simulation(scenario).run().log]
    assert ("2020-06-01", "B", "expel") not in made
    assert ("2021-03-01", "B", "expel") in made
    base_run = Simulation(load_scenario(tmp_path / "base.yaml")).run().log
    assert ("2020-06-01", "B", "expel") in [(e.date.isoformat(), e.actor, e.move)
                                            for e in base_run]


def test_drop_from_a_date_for_one_actor(tmp_path):
    """`from:` with `actor:` drops that actor's base moves on or after the date, no others."""
    child = files(tmp_path, "extends: base.yaml\nname: x\n"
                            "drop_moves: {from: 2020-09-01, actor: B}\n")
    assert ids(load_scenario(child)) == ["b-expel", "a-ban", "a-flights"]


def test_drop_from_a_date_by_kind(tmp_path):
    """`from:` with `moves:` drops only base moves of those kinds on or after the date."""
    child = files(tmp_path, "extends: base.yaml\nname: x\n"
                            "drop_moves: {from: 2020-01-01, moves: [suspend_flights]}\n")
    assert ids(load_scenario(child)) == ["b-expel", "a-ban", "b-expel-2"]


def test_child_moves_are_added(tmp_path):
    """The child's own moves come after the base's kept moves."""
    child = files(tmp_path, "extends: base.yaml\nname: x\nmoves:\n"
                            "  - {date: 2021-05-01, actor: A, move: lift, measure: a-ban, id: c}\n")
    scenario = load_scenario(child)
    assert ids(scenario) == [*BASE_IDS, "c"]
    assert scenario.moves[-1].move == "lift"


def test_side_policy_is_overridden_key_by_key(tmp_path):
    """A side's `policy` in the child replaces the base's; its other settings are kept."""
    child = files(tmp_path, "extends: base.yaml\nname: x\nsides:\n  A:\n"
                            "    policy: {policy: mirror, lag_days: 5}\n")
    scenario = load_scenario(child)
    assert (scenario.sides["A"].policy.policy, scenario.sides["A"].policy.lag_days) == ("mirror", 5)
    assert scenario.sides["A"].core_staff == 20 and scenario.sides["A"].name == "A mission in B"
    assert scenario.sides["B"].policy.policy == "scripted"


def test_top_level_keys_are_overridden(tmp_path):
    """`name` and `end` in the child replace the base's; the rest is inherited."""
    child = files(tmp_path, "extends: base.yaml\nname: shorter\nend: 2021-06-30\n")
    scenario = load_scenario(child)
    assert (scenario.name, str(scenario.end)) == ("shorter", "2021-06-30")
    assert (str(scenario.start), scenario.seed, ids(scenario)) == ("2020-01-01", 7, BASE_IDS)


@pytest.mark.parametrize("talks, names", [("{rounds: []}", []),
                                          ("{rounds: [{date: 2020-05-01, name: mine}]}", ["mine"])])
def test_talks_are_replaced(tmp_path, talks, names):
    """The child's `talks` replaces the base's whole, rounds included."""
    child = files(tmp_path, f"extends: base.yaml\nname: x\ntalks: {talks}\n")
    assert [r.name for r in load_scenario(child).talks.rounds] == names


def test_error_in_an_inherited_move_names_the_base_file(tmp_path):
    """A problem in an inherited move (or talks round) names the base file and its line."""
    child = files(tmp_path, "extends: base.yaml\nname: x\nend: 2021-02-01\n"
                            "drop_moves: {ids: [b-expel]}\n")
    base = tmp_path / "base.yaml"
    assert problems(child) == [f"{base}:22: moves[4].date: 2021-03-01 is outside the scenario "
                               "(allowed: 2020-01-01 to 2021-02-01)",
                               f"{base}:25: talks.rounds[0].date: 2021-06-01 is outside the "
                               "scenario (allowed: 2020-01-01 to 2021-02-01)"]


def test_schema_error_in_an_inherited_move_names_the_base_file(tmp_path):
    """A bad key in an inherited move names the base file and its line, even via the CLI."""
    child = files(tmp_path, "extends: base.yaml\nname: x\n",
                  base=BASE.replace("count: 2,", "cout: 2,"))
    base = tmp_path / "base.yaml"
    assert problems(child) == [f"{base}:22: moves[4].count: is required (whole number)",
                               f"{base}:22: moves[4].cout: unknown key 'cout'; "
                               "did you mean 'count'?"]


def test_error_in_a_child_move_names_the_child_file(tmp_path, capsys):
    """A problem in the child's own move names the child file and its line."""
    child = files(tmp_path, "extends: base.yaml\nname: x\nmoves:\n"
                            "  - {date: 2021-05-01, actor: Z, move: banking_restriction}\n"
                            "  - {date: 2021-05-01, actor: A, move: expel, count: 0}\n")
    assert main(["validate", str(child)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"error: {child}:4: moves[0].actor: unknown side 'Z' (allowed: A, B)",
        f"error: {child}:5: moves[1].count: must be >= 1 (got 0)"]


def test_error_in_a_grandparent_names_the_grandparent(tmp_path):
    """Through two levels of `extends`, an inherited move's problem names the file it is in."""
    middle = files(tmp_path, "extends: base.yaml\nname: middle\n",
                   base=BASE.replace("count: 2,", "count: -2,"))
    top = tmp_path / "top.yaml"
    top.write_text(f"extends: {middle.name}\nname: top\n", encoding="utf-8")
    assert problems(top) == [f"{tmp_path / 'base.yaml'}:22: moves[4].count: must be >= 1 "
                             "(got -2)"]


def test_unknown_side_in_the_child_is_reported(tmp_path):
    """A side under the child's `sides:` that the base lacks is one line in the child."""
    child = files(tmp_path, "extends: base.yaml\nname: x\nsides:\n  C:\n    core_staff: 3\n")
    assert problems(child) == [f"{child}:4: sides.C: the base has no side 'C' (allowed: A, B)"]


def test_unknown_id_in_drop_moves_is_named(tmp_path):
    """An id in `drop_moves.ids` that no base move has is reported with the id."""
    child = files(tmp_path, "extends: base.yaml\nname: x\ndrop_moves:\n"
                            "  ids: [b-expel, b-expell]\n")
    assert problems(child) == [f"{child}:4: drop_moves.ids[1]: the base has no move with id "
                               "'b-expell'"]


def test_missing_base_is_one_line_naming_it(tmp_path, capsys):
    """`extends` of a missing file is one line, exit 2, naming the missing path."""
    child = files(tmp_path, "extends: nope.yaml\nname: x\n")
    assert main(["validate", str(child)]) == 2
    missing = tmp_path / "nope.yaml"
    assert capsys.readouterr().err.splitlines() == [
        f"error: {child}:1: extends: no scenario file 'nope.yaml' (looked for {missing})"]


def test_missing_base_points_at_the_extends_line(tmp_path):
    """A missing base is reported at the child's `extends:` line and names the missing path."""
    child = files(tmp_path, "name: x\nextends: nope.yaml\n")
    lines = problems(child)
    assert len(lines) == 1
    assert lines[0].startswith(f"{child}:2: extends: ") and "nope.yaml" in lines[0]


def test_extends_loop_is_reported_not_a_crash(tmp_path, capsys):
    """a.yaml extends b.yaml extends a.yaml: one line about the loop, exit 2, no RecursionError."""
    (tmp_path / "a.yaml").write_text("extends: b.yaml\nname: a\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("name: b\nextends: a.yaml\n", encoding="utf-8")
    assert main(["validate", str(tmp_path / "a.yaml")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"error: {tmp_path / 'b.yaml'}:2: extends: 'a.yaml' extends this file again (a loop)"]
    (tmp_path / "self.yaml").write_text("extends: self.yaml\n", encoding="utf-8")
    assert problems(tmp_path / "self.yaml") == [
        f"{tmp_path / 'self.yaml'}:1: extends: 'self.yaml' extends this file again (a loop)"]


def test_sha256_changes_when_the_base_changes(tmp_path):
    """The child's sha256 covers its base: editing only the base changes it."""
    child = files(tmp_path, "extends: base.yaml\nname: x\n")
    first = load_scenario(child).sha256
    assert re.fullmatch(r"[0-9a-f]{64}", first) and load_scenario(child).sha256 == first
    (tmp_path / "base.yaml").write_text(BASE.replace("count: 5,", "count: 6,"), encoding="utf-8")
    assert load_scenario(child).sha256 != first



def test_missing_key_in_replaced_talks_names_the_child(tmp_path):
    """A round of the child's `talks` missing its date is reported in the child file."""
    child = files(tmp_path, "extends: base.yaml\nname: x\ntalks:\n  rounds:\n    - {name: r}\n")
    assert problems(child) == [
        f"{child}:5: talks.rounds[0].date: is required (a date as YYYY-MM-DD)"]


def test_missing_key_in_replaced_posts_names_the_child(tmp_path):
    """A post of the child's replaced `posts` missing `expat` is reported in the child file."""
    child = files(tmp_path, "extends: base.yaml\nname: x\nsides:\n  B:\n    posts:\n"
                            "      - {id: capital, name: Embassy, kind: embassy}\n")
    assert problems(child) == [f"{child}:6: sides.B.posts[0].expat: is required (whole number)"]


def test_drop_moves_mistakes_read_like_other_messages(tmp_path):
    """Mistakes inside `drop_moves` get the same plain messages as the rest of the file."""
    child = files(tmp_path, "extends: base.yaml\nname: x\ndrop_moves:\n  from: someday\n"
                            "  acter: B\n")
    assert problems(child) == [
        f"{child}:4: drop_moves.from: must be a date as YYYY-MM-DD (got 'someday')",
        f"{child}:5: drop_moves.acter: unknown key 'acter'; did you mean 'actor'?"]


def test_side_settings_that_are_not_a_mapping_are_reported(tmp_path):
    """A child's side given a scalar instead of settings is reported at its line."""
    child = files(tmp_path, "extends: base.yaml\nname: x\nsides:\n  A: 5\n")
    lines = problems(child)
    assert len(lines) == 1 and lines[0].startswith(f"{child}:4: sides.A: ")


def test_drop_moves_actor_without_from_drops_all_that_sides_moves(tmp_path):
    """`drop_moves: {actor: B}` without `from:` drops every move of B's, whatever its date."""
    child = files(tmp_path, "extends: base.yaml\nname: x\ndrop_moves: {actor: B}\n")
    assert ids(load_scenario(child)) == ["a-ban", "a-flights"]


def test_unknown_actor_and_kind_in_drop_moves_are_reported(tmp_path):
    """An unknown side or move kind in `drop_moves` is reported like an unknown id."""
    child = files(tmp_path, "extends: base.yaml\nname: x\ndrop_moves:\n  from: 2020-01-01\n"
                            "  actor: Z\n  moves: [suspend_flight]\n")
    lines = problems(child)
    assert [line.split(": ")[0] for line in lines] == [f"{child}:5", f"{child}:6"]
    assert "'Z' (allowed: A, B)" in lines[0] and "did you mean 'suspend_flights'?" in lines[1]


def test_drop_moves_without_extends_is_reported(tmp_path):
    """`drop_moves` in a file that extends nothing is reported: there is nothing to drop."""
    path = tmp_path / "plain.yaml"
    path.write_text(BASE + "drop_moves: {ids: [b-expel]}\n", encoding="utf-8")
    lines = problems(path)
    assert len(lines) == 1 and lines[0].startswith(f"{path}:28: drop_moves")


def test_a_drop_moves_mistake_does_not_hide_the_other_problems(tmp_path):
    """A mistake in `drop_moves` is reported together with the file's other problems."""
    child = files(tmp_path, "extends: base.yaml\nname: x\ndrop_moves: {acter: B}\nmoves:\n"
                            "  - {date: 2021-05-01, actor: Z, move: banking_restriction}\n")
    assert problems(child) == [
        f"{child}:3: drop_moves.acter: unknown key 'acter'; did you mean 'actor'?",
        f"{child}:5: moves[0].actor: unknown side 'Z' (allowed: A, B)"]


def test_a_clash_with_a_base_move_names_the_base_file(tmp_path):
    """An id the base already uses is reported with the base move's file and index."""
    child = files(tmp_path, "extends: base.yaml\nname: x\nmoves:\n"
                            "  - {date: 2021-05-01, actor: A, move: banking_restriction, "
                            "id: a-ban}\n")
    assert problems(child) == [
        f"{child}:4: moves[0].id: id 'a-ban' is already used by moves[1] of base.yaml"]
