"""Conference documents: filters, collation, templates, overrides, safety, goldens, CLI."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import jinja2
import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from thidua.cli import app
from thidua.collate import sort_key, sorted_vi
from thidua.compute.ranking import rank_year
from thidua.compute.results import YearResult
from thidua.compute.seal import content_digest
from thidua.present.documents import Doc, Format, RenderError, file_name
from thidua.present.fingerprint import Fingerprint
from thidua.present.render import (
    builtin_templates_dir,
    make_environment,
    render_document,
    render_template,
    tidy_markdown,
    user_templates_dir,
    vn_date,
    vn_number,
    vn_percent,
    vn_share,
    vn_time,
)
from thidua.present.textsafe import md_escape
from thidua.read.load import load_next_tasks
from thidua.repo.years import open_year_or_raise
from yeardata import KHOI, score_file, write_year

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
# The bundled 2020 members, in the order of khoi.yaml (the order notices are written in).
MEMBERS_2020 = ["QLTT", "NHNN", "CTK", "KBNN", "THUE", "BHXH", "HQ"]
runner = CliRunner()

CONFERENCE = """\
nam: 2020
ten: Hội nghị tổng kết thử nghiệm
ngay: 2020-12-30
"""

AWARDS = """\
nam: 2020
xep_hang:
  thu_tu: [diem]
khen_thuong:
  - hinh_thuc: Bằng khen thử nghiệm
    doi_tuong: dan_dau
"""


@pytest.fixture(scope="module")
def bundled() -> YearResult:
    data, _ = open_year_or_raise(ROOT / "data", 2020)
    return rank_year(data)


@pytest.fixture(autouse=True)
def _no_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    # Documents must not depend on the environment of the test run.
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("THIDUA_DATA", raising=False)


def small(tmp_path: Path, files: dict[str, str | bytes | None] | None = None) -> YearResult:
    """The three-member base year of yeardata (A 28, B 25, C 12 points), plus ``files``."""
    write_year(tmp_path, files)
    data, _ = open_year_or_raise(tmp_path / "data", 2020)
    return rank_year(data)


def render_str(source: str, **context: Any) -> str:
    """Render ``source`` as a one-off template named ``t.md`` in the thidua environment."""
    env = make_environment()
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({"t.md": source, "t.html": source})])
    return env.get_template(context.pop("_name", "t.md")).render(context)


# --- filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "place", "shown"),
    [
        (dt.date(2020, 3, 5), None, "ngày 05 tháng 3 năm 2020"),
        (dt.date(2020, 12, 30), "Hòa Bình", "Hòa Bình, ngày 30 tháng 12 năm 2020"),
        (dt.date(2021, 2, 1), None, "ngày 01 tháng 02 năm 2021"),
        (dt.date(2021, 1, 15), None, "ngày 15 tháng 01 năm 2021"),
        (None, None, "ngày … tháng … năm …"),
        (None, "Hòa Bình", "Hòa Bình, ngày … tháng … năm …"),
    ],
)
def test_vn_date(day: dt.date | None, place: str | None, shown: str) -> None:
    """Dates follow Decree 30: leading zero for days below 10 and months 1, 2; blanks if unknown."""
    assert vn_date(day, place) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("95.5"), "95,5"),
        (Decimal("95.50"), "95,5"),
        (1000, "1.000"),
        (Decimal("1234.5"), "1.234,5"),
        (Fraction(1, 3), "0,33"),
        (Decimal("-1"), "-1"),
        (None, "…"),
    ],
)
def test_vn_number(value: Decimal | Fraction | int | None, shown: str) -> None:
    """Numbers take a decimal comma and dot thousands; a missing number is the blank."""
    assert vn_number(value) == shown


def test_vn_percent_share_and_time() -> None:
    """Percentages read "85,7 %", unknown shares "… %"; times "8 giờ 05", unknown "… giờ …"."""
    assert vn_percent(Fraction(6, 7)) == "85,7 %"
    assert vn_percent(Fraction(1)) == "100 %"
    assert vn_percent(None) == "… %"
    assert vn_share(6, 7) == "85,7 %"
    assert vn_share(1, 0) == "… %"
    assert vn_time(dt.time(8, 5)) == "8 giờ 05"
    assert vn_time(dt.time(14, 30)) == "14 giờ 30"
    assert vn_time(None) == "… giờ …"


def test_filters_in_templates() -> None:
    """Templates reach every filter; None prints as "…" and Decimal the Vietnamese way."""
    out = render_str(
        "{{ d|vn_date('Hòa Bình') }}/{{ x }}/{{ n }}/{{ p|vn_percent }}/{{ none|or_blank }}",
        d=dt.date(2020, 12, 30),
        x=Decimal("84.50"),
        n=None,
        p=Fraction(1, 7),
    )
    assert out == "Hòa Bình, ngày 30 tháng 12 năm 2020/84,5/…/14,3 %/…"


# --- Vietnamese order --------------------------------------------------------------------------


def test_vietnamese_alphabet_order() -> None:
    """Letters follow a ă â b c d đ e ê … o ô ơ … u ư v x y; "Đ" is not sorted after "z"."""
    names = ["Yên Bái", "Đà Nẵng", "Ưng Hòa", "Uông Bí", "Ăn", "Âu", "An Giang", "Ơn", "Ôn", "On"]
    assert sorted_vi(names) == [
        "An Giang", "Ăn", "Âu", "Đà Nẵng", "On", "Ôn", "Ơn", "Uông Bí", "Ưng Hòa", "Yên Bái",
    ]  # fmt: skip


def test_tones_are_only_a_secondary_key() -> None:
    """Tone marks order only strings equal without them: ma mà mả mã má mạ; "Má" < "mạ"."""
    assert sorted_vi(["mạ", "má", "mã", "mả", "mà", "ma"]) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    # The letters decide before the tones: "mạb" < "mác" because b < c.
    assert sorted_vi(["mác", "mạb"]) == ["mạb", "mác"]
    assert sorted_vi(["Cục Thuế", "Cục Thống kê"]) == ["Cục Thống kê", "Cục Thuế"]


def test_collation_ignores_normal_form_and_tone_placement() -> None:
    """Decomposed text and old tone placement ("Hoà") sort like the NFC, new-style name."""
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Hòa Bình")
    assert sort_key(nfd) == sort_key("Hòa Bình")
    assert sort_key("Hoà Bình")[:2] == sort_key("Hòa Bình")[:2]


def test_vn_sort_filter_with_attribute() -> None:
    """``vn_sort(attribute=...)`` orders objects by a (dotted) attribute, the Vietnamese way."""
    members = [{"name": "Đoàn"}, {"name": "Dương"}, {"name": "Zô"}, {"name": "Ánh"}]
    out = render_str("{{ (m|vn_sort('name')|map(attribute='name'))|join(', ') }}", m=members)
    assert out == "Ánh, Dương, Đoàn, Zô"


# --- Markdown escaping --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("A | B", "A \\| B"),
        ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
        ("{{ 7*7 }}", "{{ 7\\*7 }}"),
        ("a_b", "a\\_b"),
        ("- mục", "\\- mục"),
        ("1. mục", "1\\. mục"),
        ("-1", "-1"),
        ("4.1", "4.1"),
        ("dòng 1\ndòng 2", "dòng 1 dòng 2"),
        ("# tiêu đề", "\\# tiêu đề"),
    ],
)
def test_md_escape(text: str, escaped: str) -> None:
    """Markdown-significant characters are escaped; harmless ones ("-1", "4.1") are not."""
    assert md_escape(text) == escaped


def test_md_templates_escape_values_but_not_macros() -> None:
    """In .md templates values are escaped; macro output and |safe are kept as written."""
    out = render_str(
        "{% macro b(x) %}**{{ x }}**{% endmacro %}{{ b(v) }} {{ v }} {{ '*ok*'|safe }}", v="a|b"
    )
    assert out == "**a\\|b** a\\|b *ok*"


def test_html_templates_escape_values() -> None:
    """In .html templates values are HTML-escaped."""
    out = render_str("<p>{{ v }}</p>", v="<b>&</b>", _name="t.html")
    assert out == "<p>&lt;b&gt;&amp;&lt;/b&gt;</p>"


def test_tidy_markdown() -> None:
    """Runs of blank lines collapse to one, trailing spaces go, one final newline stays."""
    assert tidy_markdown("\n\na  \n\n\n\nb\n\n") == "a\n\nb\n"


# --- where templates come from -------------------------------------------------------------


def test_builtin_templates_exist() -> None:
    """Every document has a built-in template in both formats."""
    folder = builtin_templates_dir()
    for doc in Doc:
        for fmt in Format:
            assert (folder / f"{doc.value}.{fmt.value}").is_file()


def test_user_templates_dir_is_beside_the_data_folder(tmp_path: Path) -> None:
    """A data repository's templates live in ``templates/`` next to its ``data/`` folder."""
    assert user_templates_dir(tmp_path / "data") == tmp_path / "templates"


