"""The data models: scalar parsers, strict keys, and their Vietnamese messages at file:line:col."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from thidua import models as m
from yeardata import KHOI, TIEU_CHI, score_file, write_year
from yeardata import problems as all_problems

# The note a broken required file adds ("vì chưa đọc được tệp này nên chưa kiểm tra được …")
# is pinned in test_waves.py; here only the file's own messages matter.
SKIPPED_NOTE = "cảnh báo: vì chưa đọc được tệp này nên chưa kiểm tra được"


def problems(root: Path) -> list[str]:
    """The year's problems without the note on the checks a broken file held back."""
    return [p for p in all_problems(root) if SKIPPED_NOTE not in p]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def refused(parse: object, value: object) -> str:
    """The message a scalar parser gives when it refuses ``value``."""
    assert callable(parse)
    with pytest.raises(PydanticCustomError) as info:
        parse(value)
    return info.value.message()


# --- decimal -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9.5", Decimal("9.5")),
        ("10", Decimal("10")),
        ("-2", Decimal("-2")),
        ("+0.25", Decimal("0.25")),
        (" 10 ", Decimal("10")),
        ("0.1", Decimal("0.1")),
    ],
)
def test_decimal_reads_exact_value(text: str, expected: Decimal) -> None:
    """A number's text becomes the exact Decimal it spells (never a float)."""
    value = m.parse_decimal(text)
    assert type(value) is Decimal
    assert value == expected
    assert str(value) == str(expected)


def test_decimal_comma_gets_a_hint() -> None:
    """A decimal comma is refused with the number rewritten with a dot."""
    assert refused(m.parse_decimal, "9,5") == (
        '"9,5" không phải là số: hãy dùng dấu chấm thập phân, ví dụ 9.5'
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("abc", '"abc"'),
        ("", '""'),
        ("1e3", '"1e3"'),
        ("9.", '"9."'),
        (["9"], "một danh sách"),
        ({"a": "9"}, "một bảng các khóa"),
        (None, "giá trị trống"),
    ],
)
def test_decimal_refuses_non_numbers(value: object, shown: str) -> None:
    """Text that is not a plain decimal number is refused, showing what was found."""
    assert refused(m.parse_decimal, value) == f"cần một số (ví dụ 9.5), nhưng gặp {shown}"


# --- int ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [("7", 7), ("0", 0), ("010", 10), (" 12 ", 12)])
def test_int_reads_digits(text: str, expected: int) -> None:
    """Digits give a whole number, in base 10 (YAML 1.1 would read 010 as octal 8)."""
    assert m.parse_int(text) == expected


@pytest.mark.parametrize("text", ["-1", "7.0", "bảy", "0x10", ""])
def test_int_refuses_other_text(text: str) -> None:
    """Anything but digits is refused with the expected form."""
    assert refused(m.parse_int, text) == (
        f'cần một số nguyên không âm (ví dụ 7), nhưng gặp "{text}"'
    )


# --- date --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-12-30", dt.date(2020, 12, 30)),
        ("30/12/2020", dt.date(2020, 12, 30)),
        ("5/3/2020", dt.date(2020, 3, 5)),
        ("05/03/2020", dt.date(2020, 3, 5)),
    ],
)
def test_date_both_forms(text: str, expected: dt.date) -> None:
    """ISO dates and Vietnamese day/month/year dates are both read (day first)."""
    assert m.parse_date(text) == expected


@pytest.mark.parametrize("text", ["2020-02-30", "31/02/2021", "2021-13-01", "00/01/2021"])
def test_impossible_date_refused(text: str) -> None:
    """A well-formed date that is not on the calendar is named as such."""
    assert refused(m.parse_date, text) == f'ngày "{text}" không có thật trên lịch'


@pytest.mark.parametrize("text", ["30-12-2020", "30.12.2020", "ngày 30 tháng 12"])
def test_date_wrong_form_refused(text: str) -> None:
    """Other date spellings are refused with both accepted forms shown."""
    assert refused(m.parse_date, text) == (
        f'cần một ngày dạng 2020-12-30 hoặc 30/12/2020, nhưng gặp "{text}"'
    )


