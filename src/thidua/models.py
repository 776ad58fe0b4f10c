"""The data of one cluster-year, as pydantic models. No I/O here.

The YAML reader gives every scalar as ``str`` (or ``None``), so these models turn text
into numbers themselves (the parsers are in :mod:`thidua.scalars`): exact
:class:`~decimal.Decimal` for scores, :class:`int` from digits only (ASCII ``0``-``9``, at
most ``MAX_DIGITS`` of them in any number), :class:`~fractions.Fraction` for thresholds
("50%", "2/3"), dates written ``2020-12-30`` or ``30/12/2020``. Keys in the files are
Vietnamese without diacritics (the field aliases); attributes are English. Every model
forbids unknown keys, so a typo in a key is an error rather than a silently ignored field.

Rules that need more than one value or file (unknown ids, bounds that depend on the
scoring table, counts that must add up) live in :mod:`thidua.compute.checks`.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
from decimal import Decimal
from fractions import Fraction
from typing import Annotated

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from thidua.scalars import (
    _DECIMAL,
    _OTHER_DIGITS,
    ID_PATTERN,
    _check_digits,
    _err,
    _show,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    parse_share,
    parse_time,
)

# --- scalar types (parsed in thidua.scalars) ---------------------------------------------

Dec = Annotated[Decimal, BeforeValidator(parse_decimal)]
Count = Annotated[int, BeforeValidator(parse_int)]
Date = Annotated[dt.date, BeforeValidator(parse_date)]
Time = Annotated[dt.time, BeforeValidator(parse_time)]
Share = Annotated[Fraction, BeforeValidator(parse_share)]
Flag = Annotated[bool, BeforeValidator(parse_bool)]
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]
Text = Annotated[str, Field(min_length=1)]


class Model(BaseModel):
    """Base: unknown keys refused, values immutable, keys read by their Vietnamese alias."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        validate_by_alias=True,
        validate_by_name=False,
        serialize_by_alias=True,
        str_strip_whitespace=True,
        arbitrary_types_allowed=True,
    )


# --- khoi.yaml: the cluster, its members, the year's leader ------------------------------


class YearState(enum.Enum):
    IN_PROGRESS = "dang_dien_ra"
    CLOSED = "da_ket_thuc"

    @property
    def label(self) -> str:
        return "đang diễn ra" if self is YearState.IN_PROGRESS else "đã kết thúc"


class Member(Model):
    id: Id = Field(alias="ma")
    short_name: Text = Field(alias="ten_ngan")
    name: Text = Field(alias="ten")
    head_title: str | None = Field(None, alias="chuc_danh_thu_truong")
    head_name: str | None = Field(None, alias="ho_ten_thu_truong")


class ClusterFile(Model):
    """``khoi.yaml``: who the cluster is this year."""

    year: Count = Field(alias="nam")
    illustrative: Flag = Field(False, alias="minh_hoa")
    name: Text = Field(alias="ten")
    short_name: str | None = Field(None, alias="ten_ngan")
    place: Text = Field(alias="dia_ban")
    parent_body: str | None = Field(None, alias="co_quan_cap_tren")
    state: YearState = Field(alias="trang_thai")
    leader: Id | None = Field(None, alias="truong_khoi")
    deputy: Id | None = Field(None, alias="pho_khoi")
    members: list[Member] = Field(alias="thanh_vien", min_length=1)
    note: str | None = Field(None, alias="ghi_chu")


# --- quy-che.yaml: the year's regulation --------------------------------------------------


class Comparison(enum.Enum):
    GREATER = "lon_hon"  # strictly more than the threshold
    AT_LEAST = "tu"  # the threshold or more


class Denominator(enum.Enum):
    MEMBERS = "thanh_vien"  # every member of the cluster
    PRESENT = "co_mat"  # members present at the vote
    VALID = "hop_le"  # valid ballot papers

    @property
    def label(self) -> str:
        return {
            Denominator.MEMBERS: "tổng số thành viên",
            Denominator.PRESENT: "số thành viên có mặt",
            Denominator.VALID: "số phiếu hợp lệ",
        }[self]