def test_user_template_overrides_a_builtin_one(tmp_path: Path) -> None:
    """A file of the same name in the user folder replaces the built-in template."""
    result = small(tmp_path)
    user = tmp_path / "templates"
    user.mkdir()
    (user / "ranking.md").write_text(
        "Xếp hạng {{ year }}: {% for r in rows %}{{ r.member.id }} {% endfor %}\n",
        encoding="utf-8",
    )
    out = render_document(result, Doc.RANKING, Format.MD, env=make_environment(user))
    assert out == "Xếp hạng 2020: A B C\n"


def test_user_template_extends_the_builtin_one_with_default_prefix(tmp_path: Path) -> None:
    """``{% extends "default:scores.html" %}`` keeps the built-in page and replaces a block."""
    result = small(tmp_path)
    user = tmp_path / "templates"
    user.mkdir()
    (user / "scores.html").write_text(
        '{% extends "default:scores.html" %}'
        "{% block adjustments %}<p>Phần do Khối tự viết</p>{% endblock %}",
        encoding="utf-8",
    )
    out = render_document(result, Doc.SCORES, Format.HTML, env=make_environment(user))
    assert "<p>Phần do Khối tự viết</p>" in out
    assert "BẢNG TỔNG HỢP ĐIỂM THI ĐUA NĂM 2020" in out
    assert "Điểm thẩm định khác điểm tự chấm" not in out


def test_user_macros_override_builtin_macros(tmp_path: Path) -> None:
    """Overriding ``_macros.md`` changes every document that imports it."""
    result = small(tmp_path)
    user = tmp_path / "templates"
    user.mkdir()
    builtin = (builtin_templates_dir() / "_macros.md").read_text(encoding="utf-8")
    (user / "_macros.md").write_text(
        builtin.replace("Độc lập - Tự do - Hạnh phúc", "ĐỘC LẬP - TỰ DO - HẠNH PHÚC"),
        encoding="utf-8",
    )
    out = render_document(result, Doc.RANKING, Format.MD, env=make_environment(user))
    assert "**ĐỘC LẬP - TỰ DO - HẠNH PHÚC**" in out


