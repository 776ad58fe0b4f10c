"""The site's charts (present/charts.py): valid, accessible SVG that is the same every time.

The glyphs are drawn as paths, so the words of a chart are not in the SVG as text: what a
chart says is checked in its ``<desc>``, and its drawing by the bars' coordinates.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from thidua.present import charts

ROOT = Path(__file__).resolve().parent.parent
NS = "{http://www.w3.org/2000/svg}"
D = Decimal

GROUPS = ["Nhóm I", "Nhóm II", "Nhóm III", "Nhóm IV"]
UNITS = ["NHNN tỉnh Hòa Bình", "Kho bạc Nhà nước", "Chi cục Hải quan"]
VALUES = [
    [D(49), D(28), D(19), D(10)],
    [D(41), D("25.5"), D(18), D(0)],
    [D("31.75"), D("20.5"), D("16.5"), D(-1)],
]


def parse(svg: str) -> ET.Element:
    """The SVG as XML: one document, no prolog, ``<title>`` then ``<desc>`` first."""
    assert svg.startswith("<svg ")
    root = ET.fromstring(svg)
    assert root.tag == NS + "svg"
    assert root.get("role") == "img"
    assert [child.tag for child in root[:2]] == [NS + "title", NS + "desc"]
    return root


def title_desc(svg: str) -> tuple[str | None, str | None]:
    root = parse(svg)
    return root[0].text, root[1].text


def bars(svg: str, fill: str) -> list[tuple[float, float]]:
    """(left, right) of each bar drawn in the plot (clipped) with ``fill`` (``url`` for hatches)."""
    found = []
    for path in parse(svg).iter(NS + "path"):
        if path.get("clip-path") and (path.get("fill") or "").startswith(fill):
            xs = [float(x) for x in re.findall(r"[ML] (-?[\d.]+) ", path.get("d", ""))]
            found.append((min(xs), max(xs)))
    return found


def legend_keys(svg: str, fill: str) -> int:
    """Patches with ``fill`` outside the plot: the keys of the legend."""
    return sum(
        1
        for path in parse(svg).iter(NS + "path")
        if not path.get("clip-path") and (path.get("fill") or "").startswith(fill)
    )


# --- what each chart says and draws ---------------------------------------------------------


def test_stacked_totals_says_every_figure_in_words() -> None:
    svg = charts.stacked_totals(UNITS, GROUPS, VALUES, title="Tổng điểm năm 2020")
    assert title_desc(svg) == (
        "Tổng điểm năm 2020",
        "Tổng điểm của từng đơn vị, chia theo nhóm tiêu chí."
        " NHNN tỉnh Hòa Bình: 106 điểm (Nhóm I: 49; Nhóm II: 28; Nhóm III: 19; Nhóm IV: 10)."
        " Kho bạc Nhà nước: 84,5 điểm (Nhóm I: 41; Nhóm II: 25,5; Nhóm III: 18; Nhóm IV: 0)."
        " Chi cục Hải quan: 67,75 điểm"
        " (Nhóm I: 31,75; Nhóm II: 20,5; Nhóm III: 16,5; Nhóm IV: -1).",
    )


def test_stacked_totals_draws_a_deduction_left_of_zero() -> None:
    svg = charts.stacked_totals(["A"], ["Điểm", "Điểm trừ"], [[D(10), D(-2)]], title="t")
    [(zero, ten)] = bars(svg, "#404040")  # the first group: dark grey, from 0 to 10
    [(left, right)] = bars(svg, "url(")  # the second: hatched
    assert right == pytest.approx(zero, abs=0.01)
    assert (right - left) / (ten - zero) == pytest.approx(0.2, abs=0.001)


def test_stacked_totals_stacks_groups_in_order_first_unit_at_the_top() -> None:
    svg = charts.stacked_totals(["A", "B"], ["I", "II"], [[D(3), D(1)], [D(1), D(1)]], title="t")
    first = bars(svg, "#404040")
    second = bars(svg, "url(")
    (a_left, a_right), (b_left, b_right) = first
    assert (a_right - a_left) / (b_right - b_left) == pytest.approx(3, rel=0.001)
    assert [left for left, _ in second] == pytest.approx([r for _, r in first], abs=0.01)
    tops = [
        float(re.findall(r"[ML] [\d.]+ ([\d.]+)", p.get("d", ""))[0])
        for p in parse(svg).iter(NS + "path")
        if p.get("fill") == "#404040" and p.get("clip-path")
    ]
    assert tops[0] < tops[1]  # SVG y grows downwards: A above B


def test_ballot_bars_with_a_threshold() -> None:
    svg = charts.ballot_bars(["Cục Thuế", "Cục Thống kê"], [1234, 0], title="Phiếu", threshold=4)
    assert title_desc(svg) == (
        "Phiếu",
        "Số phiếu của từng lựa chọn. Cục Thuế: 1.234 phiếu. Cục Thống kê: 0 phiếu."
        " Ngưỡng (đường đứt nét): 4 phiếu.",
    )
    assert any(p.get("stroke-dasharray") for p in parse(svg).iter(NS + "path"))


def test_ballot_bars_without_a_threshold_draw_no_dashed_line() -> None:
    svg = charts.ballot_bars(["Cục Thuế"], [6], title="Phiếu")
    assert title_desc(svg)[1] == "Số phiếu của từng lựa chọn. Cục Thuế: 6 phiếu."
    assert not any(p.get("stroke-dasharray") for p in parse(svg).iter(NS + "path"))
    assert len(bars(svg, "#b0b0b0")) == 1


def test_ballot_bars_of_a_ranked_ballot_count_borda_points() -> None:
    svg = charts.ballot_bars(["Cục Thuế"], [12], title="Phiếu", unit="điểm Borda")
    assert title_desc(svg)[1] == "Số điểm Borda của từng lựa chọn. Cục Thuế: 12 điểm Borda."


def test_unit_vs_cluster_names_over_whom_the_average_is_taken() -> None:
    """While some units have no score, the average is theirs only, and the chart says so
    (legend and description) as the page's table does."""
    common = (["Nhóm I"], [D(10)], [D(20)], [D(15)])
    partial = charts.unit_vs_cluster(
        *common, unit_label="Sở Y tế", title="T", average_label="Trung bình các đơn vị đã chấm"
    )
    whole = charts.unit_vs_cluster(*common, unit_label="Sở Y tế", title="T")
    assert title_desc(partial)[1] == (
        "Điểm từng nhóm tiêu chí của Sở Y tế, so với điểm cao nhất Khối và điểm trung bình các"
        " đơn vị đã chấm. Nhóm I: Sở Y tế 10, cao nhất 20, trung bình các đơn vị đã chấm 15."
    )
    # The legend's words are drawn as glyphs: a longer label draws more of them.
    assert partial.count("<use ") > whole.count("<use ")