class VoteRule(Model):
    """Which ballot decides, and the share of votes needed over which denominator."""

    ballot: Id = Field(alias="cuoc_bau")
    threshold: Share = Field(alias="nguong")
    comparison: Comparison = Field(Comparison.GREATER, alias="so_sanh")
    denominator: Denominator = Field(Denominator.VALID, alias="mau_so")


class Ranking(Model):
    """Sort keys, best first. Each is one of:

    ``diem`` (final total, higher first), ``diem_tu_cham`` (self total, higher first),
    ``phieu:<ballot>`` (votes in that ballot, more first), ``nhom:<group>`` (that group's
    subtotal, higher first), ``diem_tru`` (deduction points, fewer first),
    ``diem_cong`` (bonus points, more first). Members equal on every key share a rank.
    """

    keys: list[
        Annotated[str, Field(pattern=r"^(diem|diem_tu_cham|diem_tru|diem_cong|phieu:.+|nhom:.+)$")]
    ] = Field(alias="thu_tu", min_length=1)


class AwardTarget(enum.Enum):
    LEADING = "dan_dau"  # the leading unit only
    NEXT = "tiep_theo"  # the next eligible members in rank order, after the leading unit


class AwardLimit(Model):
    """A cap that is warned about, not enforced (e.g. the ≤ 20 % Government-flag rule)."""

    share: Share = Field(alias="ty_le")
    base: Count | None = Field(None, alias="tren_so")
    note: str | None = Field(None, alias="ghi_chu")


class AwardRule(Model):
    name: Text = Field(alias="hinh_thuc")
    target: AwardTarget = Field(alias="doi_tuong")
    count: Count | None = Field(None, alias="so_luong")
    share: Share | None = Field(None, alias="ty_le")
    min_score: Dec | None = Field(None, alias="diem_toi_thieu")
    limit: AwardLimit | None = Field(None, alias="gioi_han")


class RegulationFile(Model):
    """``quy-che.yaml``: how this year's members are ranked and rewarded."""

    year: Count = Field(alias="nam")
    illustrative: Flag = Field(False, alias="minh_hoa")
    title: str | None = Field(None, alias="ten")
    bases: list[Text] = Field(default_factory=list, alias="can_cu")
    ranking: Ranking = Field(alias="xep_hang")
    leading: VoteRule | None = Field(None, alias="dan_dau")
    awards: list[AwardRule] = Field(default_factory=list, alias="khen_thuong")
    leader_election: VoteRule | None = Field(None, alias="bau_truong_khoi")
    deputy_election: VoteRule | None = Field(None, alias="bau_pho_khoi")
    rotation: list[Id] = Field(default_factory=list, alias="luan_phien")
    note: str | None = Field(None, alias="ghi_chu")


# --- tieu-chi.yaml: the scoring table -----------------------------------------------------


class CriterionKind(enum.Enum):
    QUALITATIVE = "dinh_tinh"  # met -> max, not met -> 0; or graded in [0, max]
    QUANTITATIVE = "dinh_luong"  # actual against target
    PER_COUNT = "dem"  # count x points, capped at max
    BONUS = "cong"  # bonus points in [0, max]
    DEDUCTION = "tru"  # deduction points in [0, max], subtracted

    @property
    def label(self) -> str:
        return {
            CriterionKind.QUALITATIVE: "định tính",
            CriterionKind.QUANTITATIVE: "định lượng",
            CriterionKind.PER_COUNT: "chấm thẳng",
            CriterionKind.BONUS: "điểm cộng",
            CriterionKind.DEDUCTION: "điểm trừ",
        }[self]


class QualitativeMode(enum.Enum):
    MET = "dat_khong_dat"  # "đạt" gives the maximum, "không đạt" gives 0
    GRADED = "thang_diem"  # any score in [0, max]


class QuantitativeMode(enum.Enum):
    # The published pattern: below target pro rata up to half, the best in the cluster
    # gets the maximum, others above target interpolate between half and the maximum.
    RELATIVE_TO_BEST = "so_voi_dan_dau"
    # max x actual / target, capped at max.
    PROPORTIONAL = "ty_le"