def test_cli_uses_the_data_repository_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``thidua render`` picks up ``templates/`` beside the ``--data`` folder."""
    write_year(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "scores.md").write_text("Bảng điểm riêng {{ year }}\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["render", "2020", "scores", "--data", "data"])
    assert res.exit_code == 0, res.output
    own, _, fingerprint = res.stdout.partition("\n\n*Mã dữ liệu: ")
    assert own == "Bảng điểm riêng 2020"
    assert fingerprint


# --- template errors ---------------------------------------------------------------------------


def user_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str) -> str:
    """The message of rendering the ranking with a user ``ranking.md`` of ``source``."""
    result = small(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "ranking.md").write_text(source, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    env = make_environment(Path("templates"))
    with pytest.raises(RenderError) as info:
        render_document(result, Doc.RANKING, Format.MD, env=env)
    return info.value.message


def test_undefined_variable_names_template_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A misspelt variable fails (StrictUndefined), naming the file and line in Vietnamese."""
    message = user_error(tmp_path, monkeypatch, "Năm {{ year }}\n\n{{ nam_sau }}\n")
    assert message == (
        'mẫu văn bản templates/ranking.md, dòng 3: biến "nam_sau" chưa được định nghĩa'
    )


def test_missing_attribute_names_template_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A missing attribute fails with the attribute's name and the line."""
    message = user_error(tmp_path, monkeypatch, "{{ cluster.ten }}\n")
    assert message.startswith('mẫu văn bản templates/ranking.md, dòng 1: không có thuộc tính "ten"')


def test_syntax_error_names_template_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A syntax error is reported with the file and line, not a traceback."""
    message = user_error(tmp_path, monkeypatch, "dòng 1\n{% if %}\n")
    assert message.startswith("mẫu văn bản templates/ranking.md, dòng 2: lỗi cú pháp: ")


def test_error_in_builtin_template_is_named_as_builtin() -> None:
    """An error inside a built-in template names it as thidua's own template."""
    env = make_environment()
    with pytest.raises(RenderError) as info:
        render_template(env, "ranking.md", {})
    assert re.fullmatch(
        r'mẫu văn bản [\w.]+ \(mẫu có sẵn của thidua\), dòng \d+: biến "\w+" chưa được định nghĩa',
        info.value.message,
    ), info.value.message


def test_unknown_template_is_reported() -> None:
    """A template that exists nowhere is reported by name."""
    with pytest.raises(RenderError) as info:
        render_template(make_environment(), "khong-co.md", {})
    assert info.value.message.startswith('không tìm thấy mẫu văn bản "khong-co.md"')


def test_cli_template_error_exits_1_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI turns a template error into "Lỗi: …" on stderr and exit code 1."""
    write_year(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "scores.md").write_text("{{ khong_co }}\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["render", "2020", "scores", "--data", "data"])
    assert res.exit_code == 1
    assert res.stderr == (
        'Lỗi: mẫu văn bản templates/scores.md, dòng 1: biến "khong_co" chưa được định nghĩa\n'
    )


# --- sandbox and hostile data ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cluster.__init__ }}",
        "{{ members.append(1) }}",
        "{{ data.folder.read_text() }}",
        "{{ data.folder.joinpath('x').write_text('y') }}",
    ],
)
def test_sandbox_blocks_unsafe_access(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    """User templates run sandboxed: private attributes, mutation and file access are refused."""
    message = user_error(tmp_path, monkeypatch, source + "\n")
    assert message.startswith("mẫu văn bản templates/ranking.md, dòng 1: ")
    assert "thao tác không được phép trong mẫu văn bản (chặn vì lý do an toàn)" in message


HOSTILE_KHOI = """\
nam: 2020
ten: "Khối <b>in đậm</b> | {{ 7*7 }}"
dia_ban: Thành phố thử nghiệm
trang_thai: da_ket_thuc
thanh_vien:
  - ma: A
    ten_ngan: Đơn vị A
    ten: "<script>alert(1)</script>"
  - ma: B
    ten_ngan: Đơn vị B
    ten: "{% if true %}X{% endif %} | B"
  - ma: C
    ten_ngan: Đơn vị C
    ten: "- * [liên kết](http://example.invalid) _C_"
"""

HOSTILE_CONFERENCE = """\
nam: 2020
ten: "{{ 7*7 }} hội nghị <img src=x onerror=alert(1)>"
ngay: 2020-12-30
thao_luan:
  - "{{ cluster.__class__ }}"
ban_kiem_phieu:
  - ho_ten: "<blink>Nguyễn</blink> {{ 1111*7 }}"
    chuc_vu: "| Trưởng phòng <kbd>"
    don_vi: B
    nhiem_vu: Trưởng ban
  - ho_ten: "* Trần _Bình_"
    don_vi: C
    nhiem_vu: Thành viên
"""

# One ballot the count minutes and the papers show (the others need none): its title and
# question carry markup and Jinja syntax of their own.
HOSTILE_BALLOTS = """\
nam: 2020
cuoc_bau:
  - ma: chon
    ten: "Bình chọn <marquee>{{ 2222*3 }}</marquee> | *đậm*"
    loai: chon
    so_chon_toi_da: 1
    phat_ra: 3
    thu_ve: 3
    phieu:
      - [A]
      - [A]
      - [B]
  - ma: tan-thanh
    ten: Suy tôn thử
    loai: tan_thanh
    de_xuat: B
    noi_dung: "Suy tôn <xmp>B</xmp> {{ 3333*3 }}"
    phat_ra: 3
    thu_ve: 3
    ket_qua: {dong_y: 3, khong_dong_y: 0}
