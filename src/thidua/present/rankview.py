"""The ranking of a year as text: pure, no I/O.

Renderings of :class:`~thidua.compute.results.YearResult` for ``thidua rank`` (and the
numbers other commands print; ``thidua explain`` is :mod:`thidua.present.explain`). Each
returns a string, so that tests can pin it and the output is byte-identical from run to
run.

Formats of ``thidua rank``:

- ``table`` (default): a box-drawn table for people, then the outcomes;
- ``json``: everything, exact numbers as decimal strings (``"84.5"``; a repeating decimal
  rounded half up to 10 places), keys in a fixed order, UTF-8 (no ``\\u`` escapes);
- ``csv``: one line per member, exact numbers with a decimal point, for spreadsheets;
- ``markdown``: a GFM table and the outcomes, numbers written the Vietnamese way.

The table and Markdown say under the title how the year stands when it is closed or was
reopened (:meth:`~thidua.compute.history.YearStatus.line`: sealed on a date by whom, or
reopened with a reason); the title of a year that is not final ends "(kết quả tạm tính)".
JSON has ``khoa_so``, ``mo_lai`` and ``tam_tinh``.

The sentences come from :mod:`thidua.compute.results` and :mod:`thidua.compute.awards` in
an official's words (documents print them too). Only the table adds the terminal's hints
(``Gợi ý:``, :func:`~thidua.compute.results.terminal_hints`: the ids and keys behind a
pending or undecided result); JSON has them as ``goi_y``.

Modules only some formats need (json, csv, unicodedata) are imported inside functions.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

from thidua import models as m
from thidua.compute.history import YearStatus
from thidua.numbers import count, percent, plain, points
from thidua.present.appraisal import NOT_SCORED
from thidua.present.textsafe import csv_cell, md_escape
from thidua.present.wording import NOT_APPRAISED, outcome_note

if TYPE_CHECKING:
    from thidua.compute.results import Election, Row, YearResult
    from thidua.compute.scoring import CriterionResult
    from thidua.compute.voting import Tally

__all__ = [
    "PIPE_WIDTH",
    "render_csv",
    "render_json",
    "render_markdown",
    "render_table",
    "row_note",
    "vote_columns",
]

# Width of the table when stdout is not a terminal (a file, a pipe, a test): fixed, so the
# output does not depend on the environment.
PIPE_WIDTH = 160


# --- numbers and notes (written by thidua.numbers and thidua.present.wording) ----------------


def _pct(share: Fraction | None) -> str:
    return "" if share is None else percent(share)


def _votes(votes: int | None) -> str:
    return "" if votes is None else count(votes)


def row_note(row: Row) -> str:
    """The documents' outcome note (ties explained), then whether the unit has scored and
    whether its scores are appraised."""
    note = outcome_note(row, ties=True)
    parts = [note] if note else []
    if not row.score.scored:
        parts.append(NOT_SCORED)
    elif not row.score.appraised:
        parts.append(NOT_APPRAISED)
    return "; ".join(parts)


def _election_line(result: YearResult, election: Election) -> str:
    """``Trưởng khối năm 2021: Cục Quản lý thị trường — được 7/7 đơn vị có mặt nhất trí suy
    tôn.``; ``Phó khối năm 2021: chưa xác định (do Hội nghị bầu bổ sung).``"""
    year = result.data.year + 1
    if election.member is None:
        return f"{election.office} năm {year}: chưa xác định ({election.how})."
    return f"{election.office} năm {year}: {election.member.short_name} — {election.how}."


def _award_lines(result: YearResult) -> list[str]:
    by_name: dict[str, list[str]] = {}
    for award in result.awards:
        by_name.setdefault(award.name, []).append(award.member.short_name)
    return [f"{name}: {', '.join(names)}" for name, names in by_name.items()]


def outcome_lines(result: YearResult, hints: bool = False) -> list[str]:
    """The outcomes after the table: leading unit, awards (and what the regulation allows),
    next offices, notes, warnings; with ``hints``, the terminal's hints (ids and keys)."""
    lines: list[str] = []
    if result.leading is not None:
        lines.append(f"Đơn vị dẫn đầu: {result.leading.short_name}.")
        lines.append(f"  {result.leading_reason}")
    else:
        lines.append(result.leading_reason)
    awards = _award_lines(result)
    if awards:
        lines.append("Đề nghị khen thưởng:")
        lines += [f"  - {line}" for line in awards]
    elif result.data.regulation.awards:
        lines.append("Đề nghị khen thưởng: không có.")
    lines += [f"  {note}" for note in result.award_notes]
    lines.append(_election_line(result, result.next_leader))
    lines.append(_election_line(result, result.next_deputy))
    if result.notes:
        lines.append("Ghi chú:")
        lines += [f"  - {note}" for note in result.notes]
    if result.warnings:
        lines.append("Cảnh báo:")
        lines += [f"  - {p}" for p in result.warnings]
    if hints and result.hints:
        lines.append("Gợi ý:")
        lines += [f"  - {hint}" for hint in result.hints]
    return lines