class Criterion(Model):
    id: Id = Field(alias="ma")
    name: Text = Field(alias="ten")
    kind: CriterionKind = Field(alias="loai")
    maximum: Dec = Field(alias="toi_da", gt=0)
    qualitative_mode: QualitativeMode | None = Field(None, alias="cach_cham")
    quantitative_mode: QuantitativeMode | None = Field(None, alias="cach_tinh")
    points_each: Dec | None = Field(None, alias="diem_moi_lan", gt=0)
    guidance: str | None = Field(None, alias="huong_dan")


class Group(Model):
    id: Id = Field(alias="ma")
    name: Text = Field(alias="ten")
    maximum: Dec | None = Field(None, alias="toi_da")
    criteria: list[Criterion] = Field(alias="tieu_chi", min_length=1)


class ScoringTableFile(Model):
    """``tieu-chi.yaml``: groups of criteria with their maxima and kind."""

    year: Count = Field(alias="nam")
    illustrative: Flag = Field(False, alias="minh_hoa")
    title: str | None = Field(None, alias="ten")
    total: Dec | None = Field(None, alias="tong_diem")
    groups: list[Group] = Field(alias="nhom", min_length=1)
    note: str | None = Field(None, alias="ghi_chu")


# --- nhiem-vu.yaml: focus tasks and emulation movements ------------------------------------


class TasksFile(Model):
    year: Count = Field(alias="nam")
    declared_tasks: Count | None = Field(None, alias="so_nhiem_vu_trong_tam")
    tasks: list[Text] = Field(default_factory=list, alias="nhiem_vu_trong_tam")
    movements: list[Text] = Field(default_factory=list, alias="phong_trao")
    source: str | None = Field(None, alias="nguon")
    note: str | None = Field(None, alias="ghi_chu")


# --- diem/<MEMBER>.yaml: one member's scores ----------------------------------------------


class Met(enum.Enum):
    MET = "đạt"
    NOT_MET = "không đạt"


class Quantity(Model):
    actual: Dec = Field(alias="thuc_hien", ge=0)
    target: Dec = Field(alias="chi_tieu", gt=0)


def parse_score_value(value: object) -> object:
    """A score is a number, ``đạt``/``không đạt``, or ``{thuc_hien, chi_tieu}``."""
    if isinstance(value, str):
        return _score_text(value)
    if isinstance(value, dict):
        return Quantity.model_validate(value)
    return _score_number(value)


@functools.lru_cache(maxsize=4096)
def _score_text(value: str) -> Decimal | Met:
    """A score written as text: a number or ``đạt``/``không đạt`` (cached, see above)."""
    if _DECIMAL.fullmatch(value):
        _check_digits(value, value)
        return Decimal(value)  # the common case, first
    text = value.strip()
    if text in ("đạt", "không đạt"):
        return Met(text)
    if text.lower() in ("dat", "khong dat"):
        raise _err(f'{_show(value)} thiếu dấu: hãy viết "đạt" hoặc "không đạt"')
    if _DECIMAL.fullmatch(text) or _OTHER_DIGITS.fullmatch(text):
        return parse_decimal(value)  # a number, or raises why it is not one
    return _score_number(value)


def _score_number(value: object) -> Decimal:
    try:
        return parse_decimal(value)
    except PydanticCustomError:
        raise _err(
            'cần một số điểm (ví dụ 9.5), "đạt"/"không đạt", hoặc '
            f"{{thuc_hien: ..., chi_tieu: ...}}, nhưng gặp {_show(value)}"
        ) from None


ScoreValue = Annotated[
    Decimal | Met | Quantity,
    # Plain: the parser already returns the right type; pydantic re-checking the union
    # would double the cost of reading score files. The schema still shows the shapes.
    PlainValidator(parse_score_value, json_schema_input_type=Decimal | Met | Quantity),
]


class ScoreEntry(Model):
    self_score: ScoreValue | None = Field(None, alias="tu_cham")
    appraised: ScoreValue | None = Field(None, alias="tham_dinh")
    reason: str | None = Field(None, alias="ly_do")
    evidence: str | None = Field(None, alias="minh_chung")
    explanation: str | None = Field(None, alias="giai_trinh")