"""


@pytest.fixture
def hostile(tmp_path: Path) -> YearResult:
    return small(
        tmp_path,
        {
            "khoi.yaml": HOSTILE_KHOI,
            "hoi-nghi.yaml": HOSTILE_CONFERENCE,
            "quy-che.yaml": AWARDS,
            "phieu-bau.yaml": HOSTILE_BALLOTS,
        },
    )


# What of the hostile data each kit document shows, besides the members' names: the count
# minutes name the committee and the ballots; the papers show the ballots.
HOSTILE_IN_KIT = {
    Doc.COUNT: ["{{ 1111*7 }}", "{{ 2222*3 }}", "{{ 3333*3 }}"],
    Doc.PAPERS: ["{{ 2222*3 }}", "{{ 3333*3 }}"],
}


@pytest.mark.parametrize("doc", list(Doc))
def test_hostile_data_is_escaped_in_html(hostile: YearResult, doc: Doc) -> None:
    """Markup and Jinja syntax in the data appear as text in HTML, never as tags or code."""
    out = render_document(hostile, doc, Format.HTML)
    for tag in ("<script", "<img", "<b>", "<blink", "<kbd", "<marquee", "<xmp"):
        assert tag not in out.lower()
    for product in ("49", "7777", "6666", "9999"):
        assert product not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "{{ 7*7 }}" in out
    for text in HOSTILE_IN_KIT.get(doc, []):
        assert text in out
    if doc is Doc.COUNT:
        assert "&lt;blink&gt;Nguyễn&lt;/blink&gt; {{ 1111*7 }}" in out
        assert "| Trưởng phòng &lt;kbd&gt;" in out
    if doc is Doc.PAPERS:
        assert "&lt;MARQUEE&gt;{{ 2222*3 }}&lt;/MARQUEE&gt;" in out


@pytest.mark.parametrize("doc", list(Doc))
def test_hostile_data_is_literal_in_markdown(hostile: YearResult, doc: Doc) -> None:
    """In Markdown the same text is escaped, so a forge shows it literally, tables intact."""
    out = render_document(hostile, doc, Format.MD)
    for product in ("49", "7777", "6666", "9999"):
        assert product not in out
    assert "\\<script\\>alert(1)\\</script\\>" in out
    html = MarkdownIt("commonmark").enable("table").render(out)
    for tag in ("<script", "<b>", "<blink", "<kbd", "<marquee", "<xmp", "<a "):
        assert tag not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html
    for text in HOSTILE_IN_KIT.get(doc, []):
        assert text in html
    if doc is Doc.COUNT:
        assert "&lt;blink&gt;Nguyễn&lt;/blink&gt; {{ 1111*7 }}" in html
        assert "* Trần _Bình_" in html


def test_hostile_discussion_is_not_evaluated(hostile: YearResult) -> None:
    """Jinja syntax in a discussion item is printed, not evaluated (data is never a template)."""
    out = render_document(hostile, Doc.MINUTES, Format.MD)
    assert "- {{ cluster.\\_\\_class\\_\\_ }}." in out


# --- missing data ------------------------------------------------------------------------------


def test_minutes_need_the_conference_file(tmp_path: Path) -> None:
    """Without hoi-nghi.yaml the minutes are refused, saying in words what is missing and
    naming the year's file that holds it (no path: the same from any folder)."""
    result = small(tmp_path)
    with pytest.raises(RenderError) as info:
        render_document(result, Doc.MINUTES, Format.MD)
    assert info.value.message == (
        "chưa có thông tin hội nghị tổng kết năm 2020 (hoi-nghi.yaml): cần để lập biên bản"
    )


def test_cli_minutes_without_conference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI reports the missing conference file on stderr and exits with code 1."""
    write_year(tmp_path)
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["render", "2020", "minutes"])
    assert res.exit_code == 1
    assert res.stderr == (
        "Lỗi: chưa có thông tin hội nghị tổng kết năm 2020 (hoi-nghi.yaml): cần để lập biên bản\n"
    )
    assert res.stdout == ""


def test_proposal_needs_award_rules(tmp_path: Path) -> None:
    """Without award rules there is nothing to propose: the message says so in words."""
    result = small(tmp_path)
    with pytest.raises(RenderError) as info:
        render_document(result, Doc.PROPOSAL, Format.MD)
    assert info.value.message == (
        "không lập được tờ trình đề nghị khen thưởng: quy chế chưa quy định hình thức khen thưởng"
    )


def test_minutes_without_ballots_say_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No ballots: the ballot section is lines to fill by hand, and blanks stand for the
    unknown; no file is named."""
    result = small(tmp_path, {"hoi-nghi.yaml": CONFERENCE})
    monkeypatch.chdir(tmp_path)
    out = render_document(result, Doc.MINUTES, Format.MD)
    blank = "…" * 26
    assert f"## 4. Kết quả bỏ phiếu kín\n\n{blank}\n\n{blank}\n\n{blank}\n\n## 5." in out
    assert "phieu-bau" not in out
    assert "**Thời gian bắt đầu:** … giờ …, ngày 30 tháng 12 năm 2020." in out
    assert "**Chủ trì (chủ tọa):** ……………." in out
    assert "Cuộc họp kết thúc vào … giờ …, ngày 30 tháng 12 năm 2020./." in out
    assert "None" not in out


def test_minutes_use_the_conference_details(tmp_path: Path) -> None:
    """Time, place, chair, secretary and the adopting vote come from hoi-nghi.yaml."""
    conference = CONFERENCE + (
        "bat_dau: '08:00'\nket_thuc: '11:30'\ndia_diem: Hội trường tầng 3\n"
        "chu_tri: {ho_ten: Nguyễn Văn An, chuc_vu: Giám đốc, don_vi: A}\n"
        "thu_ky: {ho_ten: Trần Thị Bình}\n"
        "thong_qua_bien_ban: {tan_thanh: 6, co_mat: 7}\n"
    )
    result = small(tmp_path, {"hoi-nghi.yaml": conference})
    out = render_document(result, Doc.MINUTES, Format.MD)
    assert "**Thời gian bắt đầu:** 8 giờ 00, ngày 30 tháng 12 năm 2020." in out
    assert "**Địa điểm:** Hội trường tầng 3." in out
    assert "**Chủ trì (chủ tọa):** Nguyễn Văn An, Giám đốc, Đơn vị thử nghiệm A." in out
    assert "**Thư ký (người ghi biên bản):** Trần Thị Bình." in out
    assert "với 6/7 đại biểu có mặt tán thành (85,7 %)." in out
    assert "Cuộc họp kết thúc vào 11 giờ 30, ngày 30 tháng 12 năm 2020./." in out
    assert "**Trần Thị Bình**" in out  # under THƯ KÝ