def test_unit_vs_cluster_says_and_draws_three_bars_a_group() -> None:
    svg = charts.unit_vs_cluster(
        ["Nhóm I", "Điểm trừ"],
        [D("31.75"), D(-1)],
        [D(49), D(0)],
        [D("38.8214"), D("-0.25")],
        unit_label="Chi cục Hải quan",
        title="So với Khối",
    )
    assert title_desc(svg) == (
        "So với Khối",
        "Điểm từng nhóm tiêu chí của Chi cục Hải quan, so với điểm cao nhất Khối và điểm trung"
        " bình Khối. Nhóm I: Chi cục Hải quan 31,75, cao nhất 49, trung bình Khối ≈38,82."
        " Điểm trừ: Chi cục Hải quan -1, cao nhất 0, trung bình Khối -0,25.",
    )
    unit, average = bars(svg, "#404040"), bars(svg, "#b0b0b0")
    assert len(unit) == len(average) == 2
    (zero, _), (left, right) = unit
    assert right == pytest.approx(zero, abs=0.01)  # -1 is drawn left of 0
    assert left < right
    assert legend_keys(svg, "#404040") == 1


def test_history_lines_a_unit_without_rank_in_a_year() -> None:
    svg = charts.history_lines(
        [2019, 2020, 2021],
        {"Cục Thuế": [4, None, 2], "Cục Thống kê": [None, None, None]},
        title="Hạng qua các năm",
    )
    assert title_desc(svg) == (
        "Hạng qua các năm",
        "Hạng của từng đơn vị qua các năm (hạng 1 là cao nhất)."
        " Cục Thuế: năm 2019 hạng 4, năm 2020 không có hạng, năm 2021 hạng 2."
        " Cục Thống kê: năm 2019 không có hạng, năm 2020 không có hạng, năm 2021 không có hạng.",
    )


