"""Scenario validation: each mistake is one line `file:line: what is wrong (what is allowed)`.

The golden file tests/data/broken.yaml holds many mistakes, each on its own line
and marked `# mistake(schema|check): what [fix: right line]`; tests/data/broken.expected
lists the exact lines `parity validate` must print for it. Variants of the file
(some mistakes fixed) are written to tmp_path with the same line numbers.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.cli import main
from sim.scenario.yamlsource import load_text

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
BROKEN = DATA / "broken.yaml"
EXPECTED = DATA / "broken.expected"
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))

#: The marker that ends every wrong line of the golden file.
MARK = re.compile(r"^(?P<indent>\s*)(?P<yaml>.*?)\s+#\s*mistake\((?P<kind>schema|check)\):"
                  r"\s*(?P<what>.*?)(?:\s+fix:\s*(?P<fix>.*))?$")
LINES = BROKEN.read_text(encoding="utf-8").splitlines()
MISTAKES = {n: m for n, m in ((n, MARK.match(line)) for n, line in enumerate(LINES, 1)) if m}

BAD_DATE = ("sim/scenario/yamlsource.py load_text: an impossible date such as 2021-13-01 "
            "raises ValueError from PyYAML's timestamp constructor (a traceback); it should "
            "be reported like any other bad date")
HIDDEN_CHECKS = ("sim/scenario/loader.py from_source: cross-checks (sides, posts, ids, dates) "
                 "run only when the top level validates, so one unknown top-level key hides "
                 "every cross-check problem")
#: Mistakes whose line is not (yet) what broken.expected says.
KNOWN_BAD: dict[str, str] = {}

SMALL = (Path(__file__).parent / "data" / "small.yaml").read_text()


def variant(keep: set[int]) -> str:
    """The golden file with only the mistakes on lines ``keep`` left; the others fixed."""
    out = []
    for n, line in enumerate(LINES, 1):
        mark = MISTAKES.get(n)
        if mark is None or n in keep:
            out.append(line)
        else:
            out.append(mark["indent"] + mark["fix"] if mark["fix"] else "")
    return "\n".join(out) + "\n"


def expected(file: Path, lines: set[int] | None = None) -> list[str]:
    """broken.expected for ``file``, only the lines about ``lines`` if given."""
    rows = EXPECTED.read_text(encoding="utf-8").splitlines()
    rows = [r for r in rows if lines is None or int(r.split(":")[2]) in lines]
    return [r.replace("{file}", str(file)) for r in rows]


def validate(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, list[str]]:
    """Run `parity validate path`; check every stderr line's form; return (code, lines)."""
    code = main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    lines = err.splitlines()
    pattern = re.compile(rf"^error: {re.escape(str(path))}(:\d+)?: \S")
    assert [line for line in lines if not pattern.match(line)] == []
    if code == 0:
        assert lines == [] and out == f"{path}: ok\n"
    return code, lines


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def lines_of(kind: str) -> set[int]:
    return {n for n, m in MISTAKES.items() if m["kind"] == kind}


def test_golden_file_has_many_mistakes_each_with_a_line():
    """The golden file has at least 12 mistakes, each with exactly one expected line."""
    assert len(MISTAKES) >= 12
    assert sorted(int(r.split(":")[2]) for r in expected(BROKEN)) == sorted(MISTAKES)


def test_broken_file_prints_exactly_the_expected_lines(capsys):
    """`parity validate` on the golden file exits 2 and prints every expected line, in order."""
    code, lines = validate(capsys, BROKEN)
    assert code == 2
    assert lines == expected(BROKEN)


def test_broken_file_with_every_mistake_fixed_is_valid(tmp_path, capsys):
    """With each mistake replaced by its fix, the golden file validates (side `NO` included)."""
    assert validate(capsys, write(tmp_path, variant(set())))[0] == 0


@pytest.mark.parametrize("line", [
    pytest.param(n, id=m["what"],
                 marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BAD[m["what"]])]
                 if m["what"] in KNOWN_BAD else [])
    for n, m in MISTAKES.items()])