# --- time --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00", dt.time(8, 0)),
        ("8h00", dt.time(8, 0)),
        ("14:30", dt.time(14, 30)),
        ("1:30", dt.time(1, 30)),
        ("8g30", dt.time(8, 30)),
        ("14g00", dt.time(14, 0)),
        (" 7g05 ", dt.time(7, 5)),
    ],
)
def test_time_read(text: str, expected: dt.time) -> None:
    """Times are read as hh:mm or hhhmm (YAML 1.1 would read 1:30 as 90)."""
    assert m.parse_time(text) == expected


@pytest.mark.parametrize(
    "text",
    ["24:00", "7:60", "8", "8 giờ", "8g", "8g3", "24g00", "8g60", "8gg30", "g30", "8x30", "8G30"],
)
def test_time_refused(text: str) -> None:
    """Impossible or unreadable times are refused."""
    assert refused(m.parse_time, text) == (
        f'cần một giờ dạng 08:00, 8h00 hoặc 8g00, nhưng gặp "{text}"'
    )


# --- share -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50%", Fraction(1, 2)),
        ("66.67%", Fraction(6667, 10000)),
        ("100 %", Fraction(1)),
        ("0%", Fraction(0)),
        ("2/3", Fraction(2, 3)),
        ("7 / 10", Fraction(7, 10)),
    ],
)
def test_share_read_exactly(text: str, expected: Fraction) -> None:
    """Percentages and ratios become exact fractions (2/3 is not 0.6667)."""
    assert m.parse_share(text) == expected


@pytest.mark.parametrize("text", ["150%", "100.01%", "3/2", "1/0", "0.5", "nửa"])
def test_share_refused(text: str) -> None:
    """Shares above 100 %, zero denominators and bare numbers are refused."""
    assert refused(m.parse_share, text) == (
        f'cần một tỷ lệ từ 0% đến 100%, ví dụ "50%" hoặc "2/3", nhưng gặp "{text}"'
    )


# --- bool --------------------------------------------------------------------------------


def test_bool_true_false_only() -> None:
    """Only the words true and false are booleans."""
    assert m.parse_bool("true") is True
    assert m.parse_bool("false") is False


@pytest.mark.parametrize("text", ["yes", "no", "on", "off", "True", "1"])
def test_bool_yaml11_words_refused(text: str) -> None:
    """YAML 1.1's yes/no/on/off (and other spellings) are refused, not guessed."""
    assert refused(m.parse_bool, text) == f'cần true hoặc false, nhưng gặp "{text}"'


# --- score values ------------------------------------------------------------------------


def test_score_value_shapes() -> None:
    """A score is a Decimal, đạt/không đạt, or an actual/target pair of Decimals."""
    entry = m.ScoreFile.model_validate(
        {
            "nam": "2020",
            "don_vi": "A",
            "diem": {
                "1.1": {"tu_cham": "9.5", "tham_dinh": "9"},
                "1.2": {"tu_cham": "đạt"},
                "1.3": {"tu_cham": "không đạt"},
                "1.4": {"tu_cham": {"thuc_hien": "110.5", "chi_tieu": "100"}},
            },
        }
    )
    assert entry.scores["1.1"].self_score == Decimal("9.5")
    assert entry.scores["1.1"].appraised == Decimal("9")
    assert entry.scores["1.2"].self_score is m.Met.MET
    assert entry.scores["1.3"].self_score is m.Met.NOT_MET
    assert entry.scores["1.4"].self_score == m.Quantity.model_validate(
        {"thuc_hien": "110.5", "chi_tieu": "100"}
    )
    quantity = entry.scores["1.4"].self_score
    assert isinstance(quantity, m.Quantity)
    assert quantity.actual == Decimal("110.5")


def test_score_without_diacritics_gets_a_hint() -> None:
    """Unaccented "dat" / "khong dat" is refused with the right spelling suggested."""
    assert refused(m.parse_score_value, "khong dat") == (
        '"khong dat" thiếu dấu: hãy viết "đạt" hoặc "không đạt"'
    )


def test_english_attribute_names_are_not_keys() -> None:
    """Keys are the Vietnamese aliases only; the English attribute name is an unknown key."""
    with pytest.raises(ValidationError) as info:
        m.Member.model_validate({"id": "A", "ten_ngan": "A", "ten": "Đơn vị A"})
    kinds = sorted(e["type"] for e in info.value.errors())
    assert kinds == ["extra_forbidden", "missing"]