@pytest.mark.parametrize(
    ("agreed", "present", "sentence"),
    [
        (
            5,
            12,
            "Biên bản đã được đọc lại tại Hội nghị, với 5/12 đại biểu có mặt tán thành "
            "(41,7 %), chưa đạt quá nửa số đại biểu có mặt nên biên bản chưa được thông qua.",
        ),
        (
            6,
            12,
            "Biên bản đã được đọc lại tại Hội nghị, với 6/12 đại biểu có mặt tán thành "
            "(50 %), chưa đạt quá nửa số đại biểu có mặt nên biên bản chưa được thông qua.",
        ),
        (
            7,
            12,
            "Biên bản đã được đọc lại và thông qua tại Hội nghị, với 7/12 đại biểu có mặt "
            "tán thành (58,3 %).",
        ),
    ],
)
@pytest.mark.parametrize("fmt", list(Format))
def test_minutes_are_adopted_only_by_a_majority(
    tmp_path: Path, fmt: Format, agreed: int, present: int, sentence: str
) -> None:
    """The minutes say "thông qua" only when more than half of those present agreed."""
    conference = CONFERENCE + f"thong_qua_bien_ban: {{tan_thanh: {agreed}, co_mat: {present}}}\n"
    result = small(tmp_path, {"hoi-nghi.yaml": conference})
    out = render_document(result, Doc.MINUTES, fmt)
    line = f"<p>{sentence}</p>" if fmt is Format.HTML else sentence
    assert line in out.splitlines()
    assert ("chưa được thông qua" in out) == (2 * agreed <= present)


PAPERS = """\
nam: 2020
cuoc_bau:
  - ma: chon
    ten: Bình chọn thử
    loai: chon
    so_chon_toi_da: 1
    phat_ra: 3
    thu_ve: 3
    phieu:
      - [A]
      - [A]
      - [A, B]
  - ma: xh
    ten: Xếp thứ tự thử
    loai: xep_hang
    phat_ra: 2
    thu_ve: 2
    phieu:
      - {A: 1, B: 2, C: 3}
      - {B: 1, A: 2, C: 3}
"""


def test_minutes_ballots_papers_ties_and_borda(tmp_path: Path) -> None:
    """Counted papers show each invalid one with its reason; ranked points have no %; ties say so.

    By hand: A 18+10 = 28, B 18+10 = 28 (shared rank 1), C 12. Approval: A gets 2 of 2 valid
    papers (100 %), the third paper names two members. Borda over 3 candidates gives 2, 1, 0
    points: A 2+1 = 3, B 1+2 = 3, C 0.
    """
    result = small(
        tmp_path,
        {
            "hoi-nghi.yaml": CONFERENCE,
            "diem/B.yaml": score_file("B", first="18"),
            "phieu-bau.yaml": PAPERS,
        },
    )
    out = render_document(result, Doc.MINUTES, Format.MD)
    assert (
        "| 1 (đồng hạng) | Đơn vị thử nghiệm A | 28 | 28 |\n"
        "| 1 (đồng hạng) | Đơn vị thử nghiệm B | 28 | 28 |\n"
        "| 3 | Đơn vị thử nghiệm C | 12 | 12 |\n"
    ) in out
    assert (
        "Số phiếu phát ra: 3; số phiếu thu về: 3; số phiếu hợp lệ: 2; số phiếu không hợp lệ: 1.\n"
        "\n"
        "Phiếu không hợp lệ:\n"
        "\n"
        "- Phiếu thứ 3: chọn 2 đơn vị, quá số tối đa 1.\n"
        "\n"
        "| STT | Đơn vị | Số phiếu | Tỷ lệ trên số phiếu hợp lệ (2) |\n"
        "| :---: | :--- | ---: | ---: |\n"
        "| 1 | Đơn vị thử nghiệm A | 2 | 100 % |\n"
        "| 2 | Đơn vị thử nghiệm B | 0 | 0 % |\n"
        "| 3 | Đơn vị thử nghiệm C | 0 | 0 % |\n"
    ) in out
    assert (
        "| STT | Đơn vị | Tổng điểm xếp thứ tự |\n"
        "| :---: | :--- | ---: |\n"
        "| 1 | Đơn vị thử nghiệm A | 3 |\n"
        "| 2 | Đơn vị thử nghiệm B | 3 |\n"
        "| 3 | Đơn vị thử nghiệm C | 0 |\n"
    ) in out


def test_no_document_prints_none(bundled: YearResult) -> None:
    """No bundled document shows "None" or an empty Python value."""
    for doc in Doc:
        for fmt in Format:
            out = render_document(bundled, doc, fmt)
            assert "None" not in out
            assert "[]" not in out


def test_illustrative_data_is_labelled(bundled: YearResult, tmp_path: Path) -> None:
    """Documents from illustrative data carry a visible note; real data carries none."""
    for doc in Doc:
        assert "**Lưu ý:** văn bản này được lập từ số liệu có phần minh họa" in render_document(
            bundled, doc, Format.MD
        )
        assert "<strong>Lưu ý:</strong>" in render_document(bundled, doc, Format.HTML)
    real = small(tmp_path)
    assert "minh họa" not in render_document(real, Doc.SCORES, Format.MD)