def test_each_mistake_alone_gives_exactly_its_line(tmp_path, capsys, line):
    """Each mistake on its own gives exactly its expected line and exit status 2."""
    path = write(tmp_path, variant({line}))
    code, lines = validate(capsys, path)
    assert (code, lines) == (2, expected(path, {line}))


def test_schema_mistakes_are_all_reported_in_one_run(tmp_path, capsys):
    """All schema mistakes in one file are reported together, not only the first."""
    keep = {n for n in lines_of("schema") if MISTAKES[n]["what"] not in KNOWN_BAD}
    path = write(tmp_path, variant(keep))
    code, lines = validate(capsys, path)
    assert code == 2
    assert lines == expected(path, keep)
    assert len(lines) >= 8


def test_cross_check_mistakes_are_all_reported_in_one_run(tmp_path, capsys):
    """All cross-check mistakes (sides, posts, properties, dates, ids) are reported together."""
    keep = lines_of("check")
    path = write(tmp_path, variant(keep))
    code, lines = validate(capsys, path)
    assert code == 2
    assert lines == expected(path, keep)
    assert len(lines) == 7


def test_schema_mistakes_do_not_hide_cross_check_mistakes(tmp_path, capsys):
    """Schema mistakes and cross-check mistakes in one file are all reported in one run."""
    keep = {n for n in MISTAKES if MISTAKES[n]["what"] not in KNOWN_BAD}
    path = write(tmp_path, variant(keep))
    assert validate(capsys, path) == (2, expected(path, keep))


def test_yaml_11_words_stay_text():
    """YAML 1.1 booleans stay text: side `NO` is the string 'NO', `kind: yes` is 'yes'."""
    bad_date = next(n for n, m in MISTAKES.items() if m["what"] == "no month 13")
    data = load_text(variant(set(MISTAKES) - {bad_date}), "broken.yaml").data
    assert list(data["sides"]) == ["NO", "A"]
    assert {m["actor"] for m in data["moves"]} == {"A", "NO", "C"}
    assert data["moves"][-1]["kind"] == "yes"
    assert load_text("a: no\nb: off\nc: true\n", "f.yaml").data == {"a": "no", "b": "off",
                                                                   "c": True}


def test_invalid_yaml_is_one_line_with_its_line_number(tmp_path, capsys):
    """A YAML syntax error is one line naming the line where the parser stopped."""
    path = write(tmp_path, "name: x\nstart: 2020-01-01\n  end: 2020-12-31\nseed: 1\n")
    assert validate(capsys, path) == (
        2, [f"error: {path}:3: invalid YAML: mapping values are not allowed here"])


def test_unclosed_quote_points_at_where_it_opens(tmp_path, capsys):
    """An unclosed quote is reported at, or mentioning, the line where the quote opens."""
    path = write(tmp_path, "name: 'x\nseed: 1\n")
    code, lines = validate(capsys, path)
    assert code == 2 and len(lines) == 1
    assert re.match(rf"^error: {re.escape(str(path))}:(1: .*|\d+: .*line 1\b.*)$", lines[0])


def test_empty_file_is_one_line(tmp_path, capsys):
    """An empty file, or one with only comments, is one line at line 1 saying what a
    scenario needs.
    """
    for text, what in (("", "is empty"), ("# nothing yet\n", "has only comments")):
        path = write(tmp_path, text)
        assert validate(capsys, path) == (2, [
            f"error: {path}:1: the file {what}; a scenario needs name, start, end and sides"])


def test_a_list_is_not_a_scenario(tmp_path, capsys):
    """A file holding a list rather than a mapping is one line at line 1."""
    path = write(tmp_path, "- name: x\n- start: 2020-01-01\n")
    assert validate(capsys, path) == (2, [
        f"error: {path}:1: a scenario must be a mapping of keys (name, start, end, sides, "
        "moves...)"])


def test_missing_required_key_is_reported_with_what_to_write(tmp_path, capsys):
    """A missing `start` is one line at the top of the file saying a date is required."""
    path = write(tmp_path, SMALL.replace("start: 2020-01-01\n", ""))
    code, lines = validate(capsys, path)
    assert code == 2
    assert lines == [f"error: {path}:1: start: is required (a date as YYYY-MM-DD)"]