# --- messages in files, with positions ----------------------------------------------------


def test_typo_key_suggests_the_close_key(tmp_path: Path) -> None:
    """A misspelt key is an error at the key, with "có phải ý bạn là" and the right key."""
    write_year(tmp_path, {"khoi.yaml": KHOI.replace("dia_ban:", "dia_bna:")})
    assert problems(tmp_path) == [
        'data/2020/khoi.yaml:1:1: lỗi: thiếu khóa bắt buộc "dia_ban"',
        'data/2020/khoi.yaml:3:1: lỗi: khóa "dia_bna" không có trong mẫu dữ liệu; '
        'có phải ý bạn là "dia_ban"?',
    ]


def test_typo_key_in_list_item(tmp_path: Path) -> None:
    """A typo inside a list item points at that key, with the item's keys as hint."""
    khoi = KHOI.replace(
        "    ten: Đơn vị thử nghiệm B\n", "    ten: Đơn vị thử nghiệm B\n    ten_ngna: B\n"
    )
    write_year(tmp_path, {"khoi.yaml": khoi})
    assert problems(tmp_path) == [
        'data/2020/khoi.yaml:14:5: lỗi: khóa "ten_ngna" không có trong mẫu dữ liệu; '
        'có phải ý bạn là "ten_ngan"?'
    ]


def test_unrelated_key_lists_allowed_keys(tmp_path: Path) -> None:
    """A key close to nothing gets the list of keys allowed at that place."""
    write_year(tmp_path, {"quy-che.yaml": "nam: 2020\nxep_hang:\n  thu_tu: [diem]\nzzz: 1\n"})
    assert problems(tmp_path) == [
        'data/2020/quy-che.yaml:4:1: lỗi: khóa "zzz" không có trong mẫu dữ liệu; '
        "các khóa được dùng ở đây: nam, minh_hoa, ten, can_cu, xep_hang, dan_dau, "
        "khen_thuong, bau_truong_khoi, bau_pho_khoi, luan_phien, ghi_chu"
    ]


def test_missing_nested_key(tmp_path: Path) -> None:
    """A missing key inside a list item is shown at the item, naming its path."""
    write_year(tmp_path, {"khoi.yaml": KHOI.replace("    ten_ngan: Đơn vị B\n", "")})
    assert problems(tmp_path) == [
        'data/2020/khoi.yaml:11:5: lỗi: thiếu khóa bắt buộc "ten_ngan" trong "thanh_vien.1"'
    ]


def test_enum_lists_accepted_values(tmp_path: Path) -> None:
    """A value outside an enumeration lists every accepted value, at the value."""
    write_year(tmp_path, {"khoi.yaml": KHOI.replace("trang_thai: da_ket_thuc", "trang_thai: xong")})
    assert problems(tmp_path) == [
        'data/2020/khoi.yaml:4:13: lỗi: giá trị "xong" không hợp lệ; '
        'chỉ nhận: "dang_dien_ra", "da_ket_thuc"'
    ]


def test_criterion_kind_enum(tmp_path: Path) -> None:
    """A criterion kind typo lists the five kinds."""
    table = TIEU_CHI.replace(
        "loai: dinh_tinh\n        cach_cham: dat", "loai: dinh_tin\n        cach_cham: dat"
    )
    write_year(tmp_path, {"tieu-chi.yaml": table})
    assert problems(tmp_path) == [
        'data/2020/tieu-chi.yaml:15:15: lỗi: giá trị "dinh_tin" không hợp lệ; '
        'chỉ nhận: "dinh_tinh", "dinh_luong", "dem", "cong", "tru"'
    ]


def test_flow_mapping_decimal_comma_hint(tmp_path: Path) -> None:
    """`{tu_cham: 9,5}` (YAML splits it at the comma) is explained as a decimal comma."""
    scores = 'nam: 2020\ndon_vi: A\ndiem:\n  "1.1": {tu_cham: 9,5}\n  "1.2":\n    tu_cham: đạt\n'
    write_year(tmp_path, {"diem/A.yaml": scores})
    assert (
        'data/2020/diem/A.yaml:4:22: lỗi: khóa "5" không có trong mẫu dữ liệu; nếu đây là phần '
        "thập phân của một số viết bằng dấu phẩy (ví dụ 9,5), hãy dùng dấu chấm: 9.5"
    ) in problems(tmp_path)