def test_history_lines_put_rank_one_at_the_top() -> None:
    svg = charts.history_lines([2020, 2021], {"A": [1, 3]}, title="t")
    [line] = [
        p
        for p in parse(svg).iter(NS + "path")
        if p.get("stroke") == "#000000" and p.get("clip-path")
    ]
    ys = [float(y) for y in re.findall(r"[ML] [\d.]+ ([\d.]+)", line.get("d", ""))]
    assert ys[0] < ys[1]  # rank 1 above rank 3


@pytest.mark.parametrize(
    "draw",
    [
        lambda: charts.stacked_totals([], [], [], title="Trống"),
        lambda: charts.stacked_totals(["A"], [], [[]], title="Trống"),
        lambda: charts.ballot_bars([], [], title="Trống", threshold=3),
        lambda: charts.unit_vs_cluster([], [], [], [], unit_label="A", title="Trống"),
        lambda: charts.history_lines([], {}, title="Trống"),
        lambda: charts.history_lines([2020], {"A": [None]}, title="Trống"),
    ],
)
def test_no_data_is_a_chart_that_says_so(draw: object) -> None:
    assert callable(draw)
    svg = draw()
    assert title_desc(svg) == ("Trống", "Chưa có số liệu.")


def test_values_that_do_not_match_the_labels_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match=r"^values must be 1 rows of 2 groups$"):
        charts.stacked_totals(["A"], ["I", "II"], [[D(1)]], title="t")
    with pytest.raises(ValueError, match=r"^A: 1 ranks for 2 years$"):
        charts.history_lines([2020, 2021], {"A": [1]}, title="t")


# --- laid out around what is written ---------------------------------------------------------

XLINK = "{http://www.w3.org/1999/xlink}href"
TEXT_GROUP = re.compile(
    r"translate\((-?[\d.]+) (-?[\d.]+)\)(?: rotate\((-?[\d.]+)\))? scale\(([\d.]+) -[\d.]+\)"
)


def ink(svg: str) -> list[tuple[str, float, float, float, float]]:
    """Each line of text drawn: (its words, left, top, right, bottom of its glyphs), in points.

    matplotlib writes a line as a comment with its words, then a group placing glyph outlines
    (defined once, in 1/64 units) at their advances.
    """
    root = ET.fromstring(svg, ET.XMLParser(target=ET.TreeBuilder(insert_comments=True)))
    outline: dict[str, tuple[float, float, float, float]] = {}
    for path in root.iter(NS + "path"):
        if path.get("id") and path.get("transform") == "scale(0.015625)":
            numbers = [float(n) / 64 for n in re.findall(r"-?[\d.]+", path.get("d", ""))]
            if numbers:
                xs, ys = numbers[0::2], numbers[1::2]
                outline["#" + path.get("id", "")] = (min(xs), min(ys), max(xs), max(ys))
    lines = []
    for parent in root.iter():
        children = list(parent)
        for comment, group in itertools.pairwise(children):
            if comment.tag is not ET.Comment or group.tag != NS + "g":
                continue
            place = TEXT_GROUP.fullmatch(group.get("transform", ""))
            assert place, group.get("transform")
            x, y, angle, scale = (float(v) if v else 0.0 for v in place.groups())
            corners = []
            for use in group.iter(NS + "use"):
                if use.get(XLINK) not in outline:
                    continue  # a space
                shift = float(re.findall(r"-?[\d.]+", use.get("transform", "0"))[0])
                x0, y0, x1, y1 = outline[use.get(XLINK, "")]
                corners += [
                    (scale * (shift + gx), -scale * gy) for gx in (x0, x1) for gy in (y0, y1)
                ]
            if angle == -90:  # the y axis label, upwards
                corners = [(v, -u) for u, v in corners]
            else:
                assert angle == 0
            xs = [x + u for u, _ in corners]
            ys = [y + v for _, v in corners]
            lines.append(((comment.text or "").strip(), min(xs), min(ys), max(xs), max(ys)))
    return lines