ONE_SIDE = SMALL.split("  B:\n")[0] + "moves: []\n"
THREE_SIDES = SMALL.replace("moves:\n", "  C:\n    name: C mission\n    posts:\n"
                            "      - {id: capital, name: Embassy, kind: embassy, expat: 3}\n"
                            "moves:\n")


@pytest.mark.parametrize("text", [ONE_SIDE, THREE_SIDES], ids=["one side", "three sides"])
def test_side_count_other_than_two_is_reported(tmp_path, capsys, text):
    """One side or three is one line at `sides:`."""
    path = write(tmp_path, text)
    code, lines = validate(capsys, path)
    assert code == 2 and len(lines) == 1
    assert lines[0].startswith(f"error: {path}:5: sides: ")


@pytest.mark.parametrize("text, got", [(ONE_SIDE, "1: A"), (THREE_SIDES, "3: A, B, C")],
                         ids=["one side", "three sides"])
def test_side_count_message_says_two_sides(tmp_path, capsys, text, got):
    """A wrong side count says exactly two sides are needed and which were given."""
    path = write(tmp_path, text)
    _, lines = validate(capsys, path)
    assert lines == [f"error: {path}:5: sides: needs exactly two sides (got {got})"]


def test_empty_posts_message_is_plain(tmp_path, capsys):
    """A side with no posts is told it needs at least one post, in plain words."""
    path = write(tmp_path, SMALL.replace(
        "      - {id: capital, name: Embassy, kind: embassy, expat: 30, local: 5}\n", "      []\n"))
    _, lines = validate(capsys, path)
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}:15: sides.B.posts: ")
    assert "after validation" not in lines[0] and "at least one post" in lines[0]


POLICY = """\
    policy:
      policy: proportional
      lag_days: -1
      scal: 2
"""


def test_policy_parameter_errors_point_at_their_line(tmp_path, capsys):
    """A bad policy parameter is reported at its own line, without the policy name in the path."""
    path = write(tmp_path, SMALL.replace("    consular_rate: 10\n",
                                         "    consular_rate: 10\n" + POLICY))
    _, lines = validate(capsys, path)
    assert lines == [
        f"error: {path}:15: sides.A.policy.lag_days: must be >= 0.0 (got -1)",
        f"error: {path}:16: sides.A.policy.scal: unknown key 'scal'; did you mean 'scale'?"]


def test_policy_without_a_name_asks_for_a_policy(tmp_path, capsys):
    """A policy mapping with no `policy:` asks for a policy name and lists the policies."""
    path = write(tmp_path, SMALL.replace("    consular_rate: 10\n",
                                         "    consular_rate: 10\n    policy: {lag_days: 3}\n"))
    _, lines = validate(capsys, path)
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {path}:13: sides.A.policy.policy: needs a `policy:`")
    assert "(allowed: scripted, mirror, proportional" in lines[0]


def test_unknown_key_without_a_close_match_lists_the_keys(tmp_path, capsys):
    """An unknown key unlike any allowed one lists the keys allowed there."""
    path = write(tmp_path, SMALL.replace("seed: 7", "colour: red"))
    _, lines = validate(capsys, path)
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {path}:4: colour: unknown key 'colour' (allowed: name,")


def test_number_as_key_is_an_unknown_key(tmp_path, capsys):
    """A number used as a top-level key is an unknown key, in plain words."""
    path = write(tmp_path, SMALL.replace("seed: 7", "3: red"))
    _, lines = validate(capsys, path)
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}:4: 3: unknown key '3'")


def test_duplicate_key_is_reported(tmp_path, capsys):
    """A key given twice in one mapping is reported at its second occurrence."""
    path = write(tmp_path, SMALL.replace("count: 5,", "count: 5, count: 50,"))
    code, lines = validate(capsys, path)
    assert code == 2 and len(lines) == 1
    assert lines[0].startswith(f"error: {path}:18: moves[0].count: ")