def test_decimal_comma_in_file(tmp_path: Path) -> None:
    """`tu_cham: 9,5` is refused at the value with the dotted number suggested."""
    write_year(tmp_path, {"diem/A.yaml": score_file("A", first="9,5")})
    assert (
        'data/2020/diem/A.yaml:5:14: lỗi: "9,5" không phải là số: hãy dùng dấu chấm thập phân, '
        "ví dụ 9.5"
    ) in problems(tmp_path)


def test_id_pattern(tmp_path: Path) -> None:
    """An id with spaces or diacritics is refused with the id rules explained."""
    write_year(tmp_path, {"khoi.yaml": KHOI.replace("ma: C", "ma: Đơn vị C")})
    assert problems(tmp_path) == [
        'data/2020/khoi.yaml:14:9: lỗi: mã "Đơn vị C" không hợp lệ: mã chỉ gồm chữ cái không '
        'dấu, chữ số và các dấu ". _ -", bắt đầu bằng chữ hoặc số (ví dụ NHNN, 1.2)'
    ]


def test_wrong_types_in_one_file(tmp_path: Path) -> None:
    """Every wrong type in a file is reported, each at its value."""
    write_year(tmp_path, {"quy-che.yaml": "nam: hai nghìn\nxep_hang: [diem]\nminh_hoa: yes\n"})
    assert problems(tmp_path) == [
        "data/2020/quy-che.yaml:1:6: lỗi: cần một số nguyên không âm (ví dụ 7), "
        'nhưng gặp "hai nghìn"',
        "data/2020/quy-che.yaml:2:11: lỗi: cần một bảng các khóa (khóa: giá trị), "
        "nhưng gặp một danh sách",
        'data/2020/quy-che.yaml:3:11: lỗi: cần true hoặc false, nhưng gặp "yes"',
    ]


def test_share_above_100_in_file(tmp_path: Path) -> None:
    """A threshold above 100 % is refused at the value."""
    regulation = "nam: 2020\nxep_hang:\n  thu_tu: [diem]\ndan_dau:\n  cuoc_bau: x\n  nguong: 150%\n"
    write_year(tmp_path, {"quy-che.yaml": regulation})
    assert problems(tmp_path) == [
        'data/2020/quy-che.yaml:6:11: lỗi: cần một tỷ lệ từ 0% đến 100%, ví dụ "50%" hoặc '
        '"2/3", nhưng gặp "150%"'
    ]


def test_empty_member_list(tmp_path: Path) -> None:
    """A cluster needs at least one member."""
    khoi = KHOI.split("thanh_vien:")[0] + "thanh_vien: []\n"
    write_year(tmp_path, {"khoi.yaml": khoi})
    assert problems(tmp_path) == ["data/2020/khoi.yaml:7:13: lỗi: danh sách không được để trống"]


def test_maximum_must_be_positive(tmp_path: Path) -> None:
    """A criterion maximum of 0 is out of bounds."""
    write_year(tmp_path, {"tieu-chi.yaml": TIEU_CHI.replace("toi_da: 10", "toi_da: 0")})
    assert problems(tmp_path) == [
        'data/2020/tieu-chi.yaml:17:17: lỗi: giá trị "0" ngoài giới hạn: cần > 0'
    ]


def test_unknown_ranking_key_names_the_accepted_keys(tmp_path: Path) -> None:
    """A ranking key that is none of the documented forms is explained as a ranking key.

    The message must name the accepted forms, not the rules of an id (the word "tien" is a
    perfectly good id; what is wrong is that it is not a ranking key).
    """
    write_year(tmp_path, {"quy-che.yaml": "nam: 2020\nxep_hang:\n  thu_tu: [diem, tien]\n"})
    found = problems(tmp_path)
    assert len(found) == 1
    assert found[0].startswith("data/2020/quy-che.yaml:3:18: lỗi: ")
    for form in ("diem_tu_cham", "diem_tru", "diem_cong", "phieu:", "nhom:"):
        assert form in found[0]
