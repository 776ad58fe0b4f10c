"""The unit's appraisal view shared by ``thidua explain``, the appraisal notice and the site's
unit page (:mod:`thidua.present.appraisal`): they say why a unit sits where it sits in the
same sentences, ``explain`` by short names (its table notes the order of tied units), the
page by full names; and none of them speaks of an appraisal that has not taken place, nor of
a rank or total of a unit that has not scored itself."""

from __future__ import annotations

from pathlib import Path

from rankdata import TABLE, khoi, points, quy_che, rank
from thidua.compute.results import YearResult
from thidua.present.documents import Doc, Format
from thidua.present.explain import render_explain
from thidua.present.render import make_environment, render_document
from thidua.present.site_unit import standing, unit_page


def test_explain_and_unit_page_give_the_same_rank_reasons(tmp_path: Path) -> None:
    """B and C tie for 2nd between A and D; D is excluded."""
    result = rank(
        tmp_path,
        {
            "khoi.yaml": khoi("A B C D"),
            "quy-che.yaml": quy_che(),
            "tieu-chi.yaml": TABLE,
            "diem/A.yaml": points("A", "60", "40"),
            "diem/B.yaml": points("B", "50", "30"),
            "diem/C.yaml": points("C", "40", "40"),
            "diem/D.yaml": points("D", "30", "20", exclusion="Bị kỷ luật"),
        },
    )
    assert [(row.rank, row.member.id) for row in result.rows] == [
        (1, "A"),
        (2, "B"),
        (2, "C"),
        (4, "D"),
    ]
    units = {row.member.id: f"{row.member.id}.html" for row in result.rows}
    cluster = standing(result)

    def explained(member_id: str) -> list[str]:
        lines = render_explain(result, member_id).splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("Thứ hạng: "))
        return lines[start : lines.index("", start)]

    def page(index: int) -> tuple[str, ...]:
        view = unit_page(result, index, (), "", units, cluster)
        return (view.rank, *view.rank_lines)

    assert explained("C") == [
        "Thứ hạng: 2/4.",
        "  Xếp hạng theo: tổng điểm sau thẩm định.",
        "  Số liệu của đơn vị: tổng điểm sau thẩm định 80.",
        "  Đồng hạng 2 với Đơn vị B: bằng nhau ở mọi tiêu chí xếp hạng của quy chế; trong bảng, "
        "các đơn vị đồng hạng ghi theo thứ tự danh sách thành viên.",
        "  Xếp sau Đơn vị A (hạng 1): khác ở tổng điểm sau thẩm định: 100 so với 80.",
        "  Xếp trên Đơn vị D (hạng 4): khác ở tổng điểm sau thẩm định: 80 so với 50.",
    ]
    assert page(2) == (
        "Thứ hạng: 2/4, đồng hạng.",
        "Xếp hạng theo: tổng điểm sau thẩm định.",
        "Số liệu của đơn vị: tổng điểm sau thẩm định 80.",
        "Đồng hạng 2 với Đơn vị thử B: bằng nhau ở mọi tiêu chí xếp hạng của quy chế.",
        "Xếp sau Đơn vị thử A (hạng 1): khác ở tổng điểm sau thẩm định: 100 so với 80.",
        "Xếp trên Đơn vị thử D (hạng 4): khác ở tổng điểm sau thẩm định: 80 so với 50.",
    )
    excluded = (
        "Không được xét: Bị kỷ luật (không thể là đơn vị dẫn đầu, không được đề nghị khen thưởng)."
    )
    assert explained("D") == [
        "Thứ hạng: 4/4.",
        "  Xếp hạng theo: tổng điểm sau thẩm định.",
        "  Số liệu của đơn vị: tổng điểm sau thẩm định 50.",
        "  Xếp sau Đơn vị C (hạng 2): khác ở tổng điểm sau thẩm định: 80 so với 50.",
        f"  {excluded}",
    ]
    assert page(3) == (
        "Thứ hạng: 4/4.",
        "Xếp hạng theo: tổng điểm sau thẩm định.",
        "Số liệu của đơn vị: tổng điểm sau thẩm định 50.",
        "Xếp sau Đơn vị thử C (hạng 2): khác ở tổng điểm sau thẩm định: 80 so với 50.",
        excluded,
    )


# --- a year in progress: appraised, self-scored only, not scored -------------------------------

PARTLY = {
    "khoi.yaml": khoi("A B C", state="dang_dien_ra"),
    "quy-che.yaml": quy_che("[diem]"),
    "tieu-chi.yaml": TABLE,
    "diem/A.yaml": (
        "nam: 2020\ndon_vi: A\ndiem:\n"
        '  "1.1": {tu_cham: 50, tham_dinh: 48, ly_do: Thiếu minh chứng}\n'
        '  "2.1": {tu_cham: 30}\n  "3.1": {tu_cham: 5}\n  "3.2": {tu_cham: 0}\n'
    ),
    "diem/B.yaml": points("B", "40", "30"),
    "diem/C.yaml": "nam: 2020\ndon_vi: C\ndiem: {}\n",
}