def test_end_before_start_is_reported(tmp_path, capsys):
    """An `end` before `start` is one line at `end:`."""
    path = write(tmp_path, SMALL.replace("end: 2021-12-31", "end: 2019-12-31").split("moves:")[0])
    code, lines = validate(capsys, path)
    assert code == 2 and len(lines) == 1
    assert lines[0].startswith(f"error: {path}:3: end: ") and "2020-01-01" in lines[0]


def test_infinite_number_is_plain(tmp_path, capsys):
    """An infinite count is told it must be a whole number, in the loader's words."""
    path = write(tmp_path, SMALL.replace("count: 5", "count: .inf"))
    _, lines = validate(capsys, path)
    assert lines == [f"error: {path}:18: moves[0].count: must be a whole number (got inf)"]


def test_yaml_merge_key_shares_settings(tmp_path, capsys):
    """`<<: *anchor` merges a mapping, so two sides can share settings."""
    text = SMALL.replace("  A:\n", "  A: &side\n").replace(
        "    name: B mission in A\n    posts:\n"
        "      - {id: capital, name: Embassy, kind: embassy, expat: 30, local: 5}\n",
        "    <<: *side\n    name: B mission in A\n")
    assert validate(capsys, write(tmp_path, text))[0] == 0


def test_lift_listed_before_its_same_day_measure_says_so(tmp_path, capsys):
    """A lift listed above a same-day measure with its id names that later move."""
    path = write(tmp_path, SMALL.replace(
        "moves:\n", "moves:\n  - {date: 2020-06-01, actor: B, move: lift, measure: x}\n").replace(
        "source: test}\n  - {date: 2021", "source: test, id: x}\n  - {date: 2021"))
    _, lines = validate(capsys, path)
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}:18: moves[0].measure: ")
    assert "moves[1]" in lines[0] and "no move before" not in lines[0]


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_shipped_scenarios_validate(capsys, path):
    """Every scenario shipped in scenarios/ validates with exit status 0."""
    assert validate(capsys, path)[0] == 0


def test_validate_reports_every_file_in_one_run(tmp_path, capsys):
    """`parity validate A B` checks both files and reports the problems of each."""
    good = write(tmp_path, SMALL, "good.yaml")
    bad = write(tmp_path, SMALL.replace("count: 5", "count: 0"), "bad.yaml")
    worse = write(tmp_path, "- a list\n", "worse.yaml")
    code = main(["validate", str(bad), str(good), str(worse)])
    out, err = capsys.readouterr()
    assert code == 2 and out == f"{good}: ok\n"
    assert err.splitlines() == [
        f"error: {bad}:18: moves[0].count: must be >= 1 (got 0)",
        f"error: {worse}:1: a scenario must be a mapping of keys (name, start, end, sides, "
        "moves...)"]


POLICY_SIDES = """\
name: x
start: 2020-01-01
end: 2021-01-01
sides:
  A: {{name: A, posts: [{{id: e, name: E, kind: embassy, expat: 40}}], policy: {a}}}
  B: {{name: B, posts: [{{id: e, name: E, kind: embassy, expat: 40}}]}}
"""


def test_a_policy_alias_has_its_policys_keys(tmp_path, capsys):
    """A misspelt key of a policy written by an alias lists that policy's keys."""
    path = write(tmp_path, POLICY_SIDES.format(a="{policy: tit-for-tat, foo: 1}"))
    code, lines = validate(capsys, path)
    assert code == 2 and lines == [f"error: {path}:5: sides.A.policy.foo: unknown key 'foo' "
                                   "(allowed: policy, start, until, lag_days, "
                                   "implementation_error, misperception, answers, "
                                   "answer_responses, answer_by)"]


def test_an_unknown_policy_by_name_alone_is_reported_at_the_policy(tmp_path, capsys):
    """`policy: mirorr` is reported at `sides.A.policy`, with a suggestion."""
    path = write(tmp_path, POLICY_SIDES.format(a="mirorr"))
    _, lines = validate(capsys, path)
    assert lines == [f"error: {path}:5: sides.A.policy: unknown policy 'mirorr' (allowed: "
                     "scripted, mirror, proportional, generous, gradual, escalate, grit, "
                     "package; did you mean 'mirror'?)"]