class Exclusion(Model):
    """The member cannot lead nor be proposed for an award this year, whatever its score."""

    reason: Text = Field(alias="ly_do")


class ScoreFile(Model):
    """``diem/<MEMBER>.yaml``: one member's self-scores and their appraisal."""

    year: Count = Field(alias="nam")
    member: Id = Field(alias="don_vi")
    illustrative: Flag = Field(False, alias="minh_hoa")
    scores: dict[Annotated[str, Field(pattern=ID_PATTERN)], ScoreEntry] = Field(
        default_factory=dict, alias="diem"
    )
    exclusion: Exclusion | None = Field(None, alias="khong_xet")
    note: str | None = Field(None, alias="ghi_chu")


# --- phieu-bau.yaml: secret-ballot results ------------------------------------------------


class BallotKind(enum.Enum):
    APPROVAL = "chon"  # choose up to k members
    RANKED = "xep_hang"  # rank members in order, counted by Borda
    YES_NO = "tan_thanh"  # yes or no on one proposal

    @property
    def label(self) -> str:
        return {
            BallotKind.APPROVAL: "chọn tối đa k đơn vị",
            BallotKind.RANKED: "xếp thứ tự",
            BallotKind.YES_NO: "tán thành / không tán thành",
        }[self]


class Answer(enum.Enum):
    YES = "đồng ý"
    NO = "không đồng ý"
    SPOILED = "không hợp lệ"  # a paper void for a reason not visible in the data


def _paper_id(value: object) -> str:
    if isinstance(value, str) and re.fullmatch(ID_PATTERN, value):
        return value
    raise _err(f"cần mã một đơn vị thành viên (ví dụ NHNN), nhưng gặp {_show(value)}")


def parse_paper(value: object) -> object:
    """An anonymous paper: a list of member ids, a mapping id -> rank, or an answer."""
    if isinstance(value, str) and value.strip() in {a.value for a in Answer}:
        return Answer(value.strip())
    if isinstance(value, list):
        return [_paper_id(item) for item in value]
    if isinstance(value, dict):
        return {_paper_id(key): parse_int(rank) for key, rank in value.items()}
    raise _err(
        'cần một phiếu: danh sách đơn vị được chọn, bảng "đơn vị: thứ hạng", hoặc '
        f'"đồng ý" / "không đồng ý" / "không hợp lệ", nhưng gặp {_show(value)}'
    )


Paper = Annotated[list[Id] | dict[Id, Count] | Answer, BeforeValidator(parse_paper)]


class Ballot(Model):
    """One secret ballot: its counts, and either totals per option or anonymous papers.

    Totals: ``ket_qua`` maps a member id (or ``dong_y``/``khong_dong_y`` for a yes/no
    ballot) to its votes; for a ranked ballot, to its Borda points. No record names a voter.
    """

    id: Id = Field(alias="ma")
    title: Text = Field(alias="ten")
    kind: BallotKind = Field(alias="loai")
    max_choices: Count | None = Field(None, alias="so_chon_toi_da", ge=1)
    candidates: list[Id] | None = Field(None, alias="ung_vien")
    subject: Id | None = Field(None, alias="de_xuat")
    question: str | None = Field(None, alias="noi_dung")
    present: Count | None = Field(None, alias="co_mat")
    issued: Count | None = Field(None, alias="phat_ra")
    returned: Count | None = Field(None, alias="thu_ve")
    valid: Count | None = Field(None, alias="hop_le")
    invalid: Count | None = Field(None, alias="khong_hop_le")
    totals: dict[Id, Count] | None = Field(None, alias="ket_qua")
    papers: list[Paper] | None = Field(None, alias="phieu")

    @property
    def held(self) -> bool:
        """The vote took place: some count or result is written."""
        return (
            any(
                value is not None
                for value in (self.issued, self.returned, self.present, self.valid, self.invalid)
            )
            or self.totals is not None
            or self.papers is not None
        )


class BallotsFile(Model):
    year: Count = Field(alias="nam")
    illustrative: Flag = Field(False, alias="minh_hoa")
    ballots: list[Ballot] = Field(default_factory=list, alias="cuoc_bau")
    note: str | None = Field(None, alias="ghi_chu")