def axes_corner(svg: str) -> tuple[float, float]:
    """(x of the left spine, y of the bottom spine) of the chart's axes."""
    left = bottom = None
    for path in parse(svg).iter(NS + "path"):
        points = re.findall(r"(-?[\d.]+) (-?[\d.]+)", path.get("d", ""))
        if path.get("stroke-width") == "0.8" and not path.get("clip-path") and len(points) == 2:
            (x0, y0), (x1, y1) = [(float(a), float(b)) for a, b in points]
            if x0 == x1:
                left = x0
            if y0 == y1:
                bottom = y0
    assert left is not None and bottom is not None
    return left, bottom


LONG_GROUPS = [
    "Nhóm I. Thực hiện nhiệm vụ chính trị, chuyên môn được giao",
    "Nhóm II. Thực hiện các phong trào thi đua và công tác khen thưởng",
    "Nhóm III. Xây dựng tổ chức Đảng, đoàn thể trong sạch vững mạnh",
    "Điểm trừ",
]
LONG_UNITS = [
    "Ngân hàng Nhà nước Việt Nam Chi nhánh tỉnh Hòa Bình",
    "Chi cục Hải quan cửa khẩu quốc tế Lao Bảo thuộc Cục Hải quan Quảng Trị",
    "Cục Thuế",
]
EIGHT_GROUPS = [f"Nhóm {n}. Công tác thi đua, khen thưởng số {n}" for n in "ABCDEFGH"]
LAYOUTS = {
    "long names, a deduction": lambda: charts.stacked_totals(
        LONG_UNITS, LONG_GROUPS, [[D(49), D(28), D(19), D(-2)]] * 3, title="t"
    ),
    "one unit": lambda: charts.stacked_totals(["Cục Thuế"], ["Nhóm I"], [[D(80)]], title="t"),
    "twenty units, eight long groups": lambda: charts.stacked_totals(
        [f"Đơn vị số {i} của Khối" for i in range(20)],
        EIGHT_GROUPS,
        [[D(i + j) for j in range(8)] for i in range(20)],
        title="t",
    ),
    "votes, long names": lambda: charts.ballot_bars(
        LONG_UNITS, [12, 3, 1250], title="t", threshold=7
    ),
    "votes, no threshold": lambda: charts.ballot_bars(["A"], [6], title="t"),
    "borda, below zero": lambda: charts.ballot_bars(
        UNITS, [5, -2, 0], title="t", threshold=3, unit="điểm Borda"
    ),
    "long groups, a long unit": lambda: charts.unit_vs_cluster(
        LONG_GROUPS,
        [D(40), D(20), D(15), D(-2)],
        [D(49), D(28), D(19), D(0)],
        [D("38.82"), D(22), D(16), D("-0.5")],
        unit_label=LONG_UNITS[1],
        title="t",
    ),
    "seven long units": lambda: charts.history_lines(
        [2018, 2019, 2020, 2021, 2022],
        {f"{LONG_UNITS[k % 3]} số {k}": [(k + y) % 7 + 1 for y in range(5)] for k in range(7)},
        title="t",
    ),
    "one year": lambda: charts.history_lines([2020], {"Cục Thuế": [1]}, title="t"),
    "twenty ranks": lambda: charts.history_lines(
        [2020, 2021], {f"Đơn vị {k}": [k + 1, 20 - k] for k in range(20)}, title="t"
    ),
}


@pytest.fixture(scope="module")
def drawn() -> dict[str, str]:
    return {name: draw() for name, draw in LAYOUTS.items()}