def test_a_misspelt_alias_is_suggested(tmp_path, capsys):
    """A policy name close to an alias suggests the alias."""
    path = write(tmp_path, POLICY_SIDES.format(a="{policy: tit-for-tatt}"))
    _, lines = validate(capsys, path)
    assert lines[0].endswith("did you mean 'tit-for-tat'?)")


def test_a_talks_weight_beyond_its_bound_is_refused(tmp_path, capsys):
    """A reservation of -800 points of harm (more than any package can be worth) is refused
    with its bound.
    """
    path = write(tmp_path, SMALL + "talks: {every_days: 30, reservation: -800}\n")
    _, lines = validate(capsys, path)
    assert lines == [f"error: {path}:20: talks.reservation: must be >= -100.0 (got -800)"]


def test_a_talks_weight_that_is_not_a_number_is_refused(tmp_path, capsys):
    """A NaN talks weight, which silently meant talks never agree, is refused."""
    path = write(tmp_path, SMALL + "talks: {every_days: 30, recent_weight: .nan}\n")
    _, lines = validate(capsys, path)
    assert lines == [f"error: {path}:20: talks.recent_weight: must be a finite number "
                     "(got nan)"]


#: A float key of each part of a side's schema, and the line setting it to infinity.
INFINITE = {
    "travel_days": "travel_days: .inf",
    "tour_years.high": "tour_years: {high: .inf}",
    "host_visa_policy.processing_days": "host_visa_policy: {processing_days: .inf}",
    "policy.lag_days": "policy: {policy: mirror, lag_days: .inf}",
    "work.reach[0][0]": "work: {reach: [[.inf, 1]]}",
    "consular.patience_days": "consular: {patience_days: .inf}",
    "costs.expat_cost": "costs: {expat_cost: .inf}",
    "planning.assignments_per_month": "planning: {assignments_per_month: .inf}",
}


@pytest.mark.parametrize("key", INFINITE)
def test_an_infinite_value_is_refused_as_not_finite(tmp_path, capsys, key):
    """Infinity in any float key of a side is refused: it must be a finite number."""
    path = write(tmp_path, SMALL.replace("    core_staff: 20",
                                         f"    core_staff: 20\n    {INFINITE[key]}"))
    _, lines = validate(capsys, path)
    assert lines == [f"error: {path}:11: sides.A.{key}: must be a finite number (got inf)"]


def test_an_infinite_consular_rate_is_refused_as_not_finite(tmp_path, capsys):
    """`consular_rate: .inf`, which wrote Infinity into summary.json, is refused."""
    path = write(tmp_path, SMALL.replace("consular_rate: 10", "consular_rate: .inf"))
    _, lines = validate(capsys, path)
    assert lines == [f"error: {path}:12: sides.A.consular_rate: must be a finite number "
                     "(got inf)"]


def test_an_infinite_value_in_a_move_is_refused_as_not_finite(tmp_path, capsys):
    """Infinity in a move's float key is refused: it must be a finite number."""
    path = write(tmp_path, SMALL + "  - {date: 2021-02-01, actor: A, move: travel_radius, "
                                   "km: .inf}\n")
    _, lines = validate(capsys, path)
    assert lines == [f"error: {path}:20: moves[2].km: must be a finite number (got inf)"]


def test_an_end_with_a_time_of_day_is_a_date_message(tmp_path, capsys):
    """`end: 2021-12-31T05:00:00` is told it must be a date, not a crash."""
    path = write(tmp_path, SMALL.replace("end: 2021-12-31", "end: 2021-12-31T05:00:00"))
    _, lines = validate(capsys, path)
    assert lines == [f"error: {path}:3: end: must be a date as YYYY-MM-DD "
                     "(got 2021-12-31T05:00:00)"]