# --- hoi-nghi.yaml: the year-end conference -----------------------------------------------


class Person(Model):
    name: str | None = Field(None, alias="ho_ten")
    title: str | None = Field(None, alias="chuc_vu")
    member: Id | None = Field(None, alias="don_vi")


class CommitteeMember(Model):
    """A member of the ballot-counting committee (Ban kiểm phiếu) the conference elected.

    Written either as a mapping or, as before, as one line of text (the name).
    """

    name: Text = Field(alias="ho_ten")
    title: str | None = Field(None, alias="chuc_vu")
    member: Id | None = Field(None, alias="don_vi")
    role: str | None = Field(None, alias="nhiem_vu")  # "Trưởng ban", "Thành viên"

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        if isinstance(value, str):
            return {"ho_ten": value}
        return value


class Attendance(Model):
    member: Id = Field(alias="don_vi")
    delegates: list[Text] = Field(default_factory=list, alias="dai_dien")


class MinutesVote(Model):
    """The vote adopting the minutes: how many agreed out of how many present."""

    agreed: Count = Field(alias="tan_thanh")
    present: Count = Field(alias="co_mat")


class DocumentNumbers(Model):
    minutes: str | None = Field(None, alias="bien_ban")
    report: str | None = Field(None, alias="bao_cao")
    proposal: str | None = Field(None, alias="to_trinh")


class ConferenceFile(Model):
    """``hoi-nghi.yaml``: the year-end conference and what it concluded."""

    year: Count = Field(alias="nam")
    name: Text = Field(alias="ten")
    date: Date = Field(alias="ngay")
    start: Time | None = Field(None, alias="bat_dau")
    end: Time | None = Field(None, alias="ket_thuc")
    venue: str | None = Field(None, alias="dia_diem")
    chair: Person | None = Field(None, alias="chu_tri")
    secretary: Person | None = Field(None, alias="thu_ky")
    attendees: list[Attendance] = Field(default_factory=list, alias="thanh_phan")
    guests: list[Text] = Field(default_factory=list, alias="khach_moi")
    agenda: list[Text] = Field(default_factory=list, alias="chuong_trinh")
    discussion: list[Text] = Field(default_factory=list, alias="thao_luan")
    conclusions: list[Text] = Field(default_factory=list, alias="ket_luan")
    count_committee: list[CommitteeMember] = Field(default_factory=list, alias="ban_kiem_phieu")
    minutes_vote: MinutesVote | None = Field(None, alias="thong_qua_bien_ban")
    numbers: DocumentNumbers | None = Field(None, alias="so_van_ban")
    recipients: list[Text] = Field(default_factory=list, alias="noi_nhan")
    source: str | None = Field(None, alias="nguon")
    note: str | None = Field(None, alias="ghi_chu")


# --- khoa-so.yaml: the seal of a closed year ----------------------------------------------


class SealAction(enum.Enum):
    CLOSE = "khoa_so"  # the year was closed and its content sealed
    REOPEN = "mo_lai"  # the year was reopened, with a reason

    @property
    def label(self) -> str:
        return "khóa sổ" if self is SealAction.CLOSE else "mở lại"


class SealEvent(Model):
    """One closing or reopening of the year; the file keeps every one, oldest first."""

    action: SealAction = Field(alias="viec")
    date: Date = Field(alias="ngay")
    by: Text = Field(alias="nguoi")
    digest: str | None = Field(None, alias="ma_du_lieu")
    reason: str | None = Field(None, alias="ly_do")

    @model_validator(mode="after")
    def _needs(self) -> SealEvent:
        if self.action is SealAction.CLOSE and not self.digest:
            raise _err('lần khóa sổ cần "ma_du_lieu" (mã của dữ liệu lúc khóa sổ)')
        if self.action is SealAction.REOPEN and not self.reason:
            raise _err('lần mở lại cần "ly_do" (lý do mở lại năm đã khóa sổ)')
        return self


class SealFile(Model):
    """``khoa-so.yaml``: the history of closing and reopening the year."""

    year: Count = Field(alias="nam")
    events: list[SealEvent] = Field(alias="lich_su", min_length=1)

    @property
    def last(self) -> SealEvent:
        return self.events[-1]


