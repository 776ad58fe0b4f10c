"""The rules of the ballot results (``phieu-bau.yaml``): ids, structure, counts, papers and
totals, as problems at their place in the file. Pure; the tally is :mod:`thidua.compute.voting`.
"""

from __future__ import annotations

from collections.abc import Sequence

from thidua import models as m
from thidua.compute.voting import (
    NO,
    YES,
    PositionOf,
    Tally,
    YamlPath,
    _kind_label,
    _shape_error,
    _unique,
    max_choices,
    tally,
)
from thidua.errors import Position, Problem, error, warning

# --- problems -------------------------------------------------------------------------

_CHECK_MINUTES = "hãy kiểm tra lại biên bản kiểm phiếu"


def _expected_ids(member_ids: Sequence[str]) -> str:
    return "cần một trong các mã: " + ", ".join(member_ids)


def tally_problems(ballot: m.Ballot, member_ids: Sequence[str], pos: PositionOf) -> list[Problem]:
    """Everything that makes ``ballot`` inconsistent, in Vietnamese, with positions.

    ``pos`` maps a path *relative to the ballot* (``("ket_qua", "NHNN")``, ``()`` for the
    ballot itself) to a position; the caller adds the ballot's own prefix
    (``("cuoc_bau", i)``). :func:`ballots_problems` does that for a whole file.
    """
    members = _unique(member_ids)
    problems: list[Problem] = []
    problems += _structure_problems(ballot, members, pos)
    if not ballot.held:  # defined ahead of the vote: its papers can be printed
        return problems
    missing = [
        key
        for key, value in (("phat_ra", ballot.issued), ("thu_ve", ballot.returned))
        if value is None
    ]
    if missing:
        problems.append(
            error(
                pos(()),
                "cuộc bỏ phiếu đã có kết quả cần ghi số phiếu phát ra (phat_ra) và số phiếu "
                f"thu về (thu_ve); còn thiếu {' và '.join(missing)}",
            )
        )
        return problems
    problems += _count_problems(ballot, members, pos)
    return problems


def ballots_problems(
    ballots: m.BallotsFile, member_ids: Sequence[str], pos: PositionOf
) -> list[Problem]:
    """:func:`tally_problems` for every ballot of a file, plus repeated ballot ids.

    Here ``pos`` takes paths from the file's root: ``("cuoc_bau", 0, "ket_qua", "NHNN")``.
    """
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, ballot in enumerate(ballots.ballots):
        base: YamlPath = ("cuoc_bau", i)
        if ballot.id in seen:
            problems.append(
                error(
                    pos((*base, "ma")),
                    f'mã cuộc bỏ phiếu "{ballot.id}" bị lặp lại; '
                    "mỗi cuộc bỏ phiếu cần một mã riêng",
                )
            )
        seen.add(ballot.id)

        def at(path: YamlPath, base: YamlPath = base) -> Position:
            return pos((*base, *path))

        problems += tally_problems(ballot, member_ids, at)
    return problems