def test_bundled_minutes_leave_blanks_for_unknown_facts(bundled: YearResult) -> None:
    """The 2020 data has no venue, start time, chair or secretary: the minutes leave blanks."""
    out = render_document(bundled, Doc.MINUTES, Format.MD)
    assert "**Thời gian bắt đầu:** … giờ …, ngày 30 tháng 12 năm 2020." in out
    assert "**Địa điểm:** ………………………….\n" in out
    assert "**Chủ trì (chủ tọa):** ……………." in out
    assert "**Thư ký (người ghi biên bản):** ……………." in out


def test_report_next_year_directions(bundled: YearResult, tmp_path: Path) -> None:
    """The report lists next year's tasks from data/<year+1>/nhiem-vu.yaml, else blanks."""
    out = render_document(bundled, Doc.REPORT, Format.MD, next_tasks=load_next_tasks(bundled.data))
    assert "Khối đề ra 9 nhiệm vụ trọng tâm:\n\n- Phấn đấu hoàn thành xuất sắc" in out
    # The four tasks the data does not name are lines to fill, with no note to the office.
    section = out.split("## IV.")[1].split("### 2.")[0]
    assert section.count("- " + "…" * 26) == 4
    assert "ghi nhận" not in out
    assert "- Thi đua chung sức xây dựng nông thôn mới." in out
    result = small(tmp_path)
    assert load_next_tasks(result.data) is None
    blank = render_document(result, Doc.REPORT, Format.MD)
    section = blank.split("## IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2021")[1].split("### 3.")[0]
    assert section.count("- " + "…" * 26) == 6


# --- dates and determinism ----------------------------------------------------------------------


