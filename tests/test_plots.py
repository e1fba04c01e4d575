"""Tests for sim.plots: figures come from run files alone, show them and are reproducible."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.image import imread

from sim.compare import load_runs
from sim.overlays import compare_figures
from sim.plots import build_figures, make_figures, plot_consular_service
from sim.results import Timeseries, read_events, read_summary, read_timeseries

SIDES = ("A", "B")
NAMES = {"A": "A mission in B", "B": "B mission in A"}
WEEKS = 20
START = np.datetime64("2021-01-04", "D")
#: Weeks in which side A's consular section held no interviews (its wait is empty).
NO_INTERVIEWS = range(12, 16)
FIGURES = (
    "staff.png",
    "visa_queue.png",
    "consular_output.png",
    "restrictions.png",
    "tension.png",
    "consular_service.png",
    "work_capacity.png",
    "cost_per_head.png",
    "parity.png",
)
NEW_FIGURES = FIGURES[5:]


def _write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    """Write a CSV the way a run would, so the readers see realistic input."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _timeseries_rows() -> list[list[object]]:
    """Build weekly rows for two sides plus the joint series.

    Side A has a visa queue (a backlog, applicants going elsewhere and a wait,
    empty while no interviews are held); side B serves its applicants as they
    come.
    """
    rows: list[list[object]] = []
    for week in range(WEEKS):
        day = str(START + 7 * week)
        totals = []
        for k, side in enumerate(SIDES):
            expat = 100 - 3 * week * (k + 1)
            local = 50 - week
            totals.append(expat + local)
            radius = "" if week < 8 else 25 + k
            queued = side == "A"
            wait = "" if queued and week in NO_INTERVIEWS else (12 * week if queued else 0)
            rows += [
                [day, side, "staff_total", expat + local],
                [day, side, "staff_expat", expat],
                [day, side, "staff_local", local],
                [day, side, "posts_open", 3 if week < 10 else 2],
                [day, side, "visa_queue", 10 * week + k],
                [day, side, "visas_issued", 40 - week],
                [day, side, "visas_denied", week % 3],
                [day, side, "restrictions_in_force", min(week // 4, 4)],
                [day, side, "travel_radius_km", radius],
                [day, side, "consular_output", 160 - 4 * week],
                [day, side, "visas_granted_year", 30 - week + 5 * k],
                [day, side, "visa_wait_days", wait],
                [day, side, "visa_backlog", 25 * week if queued else 0],
                [day, side, "visas_elsewhere", 6 * week if queued else 0],
                [day, side, "work_capacity", 2000 - 40 * week * (k + 1)],
                [day, side, "cost_per_head", 150 + 2 * week + 60 * k],
            ]
        rows += [
            [day, "both", "tension", round(0.1 + 0.04 * week, 3)],
            [day, "both", "staff_gap", totals[0] - totals[1]],
            [day, "both", "staff_ratio", round(totals[0] / totals[1], 6)],
            [day, "both", "visa_reciprocity", "" if week == 0 else round(0.5 + 0.05 * week, 3)],
        ]
    return rows


def _make_run(run_dir: Path) -> Path:
    """Write a tiny synthetic run directory with sides A and B."""
    run_dir.mkdir(parents=True, exist_ok=True)
    _write_csv(run_dir / "timeseries.csv", ["date", "side", "metric", "value"], _timeseries_rows())
    events = [
        ["2021-01-18", "A", "B", "statement", "threat: warns of a response", "scenario",
         "script"],
        ["2021-01-25", "A", "B", "expel", "count=12 notice_days=7", "scenario", "script"],
        ["2021-02-01", "B", "A", "expel", "count=12 notice_days=7; answers a-expel; tit for tat",
         "policy", "tit_for_tat"],
        ["2021-02-15", "B", "A", "close_post", "post=consulate_2 notice_days=2", "policy",
         "escalate"],
        ["2021-02-20", "A", "A", "suspend_consular", "", "scenario", "script"],
        ["2021-03-01", "A", "B", "staff_cap", "ceiling=120 notice_days=30", "scenario", "script"],
        ["2021-03-08", "A", "B", "local_hire_ban", "notice_days=30", "policy", "tit_for_tat"],
        ["2021-03-08", "A", "B", "seize_property", "property=dacha", "scenario", "script"],
    ]
    _write_csv(
        run_dir / "events.csv",
        ["date", "actor", "target", "move", "detail", "source", "origin"],
        events,
    )
    measures = [
        ["m1", "B", "A", "close_post", "restriction", "2021-02-15", "2021-04-05",
         "post=consulate_2 notice_days=2"],
        ["m2", "A", "A", "suspend_consular", "own", "2021-02-20", "", ""],
        ["m3", "A", "B", "staff_cap", "restriction", "2021-03-01", "",
         "ceiling=120 notice_days=30"],
    ]
    _write_csv(
        run_dir / "measures.csv",
        ["id", "actor", "target", "move", "kind", "start", "end", "detail"],
        measures,
    )
    summary = {
        "scenario": "synthetic",
        "start": str(START),
        "end": str(START + 7 * (WEEKS - 1)),
        "sides": {side: {"name": name} for side, name in NAMES.items()},
    }
    (run_dir / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    return run_dir


def test_make_figures_writes_nine_pngs(tmp_path: Path) -> None:
    """make_figures writes the nine named PNGs into run_dir/figures by default."""
    run_dir = _make_run(tmp_path / "run")
    paths = make_figures(run_dir)
    assert [p.name for p in paths] == list(FIGURES)
    for path in paths:
        assert path.parent == run_dir / "figures"
        assert path.read_bytes().startswith(b"\x89PNG")


def test_make_figures_is_byte_identical_on_rerun(tmp_path: Path) -> None:
    """The same run plotted twice gives byte-identical PNGs."""
    run_dir = _make_run(tmp_path / "run")
    first = [p.read_bytes() for p in make_figures(run_dir, tmp_path / "one")]
    second = [p.read_bytes() for p in make_figures(run_dir, tmp_path / "two")]
    assert first == second


def test_read_timeseries_shapes_and_nan(tmp_path: Path) -> None:
    """read_timeseries keys by (side, metric), sorts dates and reads empty values as NaN."""
    run_dir = _make_run(tmp_path / "run")
    series = read_timeseries(run_dir / "timeseries.csv")
    assert {side for side, _ in series} == {"A", "B", "both"}
    dates, values = series[("B", "travel_radius_km")]
    assert dates.dtype == np.dtype("datetime64[D]")
    assert values.dtype == np.float64
    assert dates.shape == values.shape == (WEEKS,)
    assert np.all(np.diff(dates) == np.timedelta64(7, "D"))
    assert np.isnan(values[:8]).all()
    assert not np.isnan(values[8:]).any()
    assert series[("both", "tension")][1].shape == (WEEKS,)


def test_read_events_keeps_rows_in_order(tmp_path: Path) -> None:
    """read_events returns every row, statements included, in file order."""
    run_dir = _make_run(tmp_path / "run")
    events = read_events(run_dir / "events.csv")
    assert [e["move"] for e in events][:2] == ["statement", "expel"]
    assert len(events) == 8


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One synthetic run shared by the figure content tests."""
    return _make_run(tmp_path_factory.mktemp("plots") / "run")


@pytest.fixture(scope="module")
def figures(run_dir: Path) -> dict[str, Figure]:
    """The run's figures as built, before saving."""
    return build_figures(run_dir)


@pytest.fixture(scope="module")
def series(run_dir: Path) -> Timeseries:
    """The run's timeseries as the figures read it."""
    return read_timeseries(run_dir / "timeseries.csv")


def _panels(fig: Figure) -> list[Axes]:
    """A figure's panels from top to bottom."""
    return list(fig.axes)


def _legend(ax: Axes) -> list[str]:
    """The entries of a panel's legend, in order."""
    legend = ax.get_legend()
    return [text.get_text() for text in legend.get_texts()] if legend else []


def _line(ax: Axes, label: str) -> tuple[np.ndarray, np.ndarray]:
    """The x and y data of the panel's one line with that legend label."""
    (line,) = [line for line in ax.get_lines() if line.get_label() == label]
    return np.asarray(line.get_xdata()), np.asarray(line.get_ydata(), dtype=float)


def _assert_plots(ax: Axes, label: str, series: Timeseries, key: tuple[str, str]) -> None:
    """Assert the labelled line draws exactly the run's series, gaps included."""
    dates, values = _line(ax, label)
    np.testing.assert_array_equal(dates, series[key][0])
    np.testing.assert_array_equal(values, series[key][1])


def test_build_figures_returns_one_figure_per_file_name_in_order(figures):
    """build_figures gives a matplotlib Figure for each PNG make_figures writes, in its order."""
    assert list(figures) == list(FIGURES)
    assert all(isinstance(fig, Figure) for fig in figures.values())


def test_consular_service_titles_and_axes_name_what_and_units(figures):
    """The consular service figure names the scenario and puts units on both panels."""
    fig = figures["consular_service.png"]
    top, bottom = _panels(fig)
    assert fig.get_suptitle() == "synthetic: visa service to host nationals"
    assert "third country" in top.get_title()
    assert top.get_ylabel() == "applicants (per month)"
    assert "wait for a visa interview" in bottom.get_title().lower()
    assert bottom.get_ylabel() == "wait for a visa interview (days)"


def test_consular_service_shows_a_queue_in_full_and_only_visas_without_one(figures):
    """A side with a queue gets visas issued, applicants elsewhere and a wait; B only visas."""
    top, bottom = _panels(figures["consular_service.png"])
    assert _legend(top) == [
        "A mission in B: visas issued",
        "A mission in B: applied in a third country",
        "B mission in A: visas issued",
    ]
    assert len(top.get_lines()) == 3
    assert [line.get_label() for line in bottom.get_lines()] == ["A mission in B"]


def test_consular_service_lines_are_the_timeseries_values(figures, series):
    """Each consular service line plots the run's own samples of its metric."""
    top, bottom = _panels(figures["consular_service.png"])
    _assert_plots(top, "A mission in B: visas issued", series, ("A", "consular_output"))
    _assert_plots(top, "A mission in B: applied in a third country", series,
                  ("A", "visas_elsewhere"))
    _assert_plots(top, "B mission in A: visas issued", series, ("B", "consular_output"))
    _assert_plots(bottom, "A mission in B", series, ("A", "visa_wait_days"))


def test_consular_service_shows_weeks_without_interviews_as_a_marked_gap(figures):
    """Weeks with no interviews are gaps in the wait line, shaded and noted in words."""
    bottom = _panels(figures["consular_service.png"])[1]
    _, values = _line(bottom, "A mission in B")
    assert np.flatnonzero(np.isnan(values)).tolist() == list(NO_INTERVIEWS)
    assert "A mission in B: no interviews held" in _legend(bottom)
    (shade,) = bottom.patches
    first, after = START + 7 * NO_INTERVIEWS[0], START + 7 * (NO_INTERVIEWS[-1] + 1)
    assert shade.get_x() == first.astype(int)
    assert shade.get_width() == (after - first).astype(int)
    assert "no interviews" in [text.get_text() for text in bottom.texts]


def test_consular_service_leaves_out_a_side_without_consular_work(run_dir, series):
    """A side that issues no visas and has no queue is not drawn at all."""
    quiet = dict(series)
    dates, values = series[("B", "consular_output")]
    quiet[("B", "consular_output")] = (dates, np.zeros_like(values))
    top, _ = _panels(plot_consular_service(quiet, read_summary(run_dir / "summary.json")))
    assert not any(label.startswith("B mission in A") for label in _legend(top))
    assert len(top.get_lines()) == 2


def test_consular_service_says_so_when_no_side_has_a_queue(run_dir, series):
    """Without any queue the wait panel carries a note instead of being left blank."""
    calm = {key: value for key, value in series.items()
            if key[1] not in ("visa_backlog", "visas_elsewhere")}
    _, bottom = _panels(plot_consular_service(calm, read_summary(run_dir / "summary.json")))
    assert not bottom.get_lines()
    assert any("No visa queue" in text.get_text() for text in bottom.texts)


@pytest.mark.parametrize(
    ("name", "title", "ylabel"),
    [
        ("work_capacity.png",
         "synthetic: work capacity (diplomat-days a month for the mission's work)",
         "work capacity (diplomat-days a month)"),
        ("cost_per_head.png", "synthetic: running cost per member of staff",
         "running cost per member of staff (thousand USD a year)"),
    ],
)
def test_mission_figure_names_the_scenario_and_the_unit(figures, name, title, ylabel):
    """Work capacity and cost per head carry the scenario in the title and the unit on y."""
    fig = figures[name]
    (ax,) = _panels(fig)
    assert fig.get_suptitle() == title
    assert ax.get_ylabel() == ylabel


@pytest.mark.parametrize(("name", "metric"), [("work_capacity.png", "work_capacity"),
                                              ("cost_per_head.png", "cost_per_head")])
def test_mission_figure_draws_each_mission_named_from_the_summary(figures, series, name, metric):
    """Work capacity and cost per head draw one line per mission, legended by its name."""
    (ax,) = _panels(figures[name])
    assert _legend(ax) == [NAMES["A"], NAMES["B"]]
    assert len(ax.get_lines()) == 2
    for side in SIDES:
        _assert_plots(ax, NAMES[side], series, (side, metric))


def test_parity_titles_and_axes_name_what_and_units(figures):
    """The parity figure names the scenario and says what each panel measures, with units."""
    fig = figures["parity.png"]
    top, bottom = _panels(fig)
    assert fig.get_suptitle() == "synthetic: parity between the missions"
    assert top.get_ylabel() == "difference in staff (people)"
    assert "365 days" in bottom.get_title()
    assert bottom.get_ylabel() == "ratio of visas granted (1 = parity)"


def test_parity_draws_the_staff_gap_and_the_visa_ratio_against_parity_lines(figures, series):
    """Staff gap and visa reciprocity are drawn as written, each with a reference line at parity."""
    top, bottom = _panels(figures["parity.png"])
    gap = f"{NAMES['A']} minus {NAMES['B']}"
    ratio = f"visas to staff of {NAMES['A']} / to staff of {NAMES['B']}"
    assert _legend(top) == [gap, "equal staff"]
    assert _legend(bottom) == [ratio, "parity (1)"]
    assert len(top.get_lines()) == len(bottom.get_lines()) == 2
    _assert_plots(top, gap, series, ("both", "staff_gap"))
    _assert_plots(bottom, ratio, series, ("both", "visa_reciprocity"))
    assert set(_line(top, "equal staff")[1]) == {0.0}
    assert set(_line(bottom, "parity (1)")[1]) == {1.0}


@pytest.mark.parametrize("name", NEW_FIGURES)
def test_new_figure_png_shows_the_colour_of_every_line(run_dir, figures, tmp_path, name):
    """Each new figure's PNG is not blank: it holds the colour of each line the figure draws."""
    (path,) = [p for p in make_figures(run_dir, tmp_path) if p.name == name]
    pixels = np.round(imread(path)[..., :3].reshape(-1, 3) * 255)
    colours = np.unique(pixels, axis=0)
    assert len(colours) > 1
    drawn = {to_rgb(line.get_color()) for ax in figures[name].axes for line in ax.get_lines()}
    assert drawn
    for colour in drawn:
        assert (np.abs(colours - np.array(colour) * 255).max(axis=1) <= 1).any(), colour


def test_overlays_draw_the_interview_wait_only_for_sides_with_a_queue(tmp_path):
    """Compare overlays draw visa_wait_days for A, which has a queue, and not for B."""
    runs = load_runs([_make_run(tmp_path / "one"), _make_run(tmp_path / "two")])
    names = {path.name for path in compare_figures(runs, tmp_path / "cmp")}
    assert "visa_wait_days-A.png" in names
    assert "visa_wait_days-B.png" not in names
    assert {"work_capacity-B.png", "cost_per_head-B.png"} <= names


def test_restrictions_figure_draws_at_most_sixty_bars():
    """Thousands of measures give a readable figure: the 60 in force longest, and a note of
    how many more were left out.
    """
    import numpy as np

    from sim.plots import MAX_BARS, plot_restrictions

    measures = [{"id": f"m{i}", "actor": "A", "target": "B", "move": "expel", "kind": "restriction",
                 "start": f"2020-{1 + i % 12:02d}-01", "end": "" if i < 5 else "2021-01-01",
                 "detail": "count=1"} for i in range(500)]
    summary = {"start": "2020-01-01", "end": "2021-12-31", "sides": {"A": {}, "B": {}}}
    series = {("A", "staff_total"): (np.array(["2020-01-01"], dtype="datetime64[D]"),
                                     np.array([1.0]))}
    fig = plot_restrictions(measures, series, summary)
    ax = fig.axes[0]
    assert len(ax.patches) == MAX_BARS == 60
    assert any(t.get_text() == "and 440 shorter measures not drawn" for t in fig.texts)
    assert fig.get_size_inches()[1] < 20


# --- the staff figure's key of moves -----------------------------------------------------


def _key(fig: Figure) -> list[str]:
    """The entries of the key below the staff figure, in order."""
    (key,) = fig.legends
    return [text.get_text() for text in key.get_texts()]


def _numbers(fig: Figure) -> list[str]:
    """The numbers drawn in the markers above the staff panel, in date order."""
    strip = _panels(fig)[0]
    return [text.get_text() for text in strip.texts]


def test_staff_key_lists_each_key_move_by_number_date_and_words(figures):
    """The key has one line per numbered move, from events.csv: number, date, actor and
    what it did in words; the non-key moves are summed up as ticks by kind.
    """
    assert _key(figures["staff.png"]) == [
        "1  2021-01-25  A: Expulsion of 12 staff",
        "2  2021-02-01  B: Expulsion of 12 staff",
        "3  2021-02-15  B: Closure of the post in Consulate 2",
        "4  2021-03-01  A: Ceiling of 120 staff",
        "5  2021-03-08  A: Ban on employing local staff",
        "ticks: 2 other moves (visa services stopped, property seizures)",
    ]


def test_staff_markers_carry_the_keys_numbers(figures):
    """Each numbered marker above the staff panel is a number of the key, once each."""
    assert _numbers(figures["staff.png"]) == ["1", "2", "3", "4", "5"]


def test_staff_key_explains_colours_and_what_is_left_out(figures):
    """The key's title says the colours are the side that moved and statements are left out."""
    (key,) = figures["staff.png"].legends
    title = key.get_title().get_text()
    assert "coloured by the side that made them" in title
    assert "statements left out" in title


def test_staff_legend_names_each_mission_and_its_kinds_of_staff(figures):
    """The staff panel's legend names the missions from the summary, not side ids."""
    assert _legend(_panels(figures["staff.png"])[1]) == [
        "A mission in B: all staff", "A mission in B: expatriates",
        "A mission in B: local employees", "B mission in A: all staff",
        "B mission in A: expatriates", "B mission in A: local employees"]


def _expulsions(count: int, every: int = 1) -> list[dict[str, str]]:
    """Expulsions by alternating sides, ``every`` days apart from the synthetic run's start."""
    return [{"date": str(START + every * n), "actor": SIDES[n % 2], "target": SIDES[1 - n % 2],
             "move": "expel", "detail": f"count={n + 1} notice_days=7"} for n in range(count)]


def test_staff_key_gives_a_side_one_number_for_moves_days_apart(run_dir, series):
    """With more days of key moves than numbers, a side's moves a few days apart share
    one, with their first and last day, counted by kind.
    """
    from sim.plots import MAX_NUMBERED, plot_staff

    fig = plot_staff(series, _expulsions(MAX_NUMBERED + 6),
                     read_summary(run_dir / "summary.json"))
    last_a, last_b = START + MAX_NUMBERED + 4, START + MAX_NUMBERED + 5
    assert _key(fig) == [f"1  {START} to {last_a}  A: 15 expulsions",
                         f"2  {START + 1} to {last_b}  B: 15 expulsions"]


def test_staff_key_past_its_numbers_counts_the_later_moves_as_ticks(run_dir, series):
    """Key moves too far apart to share a number, and too many to number, end as ticks
    past the last number, and the key says how many.
    """
    from sim.plots import MAX_NUMBERED, WINDOWS, plot_staff

    summary = {**read_summary(run_dir / "summary.json"), "end": "2099-12-31"}
    fig = plot_staff(series, _expulsions(MAX_NUMBERED + 6, every=WINDOWS[-1] // 2 + 1),
                     summary)
    assert _numbers(fig) == [str(n) for n in range(1, MAX_NUMBERED + 1)]
    assert _key(fig)[-1] == ("ticks: 6 other moves (expulsions), 6 of them key moves past "
                             f"number {MAX_NUMBERED}")


def test_staff_markers_of_moves_on_consecutive_days_do_not_touch(run_dir, series):
    """Markers of moves a day apart are stacked in lanes, never drawn over each other."""
    from sim.plots import MARKER_PT, plot_staff
    from tests.figures import drawn

    fig = plot_staff(series, _expulsions(12), read_summary(run_dir / "summary.json"))
    drawn(fig)
    strip = _panels(fig)[0]
    centres = np.array([strip.transData.transform((line.get_xdata()[0], line.get_ydata()[0]))
                        for line in strip.get_lines() if line.get_marker() == "o"])
    apart = np.linalg.norm(centres[:, None] - centres[None], axis=-1)
    np.fill_diagonal(apart, np.inf)
    assert len(centres) == 12
    assert apart.min() >= MARKER_PT * fig.dpi / 72


# --- the other run figures name the missions ------------------------------------------


def test_visa_queue_legend_says_who_refuses_whose_staff(figures):
    """Refused visas are each mission's staff, refused by the other side."""
    _, bottom = _panels(figures["visa_queue.png"])
    assert _legend(bottom) == ["A mission in B: staff refused visas (by B)",
                               "B mission in A: staff refused visas (by A)"]


def test_consular_output_legend_names_the_missions(figures):
    """Consular output is named by mission, not by side id."""
    (ax,) = _panels(figures["consular_output.png"])
    assert _legend(ax) == [NAMES["A"], NAMES["B"]]


def test_tension_figure_counts_restrictions_on_each_named_mission(figures):
    """The restrictions panel says which mission the restrictions are on."""
    _, bottom = _panels(figures["tension.png"])
    assert _legend(bottom) == [f"on the {NAMES['A']}", f"on the {NAMES['B']}"]


def test_restrictions_rows_are_in_words_under_the_mission_they_restrict(figures):
    """Each bar is labelled by what the measure does, under a heading naming its mission."""
    (ax,) = _panels(figures["restrictions.png"])
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "On the A mission in B",
        "Closure of the post in Consulate 2",
        "Visa services for the public stopped",
        "On the B mission in A",
        "Ceiling of 120 staff",
    ]


def test_restrictions_legend_explains_colours_and_hatching(figures):
    """The legend names the mission each colour stands for and says what hatching means."""
    (ax,) = _panels(figures["restrictions.png"])
    assert _legend(ax) == ["On the A mission in B", "On the B mission in A",
                           "hatched: by a side on its own mission (e.g. closing its own post)"]


def test_restrictions_hatch_only_a_sides_measures_on_its_own_mission(figures):
    """Of the three measures only the one A took on its own mission is hatched."""
    (ax,) = _panels(figures["restrictions.png"])
    assert [bool(bar.get_hatch()) for bar in ax.patches] == [False, True, False]