def _structure_problems(
    ballot: m.Ballot, members: tuple[str, ...], pos: PositionOf
) -> list[Problem]:
    out: list[Problem] = []
    kind = ballot.kind
    member_set = set(members)
    if ballot.max_choices is not None and kind is not m.BallotKind.APPROVAL:
        out.append(
            error(
                pos(("so_chon_toi_da",)),
                "so_chon_toi_da chỉ dùng cho cuộc bỏ phiếu loại chon (chọn tối đa k đơn vị); "
                f"cuộc bỏ phiếu này có loại {kind.value}, hãy bỏ dòng này",
            )
        )
    if kind is m.BallotKind.YES_NO:
        if ballot.subject is None:
            example = f" (ví dụ de_xuat: {members[0]})" if members else ""
            out.append(
                error(
                    pos(()),
                    "cuộc bỏ phiếu loại tan_thanh cần de_xuat: mã đơn vị mà đề xuất "
                    f"nói đến{example}",
                )
            )
        elif ballot.subject not in member_set:
            out.append(
                error(
                    pos(("de_xuat",)),
                    f'"{ballot.subject}" không phải là đơn vị thành viên; {_expected_ids(members)}',
                )
            )
        if ballot.candidates is not None:
            out.append(
                error(
                    pos(("ung_vien",)),
                    "ung_vien không dùng cho cuộc bỏ phiếu loại tan_thanh; đơn vị được "
                    "đề xuất ghi ở de_xuat, hãy bỏ ung_vien",
                )
            )
        return out
    if ballot.subject is not None:
        out.append(
            error(
                pos(("de_xuat",)),
                f"de_xuat chỉ dùng cho cuộc bỏ phiếu loại tan_thanh; cuộc bỏ phiếu này có "
                f"loại {kind.value}, hãy bỏ dòng này (các ứng viên ghi ở ung_vien)",
            )
        )
    if ballot.candidates is not None:
        if not ballot.candidates:
            out.append(
                error(
                    pos(("ung_vien",)),
                    "ung_vien trống; hãy ghi ít nhất một đơn vị, hoặc bỏ ung_vien để mọi "
                    "thành viên đều là ứng viên",
                )
            )
        seen: set[str] = set()
        for j, mid in enumerate(ballot.candidates):
            if mid not in member_set:
                out.append(
                    error(
                        pos(("ung_vien", j)),
                        f'ứng viên "{mid}" không phải là đơn vị thành viên; '
                        f"{_expected_ids(members)}",
                    )
                )
            elif mid in seen:
                out.append(
                    error(
                        pos(("ung_vien", j)),
                        f'ứng viên "{mid}" được ghi hai lần; mỗi đơn vị chỉ ghi một lần',
                    )
                )
            seen.add(mid)
    return out


def _count_problems(ballot: m.Ballot, members: tuple[str, ...], pos: PositionOf) -> list[Problem]:
    out: list[Problem] = []
    returned, issued, present = ballot.returned, ballot.issued, ballot.present
    if returned is None or issued is None:  # tally_problems reports it
        return out
    n = len(members)
    # One paper per member: without co_mat, nothing else would stop nine papers from
    # deciding a seven-member cluster's vote.
    if issued > n:
        out.append(
            error(
                pos(("phat_ra",)),
                f"số phiếu phát ra ({issued}) lớn hơn số thành viên của Khối ({n}); "
                f"mỗi thành viên chỉ được phát một phiếu, {_CHECK_MINUTES}",
            )
        )
    if returned > issued:
        out.append(
            error(
                pos(("thu_ve",)),
                f"số phiếu thu về ({returned}) lớn hơn số phiếu phát ra ({issued}); "
                f"{_CHECK_MINUTES}",
            )
        )
    elif returned > n and present is None:
        out.append(
            error(
                pos(("thu_ve",)),
                f"số phiếu thu về ({returned}) lớn hơn số thành viên của Khối ({n}); "
                f"mỗi thành viên chỉ bỏ một phiếu, {_CHECK_MINUTES}",
            )
        )
    if present is not None:
        if present > len(members):
            out.append(
                error(
                    pos(("co_mat",)),
                    f"số thành viên có mặt ({present}) lớn hơn số thành viên của Khối "
                    f"({len(members)}); hãy kiểm tra lại",
                )
            )
        if returned > present:
            out.append(
                error(
                    pos(("thu_ve",)),
                    f"số phiếu thu về ({returned}) lớn hơn số thành viên có mặt ({present}); "
                    "mỗi thành viên có mặt chỉ bỏ một phiếu",
                )
            )
    if ballot.papers is not None and ballot.totals is not None:
        out.append(
            error(
                pos(()),
                "cuộc bỏ phiếu ghi cả kết quả (ket_qua) lẫn từng phiếu (phieu); hãy chỉ giữ "
                "một trong hai (khi có cả hai, thidua đếm theo phieu)",
            )
        )
    if ballot.papers is None and ballot.totals is None:
        out.append(
            error(
                pos(()),
                "cuộc bỏ phiếu chưa có kết quả; hãy ghi ket_qua (số phiếu của mỗi lựa chọn) "
                "hoặc phieu (từng phiếu, không ghi người bỏ phiếu)",
            )
        )
    result = tally(ballot, members)
    if ballot.papers is not None:
        out += _paper_problems(ballot, result, members, pos)
    else:
        out += _declared_count_problems(ballot, pos)
        if ballot.totals is not None:
            out += _totals_problems(ballot, result, members, pos)
    return out


