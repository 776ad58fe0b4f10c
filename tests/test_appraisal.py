"""The unit's appraisal view shared by ``thidua explain`` and the site's unit page
(:mod:`thidua.present.appraisal`): both say why a unit sits where it sits in the same
sentences, ``explain`` by short names (its table notes the order of tied units), the page by
full names."""

from __future__ import annotations

from pathlib import Path

from rankdata import TABLE, khoi, points, quy_che, rank
from thidua.present.explain import render_explain
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
        "  Thứ tự xét: tổng điểm sau thẩm định 80.",
        "  Đồng hạng 2 với Đơn vị B: bằng nhau ở mọi khóa xếp hạng; trong bảng, các đơn vị đồng "
        "hạng ghi theo thứ tự danh sách thành viên.",
        "  Xếp sau Đơn vị A (hạng 1): khác ở tổng điểm sau thẩm định: 100 so với 80.",
        "  Xếp trên Đơn vị D (hạng 4): khác ở tổng điểm sau thẩm định: 80 so với 50.",
    ]
    assert page(2) == (
        "Thứ hạng: 2/4, đồng hạng.",
        "Thứ tự xét: tổng điểm sau thẩm định 80.",
        "Đồng hạng 2 với Đơn vị thử B: bằng nhau ở mọi khóa xếp hạng.",
        "Xếp sau Đơn vị thử A (hạng 1): khác ở tổng điểm sau thẩm định: 100 so với 80.",
        "Xếp trên Đơn vị thử D (hạng 4): khác ở tổng điểm sau thẩm định: 80 so với 50.",
    )
    excluded = (
        "Không được xét: Bị kỷ luật (không thể là đơn vị dẫn đầu, không được đề nghị khen thưởng)."
    )
    assert explained("D") == [
        "Thứ hạng: 4/4.",
        "  Thứ tự xét: tổng điểm sau thẩm định 50.",
        "  Xếp sau Đơn vị C (hạng 2): khác ở tổng điểm sau thẩm định: 80 so với 50.",
        f"  {excluded}",
    ]
    assert page(3) == (
        "Thứ hạng: 4/4.",
        "Thứ tự xét: tổng điểm sau thẩm định 50.",
        "Xếp sau Đơn vị thử C (hạng 2): khác ở tổng điểm sau thẩm định: 80 so với 50.",
        excluded,
    )