def status_line(result: YearResult) -> str | None:
    """The year's seal, or its reopening, as a sentence; None for a year simply in progress
    (the notes already say its results are provisional)."""
    status = YearStatus.of(result.data)
    if not status.closed and status.reopened is None:
        return None
    return status.line()


# --- table --------------------------------------------------------------------------------


PROVISIONAL = "kết quả tạm tính"


def _title(result: YearResult) -> str:
    """The title; a year not final (:attr:`YearData.final`) says "(kết quả tạm tính)"."""
    title = f"Kết quả xếp hạng thi đua năm {result.data.year} — {result.data.cluster.name}"
    return f"{title} ({PROVISIONAL})" if result.provisional else title


def _head(result: YearResult) -> list[str]:
    status = status_line(result)
    return [_title(result)] if status is None else [_title(result), status]


def _cells(text: str) -> int:
    """Terminal columns of ``text``: combining marks take none, wide characters two."""
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap to ``width`` columns; a word longer than that is cut."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while _cells(word) > width:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:width])
            word = word[width:]
        if not line:
            line = word
        elif _cells(line) + 1 + _cells(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


def box_table(
    headers: list[str], rows: list[list[str]], right: list[bool], width: int
) -> list[str]:
    """A table drawn with box characters (rich's heavy-head style), ``width`` wide at most.

    Written here rather than with rich.table: measuring 1,000 rows in rich costs close to
    a second, this costs milliseconds. Only the last column wraps when space runs out.
    """
    sizes = [_cells(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            sizes[i] = max(sizes[i], _cells(cell))
    others = sum(sizes[:-1]) + 3 * len(sizes) + 1
    sizes[-1] = max(min(sizes[-1], width - others), min(sizes[-1], 10))

    def line(cells: list[str], bar: str) -> str:
        parts = []
        for i, cell in enumerate(cells):
            pad = " " * (sizes[i] - _cells(cell))
            parts.append(f" {pad}{cell} " if right[i] else f" {cell}{pad} ")
        return bar + bar.join(parts) + bar

    def rule(left: str, mid: str, end: str, fill: str) -> str:
        return left + mid.join(fill * (size + 2) for size in sizes) + end

    out = [rule("┏", "┳", "┓", "━"), line(headers, "┃"), rule("┡", "╇", "┩", "━")]
    for row in rows:
        last = _wrap(row[-1], sizes[-1]) if row[-1] else [""]
        out.append(line([*row[:-1], last[0]], "│"))
        out += [line(["" for _ in row[:-1]] + [more], "│") for more in last[1:]]
    out.append(rule("└", "┴", "┘", "─"))
    return out


def render_table(result: YearResult, width: int = PIPE_WIDTH) -> str:
    """The ranking table and the outcomes as text, at most ``width`` columns wide."""
    groups = [g.id for g in result.data.table.groups]
    votes, borda = vote_columns(result)
    headers = ["Hạng", "Đơn vị", "Tự chấm", "Điểm", *(f"Nhóm {gid}" for gid in groups)]
    if votes:
        headers += ["Điểm Borda"] if borda else ["Phiếu", "Tỷ lệ"]
    headers.append("Ghi chú")
    right = [name not in ("Đơn vị", "Ghi chú") for name in headers]
    rows: list[list[str]] = []
    for row in result.rows:
        score = row.score
        cells = [
            str(row.rank),
            row.member.short_name,
            points(score.self_total_exact),
            points(score.total_exact),
            *(points(score.groups_exact[gid]) for gid in groups),
        ]
        if votes:
            cells += [_votes(row.votes)] if borda else [_votes(row.votes), _pct(row.vote_share)]
        cells.append(row_note(row))
        rows.append(cells)
    drawn = box_table(headers, rows, right, width)
    counted = [ballot_line(t) for t in result.tallies.values()]
    outcomes = outcome_lines(result, hints=True)
    return "\n".join([*_head(result), *drawn, *counted, *outcomes]) + "\n"


def vote_columns(result: YearResult) -> tuple[bool, bool]:
    """Whether a ranking shows the votes of the ballot it ranks by (its result is recorded),
    and whether they are Borda points (points, not a share of papers)."""
    t = result.tallies.get(result.vote_ballot) if result.vote_ballot else None
    return t is not None, t is not None and t.ballot.kind is m.BallotKind.RANKED


def ballot_line(t: Tally) -> str:
    """How the papers of one ballot were counted, and why papers were void."""
    present = f"có mặt {count(t.present)}, " if t.present is not None else ""
    text = (
        f'Phiếu "{t.ballot.title}": {present}phát ra {count(t.issued)}, thu về '
        f"{count(t.returned)}, hợp lệ {count(t.valid)}, không hợp lệ {count(t.invalid)}"
    )
    reasons: dict[str, int] = {}
    for paper in t.papers:
        if not paper.valid and paper.reason:
            reasons[paper.reason] = reasons.get(paper.reason, 0) + 1
    if reasons:
        text += " — " + "; ".join(f"{r}: {count(n)} phiếu" for r, n in reasons.items())
    return text + "."


# --- json ---------------------------------------------------------------------------------


def _criterion_json(c: CriterionResult) -> dict[str, Any]:
    entry = c.entry
    return {
        "ma": c.criterion.id,
        "nhom": c.group.id,
        "loai": c.criterion.kind.value,
        "toi_da": plain(c.criterion.maximum),
        "tu_cham": plain(c.self_points),
        "tham_dinh": plain(c.appraised_points),
        "diem": plain(c.final_points),
        "diem_co_dau": plain(c.signed_points),
        "cong_thuc": c.formula,
        "ly_do": entry.reason if entry is not None else None,
        "thieu_diem": c.missing,
    }


def _row_json(result: YearResult, row: Row) -> dict[str, Any]:
    score = row.score
    t = result.tallies.get(result.vote_ballot) if result.vote_ballot else None
    denominator = (
        t.denominator(result.vote_denominator, len(result.rows)) if t is not None else None
    )
    return {
        "hang": row.rank,
        "dong_hang": row.shared,
        "ma": row.member.id,
        "ten_ngan": row.member.short_name,
        "ten": row.member.name,
        "diem_tu_cham": plain(score.self_total_exact),
        "diem": plain(score.total_exact),
        "nhom_tu_cham": {gid: plain(v) for gid, v in score.self_groups_exact.items()},
        "nhom": {gid: plain(v) for gid, v in score.groups_exact.items()},
        "diem_cong": plain(score.bonus),
        "diem_tru": plain(score.deductions),
        "phieu": row.votes,
        "mau_so_phieu": denominator if row.votes is not None else None,
        "ty_le_phieu": plain(row.vote_share),
        "du_dieu_kien": row.eligible,
        "ly_do_khong_xet": row.exclusion,
        "dan_dau": row.leading,
        "khen_thuong": list(row.awards),
        "ghi_chu": row.tie_note,
        "da_tham_dinh": score.appraised,
        "so_tieu_chi_thieu_diem": score.missing,
        "tieu_chi": [_criterion_json(c) for c in score.criteria],
    }


def _election_json(election: Election) -> dict[str, Any]:
    member = election.member
    return {
        "chuc_danh": election.office,
        "ma": member.id if member is not None else None,
        "ten": member.name if member is not None else None,
        "cach_chon": election.how,
        "cuoc_bau": election.tally.ballot.id if election.tally is not None else None,
        "goi_y": election.hint,
    }


def _seal_json(result: YearResult) -> dict[str, Any]:
    status = YearStatus.of(result.data)
    sealed, reopened = status.sealed, status.reopened
    return {
        "khoa_so": None
        if sealed is None
        else {"ngay": sealed.date.isoformat(), "nguoi": sealed.by, "ma_du_lieu": sealed.digest},
        "mo_lai": None
        if reopened is None
        else {
            "ngay": reopened.date.isoformat(),
            "nguoi": reopened.by,
            "ly_do": reopened.reason,
        },
    }


def result_json(result: YearResult) -> dict[str, Any]:
    """The whole result as plain JSON-ready data (exact numbers as strings)."""
    data = result.data
    leading = result.leading
    return {
        "nam": data.year,
        "khoi": data.cluster.name,
        "trang_thai": data.cluster.state.value,
        **_seal_json(result),
        "minh_hoa": data.illustrative,
        "tam_tinh": result.provisional,
        "khoa_xep_hang": [{"khoa": k.key, "ten": k.label} for k in result.keys],
        "nhom": [
            {"ma": g.id, "ten": g.name, "toi_da": plain(g.maximum)} for g in data.table.groups
        ],
        "cuoc_bau_phieu": result.vote_ballot,
        "mau_so_phieu": result.vote_denominator.value,
        "xep_hang": [_row_json(result, row) for row in result.rows],
        "dan_dau": {
            "ma": leading.id if leading is not None else None,
            "ten": leading.name if leading is not None else None,
            "ly_do": result.leading_reason,
        },
        "khen_thuong": [
            {"hinh_thuc": a.name, "ma": a.member.id, "ten": a.member.name} for a in result.awards
        ],
        "khen_thuong_luu_y": list(result.award_notes),
        "truong_khoi_nam_sau": _election_json(result.next_leader),
        "pho_khoi_nam_sau": _election_json(result.next_deputy),
        "cuoc_bau": [
            {
                "ma": t.ballot.id,
                "ten": t.ballot.title,
                "loai": t.ballot.kind.value,
                "co_mat": t.present,
                "phat_ra": t.issued,
                "thu_ve": t.returned,
                "hop_le": t.valid,
                "khong_hop_le": t.invalid,
                "ket_qua": {option: t.votes[option] for option in t.options},
            }
            for t in result.tallies.values()
        ],
        "ghi_chu": list(result.notes),
        "canh_bao": [p.to_json() for p in result.warnings],
        "goi_y": list(result.hints),
    }


def render_json(result: YearResult) -> str:
    import json

    return json.dumps(result_json(result), ensure_ascii=False, indent=2) + "\n"


# --- csv ----------------------------------------------------------------------------------


def render_csv(result: YearResult) -> str:
    """One line per member in rank order; exact numbers with a decimal point.

    Text cells go through :func:`thidua.present.textsafe.csv_cell`: a name starting with ``=``,
    ``+``, ``-`` or ``@`` is not run as a formula by a spreadsheet. Numbers stay numbers.
    """
    import csv
    import io

    groups = [g.id for g in result.data.table.groups]
    offices: dict[str, list[str]] = {}
    for election in (result.next_leader, result.next_deputy):
        if election.member is not None:
            offices.setdefault(election.member.id, []).append(election.office)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "hang",
            "dong_hang",
            "ma",
            "ten_ngan",
            "diem_tu_cham",
            "diem",
            *(f"nhom_{gid}" for gid in groups),
            "diem_cong",
            "diem_tru",
            "phieu",
            "ty_le_phieu",
            "du_dieu_kien",
            "ly_do_khong_xet",
            "dan_dau",
            "khen_thuong",
            "chuc_vu_nam_sau",
            "ghi_chu",
        ]
    )

    def flag(value: bool) -> str:
        return "true" if value else "false"

    for row in result.rows:
        score = row.score
        writer.writerow(
            [
                row.rank,
                flag(row.shared),
                csv_cell(row.member.id),
                csv_cell(row.member.short_name),
                plain(score.self_total_exact),
                plain(score.total_exact),
                *(plain(score.groups_exact[gid]) for gid in groups),
                plain(score.bonus),
                plain(score.deductions),
                "" if row.votes is None else row.votes,
                plain(row.vote_share) or "",
                flag(row.eligible),
                csv_cell(row.exclusion or ""),
                flag(row.leading),
                csv_cell("; ".join(row.awards)),
                csv_cell("; ".join(offices.get(row.member.id, []))),
                csv_cell(row.tie_note or ""),
            ]
        )
    return buffer.getvalue()


# --- markdown -----------------------------------------------------------------------------


def render_markdown(result: YearResult) -> str:
    """A GFM table and the outcomes, numbers written the Vietnamese way (``84,5``).

    Every text from the data goes through :func:`thidua.present.textsafe.md_escape`, so that no
    name can inject HTML, a link or table syntax.
    """
    groups = [g.id for g in result.data.table.groups]
    votes, borda = vote_columns(result)
    head = ["Hạng", "Đơn vị", "Tự chấm", "Điểm", *(f"Nhóm {g}" for g in groups)]
    align = ["---:", "---", "---:", "---:", *("---:" for _ in groups)]
    if votes:
        head += ["Điểm Borda"] if borda else ["Phiếu", "Tỷ lệ"]
        align += ["---:"] if borda else ["---:", "---:"]
    head.append("Ghi chú")
    align.append("---")
    status = status_line(result)
    lines = [
        f"## {md_escape(_title(result))}",
        "",
        *([] if status is None else [md_escape(status), ""]),
        "| " + " | ".join(head) + " |",
        "| " + " | ".join(align) + " |",
    ]
    for row in result.rows:
        score = row.score
        name = row.member.short_name
        cells = [
            str(row.rank),
            f"**{md_escape(name)}**" if row.leading else md_escape(name),
            points(score.self_total_exact),
            points(score.total_exact),
            *(points(score.groups_exact[gid]) for gid in groups),
        ]
        if votes:
            cells += [_votes(row.votes)] if borda else [_votes(row.votes), _pct(row.vote_share)]
        cells.append(md_escape(row_note(row)))
        lines.append("| " + " | ".join(cells) + " |")
    for line in outcome_lines(result):
        if line.startswith("  - "):
            lines.append("- " + md_escape(line[4:]))
        elif line.startswith("  "):
            lines.append("")
            lines.append(md_escape(line[2:]))
        else:
            lines.append("")
            lines.append(md_escape(line))
    return "\n".join(lines) + "\n"