def _paper_problems(
    ballot: m.Ballot, result: Tally, members: tuple[str, ...], pos: PositionOf
) -> list[Problem]:
    assert ballot.papers is not None
    out: list[Problem] = []
    count = len(ballot.papers)
    if count > len(members) and count != ballot.returned:
        # (With as many papers as returned, thu_ve is reported instead.)
        out.append(
            error(
                pos(("phieu",)),
                f"phieu ghi {count} phiếu, nhiều hơn số thành viên của Khối "
                f"({len(members)}); mỗi thành viên chỉ bỏ một phiếu, {_CHECK_MINUTES}",
            )
        )
    elif count != ballot.returned:
        out.append(
            error(
                pos(("phieu",)),
                f"phieu ghi {count} phiếu, khác số phiếu thu về ({ballot.returned}); hãy ghi "
                'đủ từng phiếu thu về, kể cả phiếu "không hợp lệ"',
            )
        )
    for key, declared, counted, label in (
        ("hop_le", ballot.valid, result.valid, "hợp lệ"),
        ("khong_hop_le", ballot.invalid, result.invalid, "không hợp lệ"),
    ):
        if declared is not None and declared != counted:
            out.append(
                error(
                    pos((key,)),
                    f"số phiếu {label} ghi là {declared}, nhưng đếm trong phieu được "
                    f"{counted}; hãy sửa {key} hoặc kiểm tra lại từng phiếu",
                )
            )
    expected = {
        m.BallotKind.APPROVAL: "danh sách mã các đơn vị được chọn",
        m.BallotKind.RANKED: 'bảng "đơn vị: thứ hạng" hoặc danh sách đơn vị theo thứ tự',
        m.BallotKind.YES_NO: '"đồng ý", "không đồng ý" hoặc "không hợp lệ"',
    }[ballot.kind]
    member_set = set(members)
    for j, paper in enumerate(ballot.papers):
        shape = _shape_error(ballot.kind, paper)
        if shape is not None:
            out.append(
                error(
                    pos(("phieu", j)),
                    f"phiếu thứ {j + 1} ghi {shape}, nhưng cuộc bỏ phiếu này có loại "
                    f"{ballot.kind.value} ({_kind_label(ballot)}); hãy ghi {expected}",
                )
            )
            continue
        if isinstance(paper, m.Answer):
            continue
        unknown = [mid for mid in dict.fromkeys(paper) if mid not in member_set]
        if unknown:
            names = ", ".join(f'"{mid}"' for mid in unknown)
            out.append(
                warning(
                    pos(("phieu", j)),
                    f"phiếu thứ {j + 1} ghi {names}, không phải mã đơn vị thành viên, nên "
                    "được tính là phiếu không hợp lệ; nếu đây là lỗi nhập liệu, hãy sửa lại "
                    f"mã ({_expected_ids(members)})",
                )
            )
    return out


def _declared_count_problems(ballot: m.Ballot, pos: PositionOf) -> list[Problem]:
    valid, invalid, returned = ballot.valid, ballot.invalid, ballot.returned
    if returned is None:  # tally_problems reports it
        return []
    if valid is not None and invalid is not None:
        if valid + invalid != returned:
            return [
                error(
                    pos(("hop_le",)),
                    f"số phiếu hợp lệ ({valid}) cộng không hợp lệ ({invalid}) là "
                    f"{valid + invalid}, khác số phiếu thu về ({returned}); {_CHECK_MINUTES}",
                )
            ]
        return []
    declared = (("hop_le", valid, "hợp lệ"), ("khong_hop_le", invalid, "không hợp lệ"))
    for key, value, label in declared:
        if value is not None and value > returned:
            return [
                error(
                    pos((key,)),
                    f"số phiếu {label} ({value}) lớn hơn số phiếu thu về ({returned}); "
                    f"{_CHECK_MINUTES}",
                )
            ]
    return []