def test_proposal_date_comes_from_source_date_epoch(
    bundled: YearResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The proposal is dated by SOURCE_DATE_EPOCH, else left blank; never the clock."""
    blank = render_document(bundled, Doc.PROPOSAL, Format.MD)
    assert "*Hòa Bình, ngày … tháng … năm …*" in blank
    dated = render_document(bundled, Doc.PROPOSAL, Format.MD, today=dt.date(2021, 1, 5))
    assert "*Hòa Bình, ngày 05 tháng 01 năm 2021*" in dated
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1609804800")  # 2021-01-05 00:00 UTC
    res = runner.invoke(app, ["render", "2020", "proposal", "--data", str(ROOT / "data")])
    assert res.exit_code == 0, res.output
    assert "*Hòa Bình, ngày 05 tháng 01 năm 2021*" in res.stdout


def test_rendering_is_deterministic(bundled: YearResult) -> None:
    """Two renderings, with separate environments, are byte-identical."""
    for doc in Doc:
        for fmt in Format:
            first = render_document(bundled, doc, fmt, env=make_environment())
            second = render_document(bundled, doc, fmt, env=make_environment())
            assert first == second


# A ballot over every member (its papers and count minutes list them all) and a count
# committee, for the documents of many_members.
MANY_BALLOTS = """\
nam: 2020
cuoc_bau:
  - ma: chon
    ten: Bình chọn thử
    loai: chon
    so_chon_toi_da: 1
    phat_ra: 3
    thu_ve: 3
    hop_le: 3
    khong_hop_le: 0
    ket_qua: {A: 2, B: 1}
"""
MANY_COMMITTEE = """\
ban_kiem_phieu:
  - {ho_ten: Nguyễn Văn An, chuc_vu: Phó Cục trưởng, don_vi: A, nhiem_vu: Trưởng ban}
  - {ho_ten: Trần Thị Bình, don_vi: B, nhiem_vu: Thành viên}
"""


def many_members(tmp_path: Path, n: int) -> YearResult:
    """The base year with ``n`` more members, each with a score file, a conference with a
    count committee, awards and a ballot."""
    members = "".join(
        f"  - ma: M{i}\n    ten_ngan: Đơn vị M{i}\n    ten: Đơn vị thử M{i}\n" for i in range(n)
    )
    files: dict[str, str | bytes | None] = {
        "khoi.yaml": KHOI + members,
        "hoi-nghi.yaml": CONFERENCE + MANY_COMMITTEE,
        "quy-che.yaml": AWARDS,
        "phieu-bau.yaml": MANY_BALLOTS,
    }
    files.update({f"diem/M{i}.yaml": score_file(f"M{i}", first=f"{i / 10:.1f}") for i in range(n)})
    return small(tmp_path / str(n), files)


@pytest.mark.parametrize("doc", list(Doc))
@pytest.mark.parametrize("fmt", list(Format))
def test_rendering_is_linear_in_the_number_of_members(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, doc: Doc, fmt: Format
) -> None:
    """Twice the members, at most twice the attribute and item lookups of the templates.

    A lookup inside the member loop (``rows|selectattr(...)`` per member) made rendering
    quadratic: 10,000 members took minutes.
    """
    from thidua.present.render import Sandbox

    lookups = 0
    getattr_, getitem = Sandbox.getattr, Sandbox.getitem

    def count_getattr(self: Sandbox, obj: Any, attribute: str) -> Any:
        nonlocal lookups
        lookups += 1
        return getattr_(self, obj, attribute)

    def count_getitem(self: Sandbox, obj: Any, argument: Any) -> Any:
        nonlocal lookups
        lookups += 1
        return getitem(self, obj, argument)

    monkeypatch.setattr(Sandbox, "getattr", count_getattr)
    monkeypatch.setattr(Sandbox, "getitem", count_getitem)
    counts = []
    for n in (20, 40):
        result = many_members(tmp_path, n)
        lookups = 0
        render_document(result, doc, fmt)
        counts.append(lookups)
    assert counts[1] < 2 * counts[0], counts


# --- golden files -------------------------------------------------------------------------------
#
# The HTML goldens hold each document without the stylesheet shared by every HTML document
# (templates/_base.html): the one <style> block is replaced by STYLE_PLACEHOLDER, and the
# stylesheet itself is pinned once, by tests/golden/_style.css. So a CSS change rewrites one
# golden file, not one per document.

STYLE_BLOCK = re.compile(r"<style>\n(.*?)</style>\n", re.DOTALL)
STYLE_PLACEHOLDER = "<style>\n/* tests/golden/_style.css */\n</style>\n"
STYLE_GOLDEN = GOLDEN / "_style.css"


def split_style(html: str) -> tuple[str, str]:
    """``html`` with its one ``<style>`` block replaced by the placeholder, and that CSS."""
    blocks = STYLE_BLOCK.findall(html)
    assert len(blocks) == 1, f"cần đúng một khối <style>, có {len(blocks)}"
    return STYLE_BLOCK.sub(lambda _: STYLE_PLACEHOLDER, html), blocks[0]


# The CLI adds the commit to the fingerprint when the year folder is clean in git, which
# depends on the checkout the tests run in: a golden file holds the fingerprint without it.
COMMIT_PARTS = re.compile(r" · phiên bản [0-9a-f]{7}|;? ?commit=[0-9a-f]{40}")


def comparable(text: str, fmt: Format) -> str:
    """What a golden file of format ``fmt`` stores: HTML without its stylesheet, and the
    fingerprint without the commit."""
    text = COMMIT_PARTS.sub("", text)
    return split_style(text)[0] if fmt is Format.HTML else text


def bundled_fingerprint(bundled: YearResult) -> Fingerprint:
    return Fingerprint(bundled.data.year, content_digest(bundled.data))


def golden_text(name: str) -> str:
    path = GOLDEN / name
    assert path.is_file(), f"thiếu {path}: chạy pytest --update-golden"
    return path.read_bytes().decode("utf-8")


def bundled_document(bundled: YearResult, doc: Doc, fmt: Format) -> str:
    return render_document(
        bundled,
        doc,
        fmt,
        env=make_environment(),
        next_tasks=load_next_tasks(bundled.data),
        fingerprint=bundled_fingerprint(bundled),
    )


@pytest.mark.parametrize("fmt", list(Format), ids=lambda f: f.value)
@pytest.mark.parametrize("doc", list(Doc), ids=lambda d: d.value)
def test_golden(bundled: YearResult, doc: Doc, fmt: Format, request: pytest.FixtureRequest) -> None:
    """Each bundled 2020 document matches tests/golden/<doc>.<fmt> byte for byte (HTML: apart
    from the shared stylesheet, pinned by test_golden_stylesheet)."""
    out = comparable(bundled_document(bundled, doc, fmt), fmt)
    golden = GOLDEN / f"{doc.value}.{fmt.value}"
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(out.encode("utf-8"))
        return
    assert out == golden_text(golden.name)


def test_golden_stylesheet(bundled: YearResult, request: pytest.FixtureRequest) -> None:
    """Every HTML document carries the same stylesheet, tests/golden/_style.css, with the
    print rules the documents rely on: A4 with Decree 30 margins, Times New Roman, table
    headers repeated on each page, no row split across pages."""
    sheets = {split_style(bundled_document(bundled, doc, Format.HTML))[1] for doc in Doc}
    assert len(sheets) == 1
    (css,) = sheets
    for rule in (
        "@page { size: A4; margin: 20mm 15mm 20mm 30mm; }",
        'font-family: "Times New Roman", "Liberation Serif", "Tinos", serif;',
        "thead { display: table-header-group; }",
        "tr { break-inside: avoid; page-break-inside: avoid; }",
    ):
        assert rule in css
    if request.config.getoption("--update-golden"):
        STYLE_GOLDEN.write_bytes(css.encode("utf-8"))
        return
    assert css == golden_text(STYLE_GOLDEN.name)


def test_markdown_goldens_are_valid_gfm() -> None:
    """Every Markdown golden parses into tables whose rows have as many cells as the header."""
    md = MarkdownIt("commonmark").enable("table")
    for path in sorted(GOLDEN.glob("*.md")):
        tokens = md.parse(path.read_text(encoding="utf-8"))
        tables = 0
        width = 0
        cells = 0
        for token in tokens:
            if token.type == "table_open":
                tables += 1
            elif token.type == "tr_open":
                cells = 0
            elif token.type in ("th_open", "td_open"):
                cells += 1
            elif token.type == "tr_close":
                if width == 0:
                    width = cells
                assert cells == width, path.name
            elif token.type == "table_close":
                width = 0
        # At least the header block and one data table; the annex to the minutes is a
        # Phụ lục, which carries no header block of its own (Decree 30): its one table.
        assert tables >= (1 if path.stem == Doc.ANNEX.value else 2), path.name


def test_html_goldens_are_self_contained() -> None:
    """Every HTML golden is one file: inline styles, no script, no external resource."""
    for path in [*sorted(GOLDEN.glob("*.html")), STYLE_GOLDEN]:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".html":
            assert text.startswith('<!DOCTYPE html>\n<html lang="vi">')
            assert '<meta charset="utf-8">' in text
            assert STYLE_PLACEHOLDER in text
        assert "<script" not in text
        assert "<link" not in text
        assert "@import" not in text and "url(" not in text
        assert "http://" not in text and "https://" not in text


# --- the command ---------------------------------------------------------------------------------


def test_cli_prints_the_document(bundled: YearResult) -> None:
    """Without -o the document goes to stdout, identical to the golden file."""
    res = runner.invoke(app, ["render", "2020", "minutes", "--data", str(ROOT / "data")])
    assert res.exit_code == 0, res.output
    assert comparable(res.stdout, Format.MD) == golden_text("minutes.md")


def test_cli_writes_all_documents(tmp_path: Path) -> None:
    """``all -o DIR`` writes every document under its documented name, nothing else."""
    out = tmp_path / "van-ban"
    res = runner.invoke(
        app, ["render", "2020", "all", "-o", str(out), "-f", "html", "--data", str(ROOT / "data")]
    )
    assert res.exit_code == 0, res.output
    notices = [f"thong-bao-2020-{code}.html" for code in MEMBERS_2020]
    in_order = [
        "bien-ban-2020.html", "bao-cao-2020.html", "to-trinh-2020.html",
        "bang-diem-2020.html", "xep-hang-2020.html", "kiem-phieu-2020.html",
        "phieu-bau-2020.html", *notices, "phu-luc-diem-2020.html",
    ]  # fmt: skip
    assert sorted(p.name for p in out.iterdir()) == sorted(in_order)
    for doc in Doc:
        if not doc.per_member:
            written = (out / file_name(doc, 2020, Format.HTML)).read_bytes().decode("utf-8")
            assert comparable(written, Format.HTML) == golden_text(f"{doc.value}.html")
    assert res.stdout == "".join(f"Đã ghi {out / n}\n" for n in in_order)


def test_cli_format_follows_the_output_extension(tmp_path: Path) -> None:
    """``-o file.html`` without --format writes HTML; an existing folder gets the default name."""
    target = tmp_path / "bb.html"
    res = runner.invoke(
        app, ["render", "2020", "minutes", "-o", str(target), "-d", str(ROOT / "data")]
    )
    assert res.exit_code == 0, res.output
    written = target.read_bytes().decode("utf-8")
    assert comparable(written, Format.HTML) == golden_text("minutes.html")
    res = runner.invoke(
        app, ["render", "2020", "scores", "-o", str(tmp_path), "-d", str(ROOT / "data")]
    )
    assert res.exit_code == 0, res.output
    written = (tmp_path / "bang-diem-2020.md").read_bytes().decode("utf-8")
    assert comparable(written, Format.MD) == golden_text("scores.md")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bang-diem-2020.md", "bb.html"]


def test_cli_all_needs_a_folder(tmp_path: Path) -> None:
    """``all`` without -o is a usage error (exit code 2) that shows how to call it."""
    res = runner.invoke(app, ["render", "2020", "all", "-d", str(ROOT / "data")])
    assert res.exit_code == 2
    assert res.stderr == (
        "Lỗi: thidua render NĂM all cần -o THƯ_MỤC: thư mục để ghi mọi văn bản "
        "(ví dụ: thidua render 2020 all -o van-ban)\n"
    )


def test_cli_all_writes_what_it_can_when_a_document_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If some documents cannot be made, ``all`` writes the others, lists why, exits 1."""
    write_year(tmp_path)
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["render", "2020", "all", "-o", "van-ban"])
    assert res.exit_code == 1
    # 11 documents: 8 for the cluster, and a notice for each of the 3 members.
    assert res.stderr == (
        "Lỗi: không lập được 4 trong 11 văn bản (các văn bản khác đã được ghi):\n"
        "  - biên bản hội nghị tổng kết: chưa có thông tin hội nghị tổng kết năm 2020 "
        "(hoi-nghi.yaml): cần để lập biên bản\n"
        "  - tờ trình đề nghị khen thưởng: không lập được tờ trình đề nghị khen thưởng: quy "
        "chế chưa quy định hình thức khen thưởng\n"
        "  - biên bản kiểm phiếu: chưa có kết quả bỏ phiếu kín năm 2020 (phieu-bau.yaml): cần "
        "để lập biên bản kiểm phiếu\n"
        "  - phiếu bầu: chưa có cuộc bỏ phiếu nào của năm 2020 (phieu-bau.yaml): cần tên, loại "
        "và số đơn vị được chọn của từng cuộc bỏ phiếu để lập phiếu bầu\n"
    )
    written = [
        "bao-cao-2020.md", "bang-diem-2020.md", "xep-hang-2020.md", "thong-bao-2020-A.md",
        "thong-bao-2020-B.md", "thong-bao-2020-C.md", "phu-luc-diem-2020.md",
    ]  # fmt: skip
    assert sorted(p.name for p in (tmp_path / "van-ban").iterdir()) == sorted(written)
    assert res.stdout == "".join(f"Đã ghi {Path('van-ban') / n}\n" for n in written)