@pytest.mark.parametrize("name", LAYOUTS)
def test_every_word_is_in_the_picture_close_to_its_edges(name: str, drawn: dict[str, str]) -> None:
    svg = drawn[name]
    width, height = (float(v) for v in parse(svg).get("viewBox", "").split()[2:])
    lines = ink(svg)
    for words, left, top, right, bottom in lines:
        assert left > 0 and right < width and top > 0 and bottom < height, words
    assert 3 < min(left for _, left, _, _, _ in lines) < 6  # the widest label, 4 pt in
    # The lowest words: 4 pt, the legend's padding (3.6 pt) and a line's descent up.
    assert 3 < height - max(bottom for *_, bottom in lines) < 12
    assert width - max(right for _, _, _, right, _ in lines) > 3


@pytest.mark.parametrize("name", LAYOUTS)
def test_labels_outside_the_axes_overlap_neither_the_axes_nor_each_other(
    name: str, drawn: dict[str, str]
) -> None:
    svg = drawn[name]
    axes_left, axes_bottom = axes_corner(svg)
    outside = []
    for line in ink(svg):
        words, left, top, right, _ = line
        if top < axes_bottom:  # beside the plot: the y tick labels and axis label
            assert right < axes_left - 2 or left > axes_left, words
            if right < axes_left:
                outside.append(line)
        else:  # below it: x tick labels, axis label, legend
            assert top > axes_bottom + 2, words
            outside.append(line)
    for i, (a, a_left, a_top, a_right, a_bottom) in enumerate(outside):
        for b, b_left, b_top, b_right, b_bottom in outside[i + 1 :]:
            apart = a_right < b_left or b_right < a_left or a_bottom < b_top or b_bottom < a_top
            assert apart, (a, b)


def test_the_legend_is_under_the_axis_label(drawn: dict[str, str]) -> None:
    lines = ink(drawn["long groups, a long unit"])
    [(_, _, _, _, label_bottom)] = [line for line in lines if line[0] == "Điểm"]
    legend = [line for line in lines if line[0] in {"Cao nhất Khối", "Trung bình Khối"}]
    assert len(legend) == 2
    assert all(top > label_bottom + 4 for _, _, top, _, _ in legend)


@pytest.mark.parametrize("name", LAYOUTS)
def test_nothing_is_drawn_that_shows_nothing(name: str, drawn: dict[str, str]) -> None:
    """The bars' y axis has no tick marks: none is drawn (an empty group each, in the SVG)."""
    assert not [g for g in parse(drawn[name]).iter(NS + "g") if len(g) == 0]


def test_a_chart_is_drawn_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """No layout engine: one draw of the figure writes it (a constrained layout draws it twice)."""
    draws = []
    draw = Figure.draw

    def counted(figure: Figure, renderer: object) -> None:
        draws.append(figure)
        draw(figure, renderer)

    monkeypatch.setattr(Figure, "draw", counted)
    made = all_charts()
    assert len(draws) == len(made) == len(set(draws)) == 4


# --- any name, any page ---------------------------------------------------------------------


def test_names_are_text_whatever_they_contain() -> None:
    """XML specials are escaped; "$...$" is not TeX (it would raise); "_" is not hidden."""
    odd = ["_Kho bạc", "Cục $x^$ & <Thuế>"]
    svg = charts.stacked_totals(odd, odd, [[D(1), D(2)], [D(3), D(4)]], title="A & <B>")
    title, desc = title_desc(svg)
    assert title == "A & <B>"
    assert desc is not None
    assert "_Kho bạc: 3 điểm (_Kho bạc: 1; Cục $x^$ & <Thuế>: 2)." in desc
    assert legend_keys(svg, "#404040") == 1  # the group "_Kho bạc" has its key


def all_charts() -> list[str]:
    return [
        charts.stacked_totals(UNITS, GROUPS, VALUES, title="Tổng điểm"),
        charts.ballot_bars(UNITS, [6, 1, 0], title="Phiếu", threshold=4),
        charts.unit_vs_cluster(
            GROUPS, VALUES[2], VALUES[0], VALUES[1], unit_label=UNITS[2], title="Đơn vị"
        ),
        charts.history_lines(
            [2020, 2021], {u: [i + 1, None] for i, u in enumerate(UNITS)}, title="L"
        ),
    ]