def _totals_problems(
    ballot: m.Ballot, result: Tally, members: tuple[str, ...], pos: PositionOf
) -> list[Problem]:
    assert ballot.totals is not None
    out: list[Problem] = []
    member_set = set(members)
    option_set = set(result.options)
    for key in ballot.totals:
        where = pos(("ket_qua", key))
        if ballot.kind is m.BallotKind.YES_NO:
            if key not in option_set:
                out.append(
                    error(
                        where,
                        "kết quả cuộc bỏ phiếu loại tan_thanh chỉ ghi dong_y và khong_dong_y, "
                        f'nhưng gặp "{key}"',
                    )
                )
        elif key not in member_set:
            out.append(
                error(
                    where,
                    f'"{key}" trong ket_qua không phải là đơn vị thành viên; '
                    f"{_expected_ids(members)}",
                )
            )
        elif key not in option_set:
            out.append(
                error(
                    where,
                    f'"{key}" không có trong ung_vien của cuộc bỏ phiếu này; hãy bỏ dòng này '
                    f"hoặc thêm {key} vào ung_vien",
                )
            )
    valid = result.valid
    total = sum(result.votes.values())
    here = pos(("ket_qua",))
    recheck = "hãy kiểm tra lại kết quả kiểm phiếu"
    if ballot.kind is m.BallotKind.YES_NO:
        yes, no = result.votes[YES], result.votes[NO]
        if yes + no != valid:
            out.append(
                error(
                    here,
                    f"số phiếu đồng ý ({yes}) cộng không đồng ý ({no}) là {yes + no}, khác số "
                    f"phiếu hợp lệ ({valid}); mỗi phiếu hợp lệ là đồng ý hoặc không đồng ý",
                )
            )
    elif ballot.kind is m.BallotKind.APPROVAL:
        limit = max_choices(ballot)
        if limit > 1:
            # With one choice per paper the sum check below already covers this.
            for option in result.options:
                if result.votes[option] > valid:
                    out.append(
                        error(
                            pos(("ket_qua", option)),
                            f"{option} được {result.votes[option]} phiếu, nhiều hơn số phiếu "
                            f"hợp lệ ({valid}); {recheck}",
                        )
                    )
        if total > valid * limit:
            out.append(
                error(
                    here,
                    f"tổng số phiếu bầu cho các đơn vị ({total}) lớn hơn số phiếu hợp lệ "
                    f"({valid}) nhân số đơn vị được chọn tối đa ({limit}) là {valid * limit}; "
                    f"{recheck}",
                )
            )
        elif total < valid:
            out.append(
                error(
                    here,
                    f"tổng số phiếu bầu cho các đơn vị ({total}) nhỏ hơn số phiếu hợp lệ "
                    f"({valid}), mà mỗi phiếu hợp lệ chọn ít nhất một đơn vị (phiếu không chọn "
                    f"ai là phiếu không hợp lệ); {recheck}",
                )
            )
    else:
        n = len(result.options)
        top = n - 1
        full = n * (n - 1) // 2
        for option in result.options:
            if result.votes[option] > valid * top:
                out.append(
                    error(
                        pos(("ket_qua", option)),
                        f"{option} được {result.votes[option]} điểm Borda, nhiều hơn mức tối "
                        f"đa {valid * top} ({valid} phiếu hợp lệ × {top} điểm của hạng nhất); "
                        f"{recheck}",
                    )
                )
        if total > valid * full:
            out.append(
                error(
                    here,
                    f"tổng điểm Borda ({total}) lớn hơn mức tối đa {valid * full} ({valid} "
                    f"phiếu hợp lệ × {full} điểm của một phiếu xếp đủ {n} ứng viên); {recheck}",
                )
            )
        elif total < valid * top:
            out.append(
                error(
                    here,
                    f"tổng điểm Borda ({total}) nhỏ hơn mức tối thiểu {valid * top} ({valid} "
                    f"phiếu hợp lệ × {top} điểm của đơn vị xếp thứ nhất); {recheck}",
                )
            )
    return out