def test_a_start_with_a_time_of_day_still_has_the_moves_checked(tmp_path, capsys):
    """With a time of day on `start:`, a move's unknown side is still reported, by its day."""
    path = write(tmp_path, SMALL.replace("start: 2020-01-01", "start: 2020-01-01T05:00:00")
                 .replace("actor: B, move: expel", "actor: C, move: expel"))
    _, lines = validate(capsys, path)
    assert lines == [f"error: {path}:2: start: must be a date as YYYY-MM-DD "
                     "(got 2020-01-01T05:00:00)",
                     f"error: {path}:18: moves[0].actor: unknown side 'C' (allowed: A, B)"]


def test_an_escalating_side_without_instruments_is_refused(tmp_path, capsys):
    """`escalate` with `instruments: []`, which crashed a run, needs at least one."""
    post = "      - {id: capital, name: Embassy, kind: embassy, expat: 30, local: 5}"
    path = write(tmp_path, SMALL.replace(
        post, f"{post}\n    policy: {{policy: escalate, instruments: []}}"))
    _, lines = validate(capsys, path)
    assert lines == [f"error: {path}:17: sides.B.policy.instruments: needs at least one "
                     "instrument"]


def test_a_long_list_of_choices_is_cut_and_counted(tmp_path, capsys):
    """An unknown post among 100 lists the first ids, up to 200 characters, and counts the rest."""
    post = "      - {id: capital, name: Embassy, kind: embassy, expat: 30, local: 5}"
    more = "".join(f"\n      - {{id: post{i}, name: P, kind: consulate, expat: 1}}"
                   for i in range(99))
    path = write(tmp_path, SMALL.replace(post, post + more) + "  - {date: 2021-02-01, "
                 "actor: A, move: close_post, post: nowhere}\n")
    _, lines = validate(capsys, path)
    listed = ", ".join(["capital", *(f"post{i}" for i in range(25))])
    assert lines == [f"error: {path}:119: moves[2].post: B has no post 'nowhere' (allowed: "
                     f"{listed} and 74 more)"]


@pytest.mark.parametrize("text, message", [
    ("talks: {sides: {UK: {demands: [visas]}}}\n",
     "20: talks.sides.UK: no side 'UK' (allowed: A, B)"),
    ("talks: {rounds: [{date: 2021-01-01, proposal: {by: FR, package: all}}]}\n",
     "20: talks.rounds[0].proposal.by: no side 'FR' (allowed: A, B)"),
    ("shocks: [{date: 2030-01-01, name: later}]\n",
     "20: shocks[0].date: 2030-01-01 is outside the scenario (allowed: 2020-01-01 to "
     "2021-12-31)"),
    ("shocks: [{date: 2021-01-01, name: p, priorities: {DE: {cost: 2}}}]\n",
     "20: shocks[0].priorities.DE: no side 'DE' (allowed: A, B)"),
])
def test_talks_and_shocks_name_the_scenarios_sides(tmp_path, capsys, text, message):
    """A side the talks or a shock names must be one of the scenario's two; a shock falls
    within the scenario.
    """
    path = write(tmp_path, SMALL + text)
    _, lines = validate(capsys, path)
    assert lines == [f"error: {path}:{message}"]


def test_a_veto_cleared_outside_the_scenario_is_refused(tmp_path, capsys):
    """A veto cleared before the start would never have held, after the end never clears:
    both are mistakes, and the message says how to write a veto never cleared.
    """
    text = ("talks: {sides: {A: {vetoes: [{irritant: visas, cleared: 2030-01-01}]}}}\n")
    path = write(tmp_path, SMALL + text)
    _, lines = validate(capsys, path)
    assert lines == [f"error: {path}:20: talks.sides.A.vetoes[0].cleared: 2030-01-01 is outside "
                     "the scenario (allowed: 2020-01-01 to 2021-12-31; leave it out for a veto "
                     "never cleared)"]


def test_an_empty_proposal_is_refused(tmp_path, capsys):
    """A proposal of nothing is a mistake, not a round."""
    path = write(tmp_path, SMALL + "talks: {rounds: [{date: 2021-01-01, proposal: "
                                   "{by: A, package: []}}]}\n")
    code, lines = validate(capsys, path)
    assert code == 2 and len(lines) == 1
    assert "talks.rounds[0].proposal.package" in lines[0]
