"""Checks of ``van-ban.yaml`` (the report's own words, signer, addressing) and of the
people named in ``hoi-nghi.yaml`` who sign documents (the ballot-counting committee).

What the reader already refuses is not repeated here: unknown keys (with the likely meant
key), text that is not text, control characters. What is left needs the rest of the year:

- a report section missing from ``bao_cao`` while the conference is recorded and the year
  is not final: the report would print dotted lines there, so it is a warning naming the
  section, unless the key is written with no value (left blank on purpose);
- the committee (``ban_kiem_phieu``): each ``don_vi`` a member of the cluster; a head
  ("Trưởng ban") named when it has members, since the count's minutes are signed by one.
"""

from __future__ import annotations

from collections.abc import Iterator

from thidua import models as m
from thidua.compute.suggest import did_you_mean
from thidua.errors import Problem, error, warning
from thidua.year import CONFERENCE, DOCUMENTS, YearData

# The report sections' model field names, by key, in the order of REPORT_SECTIONS.
_SECTION_FIELDS = {
    info.alias: name
    for name, info in m.ReportText.model_fields.items()
    if info.alias is not None and info.alias in m.REPORT_SECTIONS
}

COMMITTEE_HEAD = "Trưởng ban"


def check_documents(data: YearData) -> Iterator[Problem]:
    """Report sections not written before a provisional year's conference; the
    ballot-counting committee's units are members, and it has a head."""
    yield from _missing_sections(data)
    yield from _committee(data)


def _missing_keys(report: m.ReportText | None) -> list[str]:
    """The keys of the report sections not written in ``report`` (a key with no value is
    written: the section left blank on purpose), in the report's order."""
    written = report.model_fields_set if report is not None else set()
    return [key for key in m.REPORT_SECTIONS if _SECTION_FIELDS[key] not in written]


def _missing_sections(data: YearData) -> Iterator[Problem]:
    documents = data.documents
    if documents is None or data.conference is None or data.final:
        return
    missing = _missing_keys(documents.report)
    if not missing:
        return
    named = ", ".join(f'"{m.REPORT_SECTIONS[key]}" ({key})' for key in missing)
    what = f"phần {named}" if len(missing) == 1 else f"{len(missing)} phần: {named}"
    yield warning(
        data.key_pos(DOCUMENTS, ("bao_cao",)),
        f"báo cáo tổng kết chưa có {what} nên sẽ in dòng chấm để viết tay; nếu cố ý để "
        f'trống, hãy ghi tên phần trong bao_cao mà không ghi lời văn, ví dụ "{missing[0]}:"',
    )


def _committee(data: YearData) -> Iterator[Problem]:
    conference = data.conference
    if conference is None or not conference.count_committee:
        return
    codes = data.member_ids
    known = set(codes)
    for i, person in enumerate(conference.count_committee):
        if person.member is not None and person.member not in known:
            yield error(
                data.pos(CONFERENCE, ("ban_kiem_phieu", i, "don_vi")),
                f'"{person.member}" không phải là đơn vị thành viên'
                f"{did_you_mean(person.member, codes)}; "
                f"cần một trong các mã: {', '.join(dict.fromkeys(codes))}",
            )
    head = COMMITTEE_HEAD.casefold()
    if not any((p.role or "").strip().casefold() == head for p in conference.count_committee):
        yield warning(
            data.key_pos(CONFERENCE, ("ban_kiem_phieu",)),
            f"Ban kiểm phiếu có {len(conference.count_committee)} người nhưng chưa ghi ai là "
            f"{COMMITTEE_HEAD} (biên bản kiểm phiếu do {COMMITTEE_HEAD} ký); hãy ghi "
            f'"nhiem_vu: {COMMITTEE_HEAD}" cho người đứng đầu (mỗi người một mục có ho_ten, '
            "nhiem_vu)",
        )