def test_inline_in_a_page_under_a_strict_content_security_policy() -> None:
    """No style="" nor <style> (style-src 'self' blocks them); ids unique across charts."""
    seen: set[str] = set()
    for svg in all_charts():
        root = parse(svg)
        assert not [e.tag for e in root.iter() if e.get("style") is not None or "style" in e.tag]
        ids = [e.get("id") for e in root.iter() if e.get("id")]
        assert len(ids) == len(set(ids))
        assert not seen & set(ids)
        seen |= {i for i in ids if i}
        refs = set(re.findall(r'(?:href="#|url\(#)([^")]+)', svg))
        assert refs and refs <= set(ids)


# --- deterministic, and loaded only by the site ---------------------------------------------

DRAW_ALL = """
import sys
sys.path.insert(0, sys.argv[1])
from test_charts import all_charts
sys.stdout.write("\\n".join(all_charts()))
"""


def test_the_same_bytes_in_every_process(tmp_path: Path) -> None:
    """No date (not even from SOURCE_DATE_EPOCH), no random id, no user matplotlibrc."""
    rc = tmp_path / "matplotlibrc"
    rc.write_text("font.size: 20\nsvg.fonttype: none\nsvg.hashsalt: other\naxes.facecolor: red\n")
    runs = []
    for extra in (
        {"PYTHONHASHSEED": "1"},
        {"PYTHONHASHSEED": "2", "SOURCE_DATE_EPOCH": "1", "MATPLOTLIBRC": str(rc)},
    ):
        proc = subprocess.run(
            [sys.executable, "-c", DRAW_ALL, str(ROOT / "tests")],
            env={**os.environ, **extra},
            capture_output=True,
            check=True,
            timeout=120,
        )
        runs.append(proc.stdout)
    assert runs[0] == runs[1]
    text = runs[0].decode()
    assert text == "\n".join(all_charts())
    assert "<metadata" not in text
    assert not re.search(r"\d{4}-\d\d-\d\d", text)
    assert "matplotlib" not in text.lower()


PROBE = """
import json, sys
out, argv = sys.argv[1], sys.argv[2:]
sys.argv = ["thidua", *argv]
from thidua.cli import main
try:
    main()
    code = 0
except SystemExit as exc:
    code = exc.code
after_rank = sorted(m for m in sys.modules if m.startswith(("matplotlib", "thidua.present.charts")))
import thidua.present.charts
control = "matplotlib" in sys.modules
with open(out, "w", encoding="utf-8") as f:
    json.dump({"code": code, "loaded": after_rank, "control": control}, f)
"""


def test_rank_does_not_load_matplotlib(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "THIDUA_DATA"}
    out = tmp_path / "probe.json"
    subprocess.run(
        [sys.executable, "-c", PROBE, str(out), "rank", "2020"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert json.loads(out.read_text(encoding="utf-8")) == {
        "code": 0,
        "loaded": [],
        "control": True,
    }


# --- in a browser ---------------------------------------------------------------------------

CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'none'"


@pytest.mark.external
def test_inline_charts_raise_no_error_in_chromium(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="cần playwright")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("cần chromium")
    page_file = tmp_path / "charts.html"
    page_file.write_text(
        f'<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}"><title>t</title></head>'
        f"<body>{''.join(all_charts())}</body></html>",
        encoding="utf-8",
    )
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=browser)
        try:
            page = chromium.new_page()
            messages: list[str] = []
            page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
            page.goto(page_file.as_uri())
            fills = page.evaluate(
                "[...document.querySelectorAll('path[fill=\"#404040\"]')]"
                ".map(p => getComputedStyle(p).fill)"
            )
            names = page.evaluate(
                "[...document.querySelectorAll('svg > title')].map(t => t.textContent)"
            )
        finally:
            chromium.close()
    assert messages == []
    assert fills and set(fills) == {"rgb(64, 64, 64)"}
    assert names == ["Tổng điểm", "Phiếu", "Đơn vị", "L"]