def _notice(result: YearResult, member: str) -> list[str]:
    """The paragraphs of the Markdown notice to ``member`` under "2. Tổng điểm và thứ hạng"."""
    out = render_document(result, Doc.NOTICE, Format.MD, env=make_environment(), member=member)
    part = out.split("## 2. Tổng điểm và thứ hạng\n\n", 1)[1].split("\n\n## 3.", 1)[0]
    return part.split("\n\n")


def test_notice_says_no_total_after_appraisal_before_one(tmp_path: Path) -> None:
    result = rank(tmp_path, PARTLY)
    assert _notice(result, "A") == [
        "Tổng điểm tự chấm: 85 điểm; tổng điểm sau thẩm định: 83 điểm, trong đó điểm cộng 5, "
        "điểm trừ 0 (kết quả tạm tính).",
        "Thứ hạng: 1/3 đơn vị (kết quả tạm tính).",
    ]
    assert _notice(result, "B") == [
        "Tổng điểm tự chấm: 70 điểm, trong đó điểm cộng 0, điểm trừ 0; điểm chưa được thẩm định "
        "(kết quả tạm tính).",
        "Thứ hạng: 2/3 đơn vị (tạm theo điểm tự chấm, chưa thẩm định; kết quả tạm tính).",
    ]
    assert _notice(result, "C") == [
        "Tổng điểm: chưa có, vì đơn vị chưa tự chấm điểm.",
        "Thứ hạng: chưa có, vì đơn vị chưa tự chấm điểm (bảng xếp hạng tạm ghi hạng 3/3 đơn vị, "
        "0 điểm).",
    ]


def test_explain_of_units_not_appraised_and_not_scored(tmp_path: Path) -> None:
    """B: ranked on its self-scores, its empty appraisal not said to keep them. C: an empty
    score file, said so, and no rank reasons but what the regulation ranks by."""
    result = rank(tmp_path, PARTLY)
    b = render_explain(result, "B").splitlines()
    assert b[3] == "Điểm chưa được thẩm định: dùng điểm tự chấm."
    assert b[6:9] == [
        "  1.1 Chuyên môn (định tính, tối đa 60)",
        "      Tự chấm: 40 → 40 điểm",
        "      Cuối cùng: 40",
    ]
    assert not any(line.startswith("      Thẩm định:") for line in b)
    assert b[b.index("Thứ hạng: 2/3 (tạm theo điểm tự chấm, chưa thẩm định).") :][1:5] == [
        "  Xếp hạng theo: tổng điểm sau thẩm định.",
        "  Số liệu của đơn vị: tổng điểm sau thẩm định 70 (điểm tự chấm, chưa thẩm định).",
        "  Xếp sau Đơn vị A (hạng 1): khác ở tổng điểm sau thẩm định: 83 so với 70.",
        "  Xếp trên Đơn vị C (hạng 3): khác ở tổng điểm sau thẩm định: 70 so với 0.",
    ]
    c = render_explain(result, "C").splitlines()
    assert c[3] == "Đơn vị chưa tự chấm tiêu chí nào: mọi tiêu chí tính 0 điểm."
    rank_at = c.index(
        "Thứ hạng: chưa có, vì đơn vị chưa tự chấm điểm (bảng xếp hạng tạm ghi hạng 3/3, 0 điểm)."
    )
    assert c[rank_at + 1 : rank_at + 3] == ["  Xếp hạng theo: tổng điểm sau thẩm định.", ""]
    # An appraised unit's criterion without an appraised value still says it was kept.
    assert "      Thẩm định: không ghi (giữ điểm tự chấm)" in render_explain(result, "A")


def test_ranked_only_by_a_ballot_not_yet_held(tmp_path: Path) -> None:
    """The regulation ranks by a ballot that has no result yet: no empty list of values, no
    tie "on every key that has a result" (none has), no rank "on self-scores" (scores are
    not what it ranks by)."""
    files = {**PARTLY, "quy-che.yaml": quy_che('["phieu:binh-chon"]')}
    result = rank(tmp_path, files)
    lines = render_explain(result, "B").splitlines()
    at = lines.index("Thứ hạng: 1/3.")
    assert lines[at + 1 : at + 4] == [
        "  Xếp hạng theo: số phiếu bình chọn (chưa có kết quả bỏ phiếu).",
        "  Chưa có kết quả bỏ phiếu mà quy chế dùng để xếp hạng: các đơn vị tạm đồng hạng.",
        "",
    ]
