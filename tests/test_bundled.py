"""The bundled Hòa Bình data (data/2020, data/2021): checks clean, NFC, labelled illustrative."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest

from thidua import models as m
from thidua.repo.years import open_year

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
ALL_FILES = sorted(p for p in DATA.rglob("*") if p.is_file())
MEMBERS = {
    "QLTT": "Cục Quản lý thị trường tỉnh Hòa Bình",
    "NHNN": "Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình",
    "CTK": "Cục Thống kê tỉnh Hòa Bình",
    "KBNN": "Kho bạc Nhà nước Hòa Bình",
    "THUE": "Cục Thuế tỉnh Hòa Bình",
    "BHXH": "Bảo hiểm xã hội tỉnh Hòa Bình",
    "HQ": "Chi cục Hải quan Hòa Bình",
}
CLUSTER_NAME = (
    "Khối thi đua các cơ quan Trung ương quản lý Nhà nước về Kinh tế - Thống kê "
    "trên địa bàn tỉnh Hòa Bình"
)


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def test_bundled_years_present() -> None:
    """data/ holds exactly the years 2020 and 2021."""
    assert sorted(p.name for p in DATA.iterdir() if p.is_dir()) == ["2020", "2021"]


def test_2020_checks_clean_and_closed() -> None:
    """2020 has no problem at all (not even a warning) and is closed."""
    data, found = open_year(DATA, 2020)
    assert [str(p) for p in found] == []
    assert data is not None
    assert data.cluster.state is m.YearState.CLOSED


def test_2021_no_errors_and_in_progress() -> None:
    """2021 has no error, is in progress, and its only warnings are the missing scores."""
    data, found = open_year(DATA, 2021)
    assert data is not None
    assert data.cluster.state is m.YearState.IN_PROGRESS
    assert [p for p in found if p.is_error] == []
    assert {p.message for p in found} == {
        f'đơn vị "{mid}" chưa chấm tiêu chí nào (năm đang diễn ra)' for mid in MEMBERS
    }


@pytest.mark.parametrize("year", [2020, 2021])
def test_cluster_and_members_from_the_article(year: int) -> None:
    """The cluster and its 7 members carry the full official names the article gives."""
    data, _ = open_year(DATA, year)
    assert data is not None
    assert data.cluster.name == CLUSTER_NAME
    assert data.cluster.place == "Hòa Bình"
    assert {member.id: member.name for member in data.cluster.members} == MEMBERS


def test_2020_conference_and_leader_vote() -> None:
    """2020: the conference of 30/12/2020, all 7 members, QLTT chosen unanimously for 2021."""
    data, _ = open_year(DATA, 2020)
    assert data is not None and data.conference is not None and data.ballots is not None
    assert data.conference.date == dt.date(2020, 12, 30)
    assert sorted(a.member for a in data.conference.attendees) == sorted(MEMBERS)
    [leader_vote] = [b for b in data.ballots.ballots if b.kind is m.BallotKind.YES_NO]
    assert leader_vote.subject == "QLTT"
    assert leader_vote.totals == {"dong_y": 7, "khong_dong_y": 0}
    assert leader_vote.present == 7


def test_2021_at_its_start() -> None:
    """2021: QLTT leads; 9 focus tasks declared, only those the article names listed; no scores."""
    data, _ = open_year(DATA, 2021)
    assert data is not None and data.tasks is not None
    assert data.cluster.leader == "QLTT"
    assert data.tasks.declared_tasks == 9
    assert 0 < len(data.tasks.tasks) < 9
    assert data.tasks.movements
    assert all(not s.scores for s in data.scores.values())
    assert data.ballots is None and data.conference is None


def test_2021_table_carried_over() -> None:
    """2021's scoring table is 2020's (same groups, criteria and maxima)."""
    d2020, _ = open_year(DATA, 2020)
    d2021, _ = open_year(DATA, 2021)
    assert d2020 is not None and d2021 is not None
    assert d2021.table.groups == d2020.table.groups
    assert d2021.table.total == d2020.table.total


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_every_file_is_utf8_nfc(path: Path) -> None:
    """Every bundled file is UTF-8 without BOM, NFC, with LF line ends and no tab."""
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert "\r" not in text
    assert "\t" not in text


ILLUSTRATIVE = [
    "2020/tieu-chi.yaml",
    "2020/quy-che.yaml",
    "2020/phieu-bau.yaml",
    *[f"2020/diem/{mid}.yaml" for mid in sorted(MEMBERS)],
    "2021/tieu-chi.yaml",
    "2021/quy-che.yaml",
]


@pytest.mark.parametrize("name", ILLUSTRATIVE)
def test_illustrative_files_labelled(name: str) -> None:
    """Files whose values the article does not give say `minh_hoa: true` and say why."""
    text = (DATA / name).read_text(encoding="utf-8")
    assert "\nminh_hoa: true\n" in text
    assert "MINH HỌA" in text


def test_every_file_with_invented_numbers_is_listed() -> None:
    """Every bundled file with `minh_hoa: true` is in the list above (the list stays honest)."""
    flagged = sorted(
        str(p.relative_to(DATA))
        for p in ALL_FILES
        if "\nminh_hoa: true\n" in p.read_text(encoding="utf-8")
    )
    assert flagged == sorted(ILLUSTRATIVE)


@pytest.mark.parametrize("year", [2020, 2021])
def test_years_reported_illustrative(year: int) -> None:
    """The loaded years know they hold illustrative values (the summary says so)."""
    data, _ = open_year(DATA, year)
    assert data is not None and data.illustrative


def test_readme_says_data_is_illustrative() -> None:
    """The README tells readers the scores and ballots are illustrative."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "minh họa" in readme.lower()
