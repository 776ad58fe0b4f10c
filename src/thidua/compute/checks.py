"""Cross-file rules: each a plain function ``YearData -> Iterable[Problem]``.

They run after every file validated on its own, so they may assume well-typed models but
nothing about how the files agree: ids may be unknown, counts may not add up. Each rule
reports every fault it sees, at the most precise position it knows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from thidua import models as m
from thidua.compute.ballot_rules import ballots_problems
from thidua.compute.member_rules import check_members
from thidua.compute.score_rules import scoring_problems
from thidua.compute.suggest import did_you_mean, ids_text
from thidua.compute.text_checks import check_documents
from thidua.errors import Position, Problem, error, warning
from thidua.read.spelling import spelling_problems
from thidua.sources import YamlPath
from thidua.year import (
    BALLOTS,
    CLUSTER,
    CONFERENCE,
    DOCUMENTS,
    REGULATION,
    SCORES_DIR,
    SEAL,
    TABLE,
    TASKS,
    YearData,
)

Rule = Callable[[YearData], Iterable[Problem]]


def check_years_match(data: YearData) -> Iterator[Problem]:
    """The ``nam`` inside every file equals the year of its folder."""
    files: list[tuple[str, int]] = [
        (CLUSTER, data.cluster.year),
        (REGULATION, data.regulation.year),
        (TABLE, data.table.year),
    ]
    for name, model in (
        (TASKS, data.tasks),
        (BALLOTS, data.ballots),
        (CONFERENCE, data.conference),
        (DOCUMENTS, data.documents),
        (SEAL, data.seal),
    ):
        if model is not None:
            files.append((name, model.year))
    files += [(data.score_files[mid], s.year) for mid, s in data.scores.items()]
    for name, year in files:
        if year != data.year:
            yield error(
                data.pos(name, ("nam",)),
                f"năm ghi trong tệp là {year}, khác năm của thư mục ({data.year}); "
                f"hãy sửa thành nam: {data.year} hoặc chuyển tệp sang thư mục {year}",
            )


def check_table(data: YearData) -> Iterator[Problem]:
    """Ids unique, each kind with the settings it needs, maxima adding up."""
    seen_groups: set[str] = set()
    seen_criteria: dict[str, str] = {}
    declared_total = Decimal(0)
    for gi, group in enumerate(data.table.groups):
        gpath: YamlPath = ("nhom", gi)
        if group.id in seen_groups:
            yield error(
                data.pos(TABLE, (*gpath, "ma")),
                f'mã nhóm "{group.id}" bị lặp lại; mỗi nhóm cần một mã riêng',
            )
        seen_groups.add(group.id)
        scored = Decimal(0)
        for ci, crit in enumerate(group.criteria):
            cpath: YamlPath = (*gpath, "tieu_chi", ci)
            if crit.id in seen_criteria:
                yield error(
                    data.pos(TABLE, (*cpath, "ma")),
                    f'mã tiêu chí "{crit.id}" bị lặp lại (đã dùng trong nhóm '
                    f"{seen_criteria[crit.id]}); mỗi tiêu chí cần một mã riêng",
                )
            seen_criteria.setdefault(crit.id, group.id)
            yield from _criterion_settings(data, crit, cpath)
            if crit.kind not in (m.CriterionKind.BONUS, m.CriterionKind.DEDUCTION):
                scored += crit.maximum
        if group.maximum is not None:
            declared_total += group.maximum
            if group.maximum != scored:
                yield error(
                    data.pos(TABLE, (*gpath, "toi_da")),
                    f"điểm tối đa của nhóm {group.id} ghi là {group.maximum}, nhưng tổng điểm "
                    f"tối đa các tiêu chí (không kể điểm cộng, điểm trừ) là {scored}; "
                    "hãy sửa cho khớp",
                )
        else:
            declared_total += scored
    if data.table.total is not None and data.table.total != declared_total:
        yield error(
            data.pos(TABLE, ("tong_diem",)),
            f"tổng điểm ghi là {data.table.total}, nhưng cộng điểm tối đa các nhóm được "
            f"{declared_total}; hãy sửa cho khớp",
        )


def _criterion_settings(data: YearData, crit: m.Criterion, path: YamlPath) -> Iterator[Problem]:
    kind = crit.kind
    where = f'tiêu chí "{crit.id}"'
    if kind is m.CriterionKind.QUALITATIVE and crit.qualitative_mode is None:
        yield error(
            data.pos(TABLE, path),
            f'{where} là định tính nên cần "cach_cham": dat_khong_dat (đạt được tối đa, '
            "không đạt được 0) hoặc thang_diem (chấm từ 0 đến tối đa)",
        )
    if kind is m.CriterionKind.PER_COUNT and crit.points_each is None:
        yield error(
            data.pos(TABLE, path),
            f'{where} là chấm thẳng theo số lần nên cần "diem_moi_lan" (số điểm cho mỗi lần)',
        )
    extras = (
        ("cach_cham", crit.qualitative_mode, m.CriterionKind.QUALITATIVE),
        ("cach_tinh", crit.quantitative_mode, m.CriterionKind.QUANTITATIVE),
        ("diem_moi_lan", crit.points_each, m.CriterionKind.PER_COUNT),
    )
    for key, value, owner in extras:
        if value is not None and kind is not owner:
            yield error(
                data.pos(TABLE, (*path, key)),
                f'"{key}" chỉ dùng cho tiêu chí loại {owner.value} ({owner.label}), '
                f"còn {where} thuộc loại {kind.value} ({kind.label}); hãy bỏ khóa này",
            )


def _criteria(data: YearData) -> dict[str, m.Criterion]:
    return {c.id: c for g in data.table.groups for c in g.criteria}


def check_scores(data: YearData) -> Iterator[Problem]:
    """Score files name a member, use known criteria, and cover the table."""
    yield from _score_members(data)
    yield from _score_criteria(data)
    yield from _missing_scores(data)


def _score_members(data: YearData) -> Iterator[Problem]:
    """Each score file names a member, and is named after it."""
    members = set(data.member_ids)
    for mid in data.scores:
        file = data.score_files[mid]
        if mid not in members:
            yield error(
                data.pos(file, ("don_vi",)),
                f'"{mid}" không phải là đơn vị thành viên của Khối năm {data.year}'
                f"{did_you_mean(mid, data.member_ids)}; "
                f"cần một trong các mã: {ids_text(data.member_ids)}",
            )
            continue
        stem = _stem(file)
        if stem != mid:
            yield warning(
                data.pos(file, ("don_vi",)),
                f'tệp {file} chứa điểm của đơn vị "{mid}"; nên đặt tên tệp là '
                f"{SCORES_DIR}/{mid}.yaml để mỗi đơn vị dễ tìm tệp của mình",
            )


def _score_criteria(data: YearData) -> Iterator[Problem]:
    """Each score file scores criteria of the table only."""
    criteria = _criteria(data)
    for mid, score in data.scores.items():
        file = data.score_files[mid]
        for cid in score.scores:
            if cid not in criteria:
                yield error(
                    data.key_pos(file, ("diem", cid)),
                    f'tiêu chí "{cid}" không có trong bảng tiêu chí năm {data.year}; '
                    f"cần một trong các mã: {ids_text(criteria)}",
                )


def _missing_scores(data: YearData) -> Iterator[Problem]:
    """Every member has scored every criterion (an error once the year is closed)."""
    members = set(data.member_ids)
    criteria = _criteria(data)
    closed = data.cluster.state is m.YearState.CLOSED
    # A member whose file is there but names it by a wrong-case code (diem/STC.yaml with
    # don_vi: stc) has that code reported above; "no score file" would point at the very
    # file that exists.
    misnamed = {
        code
        for other, file in data.score_files.items()
        if other not in members
        for code in data.member_ids
        if code.casefold() == other.casefold() or code == _stem(file)
    }
    for mid in data.member_ids:
        member_scores = data.scores.get(mid)
        file = data.score_files.get(mid, f"{SCORES_DIR}/{mid}.yaml")
        if _stem(file) in data.unreadable_scores or (member_scores is None and mid in misnamed):
            # Its file failed to load (what it says before a syntax error may be here) or
            # names another code; already reported.
            continue
        entries = member_scores.scores if member_scores else {}
        missing = [cid for cid in criteria if not _scored(entries.get(cid))]
        if not missing:
            continue
        make = error if closed else warning
        state = "năm đã kết thúc" if closed else "năm đang diễn ra"
        if member_scores is None:
            where = Position(data.shown(f"{SCORES_DIR}/{mid}.yaml"), 1, 1)
            yield make(where, f'chưa có tệp điểm của đơn vị "{mid}" ({state})')
        elif len(missing) == len(criteria):
            yield make(
                data.pos(data.score_files[mid], ("diem",)),
                f'đơn vị "{mid}" chưa chấm tiêu chí nào ({state})',
            )
        else:
            yield make(
                data.pos(data.score_files[mid], ("diem",)),
                f'đơn vị "{mid}" còn thiếu điểm {len(missing)} tiêu chí: '
                f"{ids_text(missing)} ({state})",
            )


def _stem(file: str) -> str:
    """``NHNN`` for ``diem/NHNN.yaml``."""
    return file.removeprefix(f"{SCORES_DIR}/").rsplit(".", 1)[0]


def _scored(entry: m.ScoreEntry | None) -> bool:
    return entry is not None and (entry.self_score is not None or entry.appraised is not None)


def check_regulation(data: YearData) -> Iterator[Problem]:
    """Sort keys, vote rules and the rotation name things that exist."""
    yield from _regulation_groups(data)
    yield from _regulation_ballots(data)
    yield from _regulation_members(data)


def _regulation_groups(data: YearData) -> Iterator[Problem]:
    """Sort keys ``nhom:<id>`` name groups of the table."""
    groups = {g.id for g in data.table.groups}
    for i, key in enumerate(data.regulation.ranking.keys):
        kind, _, ref = key.partition(":")
        if kind == "nhom" and ref not in groups:
            yield error(
                data.pos(REGULATION, ("xep_hang", "thu_tu", i)),
                f'khóa xếp hạng "{key}" nói đến nhóm "{ref}" không có trong bảng tiêu chí; '
                f"cần một trong các nhóm: {ids_text(g.id for g in data.table.groups)}",
            )


def _regulation_ballots(data: YearData) -> Iterator[Problem]:
    """Sort keys and vote rules name ballots of the ballots file; awards are well-formed."""
    reg = data.regulation
    ballots = {b.id for b in data.ballots.ballots} if data.ballots else set()
    have_ballots = data.ballots is not None
    for i, key in enumerate(reg.ranking.keys):
        kind, _, ref = key.partition(":")
        if kind == "phieu" and have_ballots and ref not in ballots:
            yield error(
                data.pos(REGULATION, ("xep_hang", "thu_tu", i)),
                f'khóa xếp hạng "{key}" nói đến cuộc bỏ phiếu "{ref}" không có trong '
                f"{BALLOTS}; cần một trong: {ids_text(ballots) or '(chưa có cuộc bỏ phiếu nào)'}",
            )
    rules = (
        ("dan_dau", reg.leading),
        ("bau_truong_khoi", reg.leader_election),
        ("bau_pho_khoi", reg.deputy_election),
    )
    for key, rule in rules:
        if rule is not None and have_ballots and rule.ballot not in ballots:
            yield error(
                data.pos(REGULATION, (key, "cuoc_bau")),
                f'cuộc bỏ phiếu "{rule.ballot}" không có trong {BALLOTS}; '
                f"cần một trong: {ids_text(ballots) or '(chưa có cuộc bỏ phiếu nào)'}",
            )
    for i, award in enumerate(reg.awards):
        if award.count is not None and award.share is not None:
            yield error(
                data.pos(REGULATION, ("khen_thuong", i)),
                f'hình thức "{award.name}": chỉ ghi một trong hai "so_luong" hoặc "ty_le"',
            )


def _regulation_members(data: YearData) -> Iterator[Problem]:
    """The rotation names each member at most once, members only, and more than one (warning)."""
    members = set(data.member_ids)
    seen: set[str] = set()
    for i, mid in enumerate(data.regulation.rotation):
        if mid not in members:
            yield error(
                data.pos(REGULATION, ("luan_phien", i)),
                f'"{mid}" trong thứ tự luân phiên không phải là đơn vị thành viên'
                f"{did_you_mean(mid, data.member_ids)}; "
                f"cần một trong các mã: {ids_text(data.member_ids)}",
            )
        elif mid in seen:
            yield error(
                data.pos(REGULATION, ("luan_phien", i)),
                f'"{mid}" xuất hiện hai lần trong thứ tự luân phiên; mỗi đơn vị chỉ ghi một lần',
            )
        seen.add(mid)
    if len(seen) == 1:
        yield warning(
            data.pos(REGULATION, ("luan_phien",)),
            "thứ tự luân phiên chỉ có một đơn vị: Trưởng khối, Phó khối năm sau không xác định "
            "được theo luân phiên; cần ghi ít nhất hai đơn vị",
        )


def check_ballots(data: YearData) -> Iterable[Problem]:
    """Ballots name members only, counts add up, papers are well-formed, ids are unique
    (rules of :mod:`thidua.compute.voting`)."""
    if data.ballots is None:
        return []

    def pos(path: YamlPath) -> Position:
        return data.pos(BALLOTS, path)

    problems = ballots_problems(data.ballots, data.member_ids, pos)
    if data.final:
        for i, ballot in enumerate(data.ballots.ballots):
            if not ballot.held:
                problems.append(
                    error(
                        pos(("cuoc_bau", i)),
                        f"năm {data.year} đã kết thúc nhưng cuộc bỏ phiếu “{ballot.title}” chưa "
                        "có kết quả; hãy ghi phat_ra, thu_ve và ket_qua (hoặc phieu) theo biên "
                        "bản kiểm phiếu, hoặc bỏ cuộc bỏ phiếu không tiến hành",
                    )
                )
    return problems


def check_score_values(data: YearData) -> Iterable[Problem]:
    """Score shapes, bounds and reasons (rules of :mod:`thidua.compute.scoring`)."""
    return scoring_problems(data)


def check_conference(data: YearData) -> Iterator[Problem]:
    """Attendees, chair and secretary belong to the cluster; the date fits the year."""
    conf = data.conference
    if conf is None:
        return
    members = set(data.member_ids)
    expected = f"cần một trong các mã: {ids_text(data.member_ids)}"
    seen: set[str] = set()
    for i, att in enumerate(conf.attendees):
        if att.member not in members:
            yield error(
                data.pos(CONFERENCE, ("thanh_phan", i, "don_vi")),
                f'"{att.member}" không phải là đơn vị thành viên'
                f"{did_you_mean(att.member, data.member_ids)}; {expected}",
            )
        elif att.member in seen:
            yield error(
                data.pos(CONFERENCE, ("thanh_phan", i, "don_vi")),
                f'đơn vị "{att.member}" được ghi hai lần trong thành phần tham dự',
            )
        seen.add(att.member)
    for key, person in (("chu_tri", conf.chair), ("thu_ky", conf.secretary)):
        if person is not None and person.member is not None and person.member not in members:
            yield error(
                data.pos(CONFERENCE, (key, "don_vi")),
                f'"{person.member}" không phải là đơn vị thành viên'
                f"{did_you_mean(person.member, data.member_ids)}; {expected}",
            )
    if conf.date.year not in (data.year, data.year + 1):
        yield warning(
            data.pos(CONFERENCE, ("ngay",)),
            f"hội nghị tổng kết năm {data.year} lại họp vào năm {conf.date.year}; "
            "hãy kiểm tra lại ngày họp",
        )
    if conf.start is not None and conf.end is not None and conf.end <= conf.start:
        yield error(
            data.pos(CONFERENCE, ("ket_thuc",)),
            "giờ kết thúc phải sau giờ bắt đầu",
        )
    vote = conf.minutes_vote
    if vote is not None:
        where = data.pos(CONFERENCE, ("thong_qua_bien_ban", "tan_thanh"))
        if vote.agreed > vote.present:
            yield error(where, f"số tán thành ({vote.agreed}) lớn hơn số có mặt ({vote.present})")
        elif vote.agreed * 2 <= vote.present:
            yield warning(
                where,
                f"số tán thành ({vote.agreed}) không quá một nửa số có mặt ({vote.present}) "
                "nên biên bản không được thông qua; hãy kiểm tra lại số liệu biểu quyết",
            )


def check_tasks(data: YearData) -> Iterator[Problem]:
    """No more focus tasks named than the declared count."""
    tasks = data.tasks
    if tasks is None or tasks.declared_tasks is None:
        return
    if len(tasks.tasks) > tasks.declared_tasks:
        yield error(
            data.pos(TASKS, ("so_nhiem_vu_trong_tam",)),
            f"ghi {tasks.declared_tasks} nhiệm vụ trọng tâm nhưng danh sách có "
            f"{len(tasks.tasks)}; hãy sửa cho khớp",
        )


def check_spelling(data: YearData) -> Iterator[Problem]:
    """The same word spelled with two tone placements (e.g. "Hoà" and "Hòa")."""
    return spelling_problems(data.spellings)


RULES: tuple[Rule, ...] = (
    check_years_match,
    check_members,
    check_table,
    check_scores,
    check_score_values,
    check_regulation,
    check_ballots,
    check_conference,
    check_tasks,
    check_spelling,
    check_documents,
)


# --- when a required file could not be read ----------------------------------------------

# What each rule reads of the required files, part by part. A part that reads a broken
# file is skipped: the placeholder standing in for it holds only its year (see
# thidua.read.load.YearReading). The note on the broken file names what a skipped part
# would have checked, when it has something to check (the test; it reads no broken file);
# a part checking only the broken file's own content has no words. A rule not listed
# here is taken to read every required file, without words.
_Broken = dict[str, Position]
_Part = tuple[Rule, tuple[str, ...], str, Callable[[YearData, _Broken], bool]]
_EVERY_REQUIRED = (CLUSTER, REGULATION, TABLE)


def _never(data: YearData, broken: _Broken) -> bool:
    return False


def _has_scores(data: YearData, broken: _Broken) -> bool:
    return bool(data.scores)


_PARTS: dict[Rule, tuple[_Part, ...]] = {
    check_years_match: ((check_years_match, (), "", _never),),
    check_members: ((check_members, (CLUSTER,), "", _never),),
    check_table: ((check_table, (TABLE,), "", _never),),
    check_scores: (
        (_score_members, (CLUSTER,), "mã đơn vị ghi trong các tệp điểm", _has_scores),
        (_score_criteria, (TABLE,), "mã tiêu chí trong các tệp điểm", _has_scores),
        (_missing_scores, (CLUSTER, TABLE), "điểm còn thiếu của các đơn vị", _has_scores),
    ),
    check_score_values: (
        (check_score_values, (TABLE,), "cách ghi và giới hạn của điểm", _has_scores),
    ),
    check_regulation: (
        (
            _regulation_groups,
            (REGULATION, TABLE),
            "các nhóm nêu trong quy chế",
            lambda d, b: (
                REGULATION not in b
                and any(k.startswith("nhom:") for k in d.regulation.ranking.keys)
            ),
        ),
        (_regulation_ballots, (REGULATION,), "", _never),
        (
            _regulation_members,
            (REGULATION, CLUSTER),
            "các đơn vị trong thứ tự luân phiên của quy chế",
            lambda d, b: REGULATION not in b and bool(d.regulation.rotation),
        ),
    ),
    check_ballots: (
        (
            check_ballots,
            (CLUSTER,),
            "mã đơn vị và số phiếu trong kết quả bỏ phiếu",
            lambda d, b: d.ballots is not None,
        ),
    ),
    check_conference: (
        (
            check_conference,
            (CLUSTER,),
            "mã đơn vị trong hội nghị tổng kết",
            lambda d, b: d.conference is not None,
        ),
    ),
    check_documents: (
        (
            check_documents,
            (CLUSTER,),
            "lời văn báo cáo và ban kiểm phiếu",
            lambda d, b: d.conference is not None,
        ),
    ),
    check_tasks: ((check_tasks, (), "", _never),),
    check_spelling: ((check_spelling, (), "", _never),),
}


def run_checks(data: YearData, broken: _Broken | None = None) -> list[Problem]:
    """The problems every rule finds in ``data``.

    ``broken``: required files that could not be read (missing or with errors; see
    :class:`thidua.read.load.YearReading`), each with the place of its last problem. The
    parts of rules that read one are skipped, and each such file gets one warning there
    naming what could not be checked because of it.
    """
    broken = broken or {}
    problems: list[Problem] = []
    unchecked: dict[str, list[str]] = {}
    for rule in RULES:
        for part, needs, what, test in _PARTS.get(rule, ((rule, _EVERY_REQUIRED, "", _never),)):
            blocked = [name for name in needs if name in broken]
            if not blocked:
                problems.extend(part(data))
            elif test(data, broken):
                for name in blocked:
                    unchecked.setdefault(name, []).append(what)
    for name, whats in unchecked.items():
        # At the file's last problem, so it follows them (and, by its first word, the
        # note of a syntax error that stopped the reader there).
        problems.append(
            warning(
                broken[name],
                "vì chưa đọc được tệp này nên chưa kiểm tra được những gì cần đến nó: "
                + ", ".join(dict.fromkeys(whats))
                + "; sửa xong tệp này, hãy chạy lại thidua check để kiểm tra nốt",
            )
        )
    return problems


def count_missing(data: YearData) -> tuple[int, int]:
    """(entered, missing) score entries over members × criteria."""
    criteria = _criteria(data)
    entered = 0
    for mid in data.member_ids:
        score = data.scores.get(mid)
        if score is None:
            continue
        entered += sum(1 for cid in criteria if _scored(score.scores.get(cid)))
    total = len(criteria) * len(data.member_ids)
    return entered, total - entered