def test_cli_unknown_document_is_a_usage_error() -> None:
    """An unknown document name is refused with exit code 2."""
    res = runner.invoke(app, ["render", "2020", "bienban", "-d", str(ROOT / "data")])
    assert res.exit_code == 2


def test_file_names() -> None:
    """Output files are named after the Vietnamese document and the year (and the member,
    for a document of one member)."""
    assert [file_name(d, 2020, Format.MD) for d in Doc if not d.per_member] == [
        "bien-ban-2020.md",
        "bao-cao-2020.md",
        "to-trinh-2020.md",
        "bang-diem-2020.md",
        "xep-hang-2020.md",
        "kiem-phieu-2020.md",
        "phieu-bau-2020.md",
        "phu-luc-diem-2020.md",
    ]
    assert file_name(Doc.MINUTES, 2021, Format.HTML) == "bien-ban-2021.html"
    # The appraisal notice is one per member: its file carries the member's code.
    assert [d for d in Doc if d.per_member] == [Doc.NOTICE]
    assert file_name(Doc.NOTICE, 2020, "docx", "NHNN") == "thong-bao-2020-NHNN.docx"


def test_render_help_is_vietnamese() -> None:
    """``thidua render --help`` explains the documents in Vietnamese."""
    res = runner.invoke(app, ["render", "--help"])
    assert res.exit_code == 0
    assert "Lập văn bản hội nghị tổng kết" in res.stdout
    assert "minutes (biên bản hội nghị)" in " ".join(res.stdout.split())