# --- van-ban.yaml: the secretariat's own words, who signs, to whom ---------------------------


class Signer(Model):
    """Who signs a document issued in the cluster's name, and in what capacity.

    Printed as ``TM. <cluster>`` / ``<capacity>`` / ``<post>`` and, below the space for the
    signature and seal, the name. Unset parts default to the year's leader unit (its head's
    title and name from ``khoi.yaml``).
    """

    on_behalf: str | None = Field(None, alias="thay_mat")  # "TM. KHỐI THI ĐUA ..."; "" = none
    capacity: str | None = Field(None, alias="chuc_danh")  # "TRƯỞNG KHỐI"
    post: str | None = Field(None, alias="chuc_vu")  # "CỤC TRƯỞNG CỤC QUẢN LÝ THỊ TRƯỜNG"
    name: str | None = Field(None, alias="ho_ten")


class Addressing(Model):
    """To whom a document goes: "Kính gửi" and "Nơi nhận"; who signs it if not the default."""

    to: list[Text] = Field(default_factory=list, alias="kinh_gui")
    recipients: list[Text] = Field(default_factory=list, alias="noi_nhan")
    signer: Signer | None = Field(None, alias="nguoi_ky")


# The report's sections in the secretariat's words. A value is plain text: paragraphs
# separated by a blank line; a line starting with "- " is an item of a list. A section
# written but left empty (``uu_diem:``) is printed as lines to fill by hand; a section
# missing from the file is reported by ``check`` until the year is closed.
REPORT_SECTIONS: dict[str, str] = {
    "tinh_hinh": "đặc điểm, tình hình",
    "chi_dao": "công tác chỉ đạo, tổ chức các phong trào thi đua",
    "ket_qua_phong_trao": "kết quả các phong trào thi đua",
    "nhiem_vu_trong_tam": "kết quả thực hiện các nhiệm vụ trọng tâm",
    "giao_uoc": "ký kết và thực hiện giao ước thi đua",
    "khen_thuong": "khen thưởng trong năm",
    "uu_diem": "ưu điểm",
    "han_che": "tồn tại, hạn chế và nguyên nhân",
    "bai_hoc": "bài học kinh nghiệm",
    "kien_nghi": "kiến nghị, đề xuất",
}


class ReportText(Addressing):
    """The report: its addressing and, per section, the secretariat's text (None: blank)."""

    situation: str | None = Field(None, alias="tinh_hinh")
    direction: str | None = Field(None, alias="chi_dao")
    movements: str | None = Field(None, alias="ket_qua_phong_trao")
    focus_tasks: str | None = Field(None, alias="nhiem_vu_trong_tam")
    covenant: str | None = Field(None, alias="giao_uoc")
    awards_received: str | None = Field(None, alias="khen_thuong")
    strengths: str | None = Field(None, alias="uu_diem")
    shortcomings: str | None = Field(None, alias="han_che")
    lessons: str | None = Field(None, alias="bai_hoc")
    recommendations: str | None = Field(None, alias="kien_nghi")


class ProposalText(Addressing):
    """The award proposal: addressing and the dossier attached to it."""

    attachments: list[Text] = Field(default_factory=list, alias="ho_so_kem_theo")


class DocumentsFile(Model):
    """``van-ban.yaml``: how the year's documents are issued and the report's own words."""

    year: Count = Field(alias="nam")
    illustrative: Flag = Field(False, alias="minh_hoa")
    issuer: str | None = Field(None, alias="ten_co_quan")  # the header's short name
    signer: Signer | None = Field(None, alias="nguoi_ky")  # default for every document
    report: ReportText | None = Field(None, alias="bao_cao")
    proposal: ProposalText | None = Field(None, alias="to_trinh")
    minutes: Addressing | None = Field(None, alias="bien_ban")
    ranking: Addressing | None = Field(None, alias="xep_hang")
    notice: Addressing | None = Field(None, alias="thong_bao")
    source: str | None = Field(None, alias="nguon")
    note: str | None = Field(None, alias="ghi_chu")
