"""A new cluster's data repository (``thidua init DIR``).

What it creates, all inside ``DIR`` (which must not exist or be empty):

- a git repository (``git init``; nothing is committed: that is the secretariat's first
  commit, under its own name);
- ``data/<YEAR>/`` with ``khoi.yaml``, ``quy-che.yaml`` and ``tieu-chi.yaml`` to fill in:
  commented in Vietnamese, the blanks left empty so that ``thidua check`` points at each
  one (file, line, column); YEAR is the one given (the CLI's default: :func:`init_year`, the
  year of ``SOURCE_DATE_EPOCH`` when set, for reproducible builds and tests, else this year);
  ``van-ban.yaml`` with every report section present and empty
  (:mod:`thidua.repo.documents_file`);
- the members, when given (``--don-vi MA:Tên đầy đủ``, :func:`parse_members`): listed in
  ``khoi.yaml`` (short name left blank to fill) with one empty score file
  ``diem/<MA>.yaml`` each; otherwise one blank member, and the next steps say how to add
  members and their score files;
- ``README.md`` for the secretariat: the yearly workflow with git and thidua;
- ``.pre-commit-config.yaml``: thidua's ``fmt`` and ``check`` as pre-commit hooks, run
  with the thidua installed on the machine (``repo: local``, ``language: system``);
- ``schema/*.json`` (``thidua schema``) and ``.vscode/settings.json`` mapping them to the
  data files, so that VS Code with the YAML extension completes and checks as you type;
- ``.gitattributes`` keeping LF line ends in YAML files on every system.

Every text is a Python string in this module, so ``init`` works from an installed thidua
anywhere. The folder appears whole or not at all (built aside, then renamed).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from thidua import models as m
from thidua.errors import ThiduaError, UsageError
from thidua.read.load import display_path
from thidua.repo.atomic import WriteError, create_dir_atomic
from thidua.repo.documents_file import documents_text
from thidua.repo.git import run_git
from thidua.repo.newyear import schema_comment, score_file
from thidua.repo.schema import KINDS, render_all
from thidua.year import CLUSTER, DOCUMENTS, REGULATION, SCORES_DIR, TABLE

__all__ = ["MEMBER_OPTION", "files", "init", "init_year", "parse_members"]

MEMBER_OPTION = "--don-vi"


def init_year(epoch: dt.datetime | None) -> int:
    """The year to start with: that of ``epoch`` (the CLI's ``SOURCE_DATE_EPOCH``) if given,
    else today's."""
    if epoch is not None:
        return epoch.year
    return dt.date.today().year


KHOI = """\
# Thông tin Khối thi đua năm {year}: tên Khối, địa bàn, Trưởng khối, Phó khối và các
# đơn vị thành viên. Hãy điền vào các chỗ còn trống, rồi chạy: thidua check {year}
# (lệnh này chỉ ra từng chỗ còn thiếu, kèm tệp, dòng và cột).
nam: {year}
# Tên đầy đủ của Khối, ví dụ: Khối thi đua các cơ quan Trung ương trên địa bàn tỉnh ...
ten:
# Tên ngắn dùng trong bảng biểu (có thể bỏ trống).
ten_ngan:
# Tỉnh, thành phố nơi Khối hoạt động, ví dụ: Hòa Bình
dia_ban:
# Cơ quan cấp trên (có thể bỏ trống), ví dụ: Ủy ban nhân dân tỉnh ...
co_quan_cap_tren:
# dang_dien_ra trong năm; da_ket_thuc sau hội nghị tổng kết, khi điểm đã chốt.
trang_thai: dang_dien_ra
# Mã đơn vị Trưởng khối và Phó khối năm nay: một trong các mã ở "thanh_vien" bên dưới.
truong_khoi:
pho_khoi:
# Mỗi đơn vị thành viên một mục (chép thêm các dòng "- ma: ..." cho đủ). "ma" là mã
# ngắn không dấu, không có dấu cách, ví dụ NHNN; điểm của đơn vị ghi trong tệp
# diem/<ma>.yaml. "ten_ngan" dùng trong bảng, "ten" là tên đầy đủ trên văn bản.
# "chuc_danh_thu_truong" (ví dụ Giám đốc) và "ho_ten_thu_truong" của đơn vị Trưởng khối
# được in ở chỗ ký văn bản của Khối; có thể để trống.
thanh_vien:
{members}"""

BLANK_MEMBER = """  - ma:
    ten_ngan:
    ten:
    chuc_danh_thu_truong:
    ho_ten_thu_truong:
"""

QUY_CHE = """\
# Quy chế xếp hạng thi đua năm {year}: thứ tự xét xếp hạng, ngưỡng phiếu, hình thức khen
# thưởng, cách chọn Trưởng khối, Phó khối năm sau. Ghi đúng theo quy chế hoạt động của
# Khối; các mục đang là chú thích (dòng bắt đầu bằng #) dùng được ngay khi bỏ dấu #.
nam: {year}
ten: Quy chế xếp hạng thi đua năm {year}
# Căn cứ pháp lý, in trong tờ trình đề nghị khen thưởng; sửa cho đúng văn bản của Khối.
can_cu:
  - Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022
  - Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng
xep_hang:
  # Các khóa xếp hạng theo thứ tự ưu tiên: diem (điểm cuối cùng), diem_tu_cham,
  # "phieu:<mã cuộc bầu>" (số phiếu), "nhom:<mã nhóm>" (điểm một nhóm), diem_tru (ít
  # điểm trừ hơn xếp trên), diem_cong. Bằng nhau ở mọi khóa thì đồng hạng.
  thu_tu: [diem]
# Đơn vị dẫn đầu: cuộc bỏ phiếu quyết định và ngưỡng phiếu cần đạt.
# dan_dau:
#   cuoc_bau: binh-chon
#   nguong: 50%
#   so_sanh: lon_hon  # lon_hon: trên ngưỡng; tu: từ ngưỡng trở lên
#   mau_so: hop_le  # hop_le: số phiếu hợp lệ; co_mat: số có mặt; thanh_vien: số thành viên
# Hình thức khen thưởng đề nghị: cho đơn vị dẫn đầu, và cho các đơn vị tiếp theo.
# khen_thuong:
#   - hinh_thuc: Cờ thi đua của Ủy ban nhân dân tỉnh
#     doi_tuong: dan_dau
#   - hinh_thuc: Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh
#     doi_tuong: tiep_theo
#     so_luong: 2
# Trưởng khối năm sau: bầu tại hội nghị, hoặc theo thứ tự luân phiên các mã đơn vị.
# bau_truong_khoi:
#   cuoc_bau: truong-khoi-{next_year}
#   nguong: 50%
#   mau_so: co_mat
# luan_phien: [MA1, MA2, MA3]
"""  # noqa: E501 - a legal basis is one YAML line, however long

TIEU_CHI = """\
# Bảng tiêu chí và thang điểm thi đua năm {year}: các nhóm (I, II, ...) gồm các tiêu chí
# (1.1, 1.2, ...), mỗi tiêu chí có điểm tối đa và cách chấm. Điền theo bảng điểm Khối đã
# thống nhất (chép thêm nhóm, tiêu chí cho đủ), rồi chạy: thidua check {year}
#
# Cách chấm ("loai"):
#   dinh_tinh   định tính; cach_cham: dat_khong_dat (đạt được tối đa, không đạt được 0)
#               hoặc cach_cham: thang_diem (chấm từ 0 đến tối đa)
#   dinh_luong  định lượng, thực hiện so với chỉ tiêu; cach_tinh: so_voi_dan_dau hoặc ty_le
#   dem         chấm thẳng: số lần nhân diem_moi_lan, không quá tối đa
#   cong        điểm cộng, từ 0 đến tối đa
#   tru         điểm trừ, từ 0 đến tối đa (trừ vào tổng điểm)
# Mã tiêu chí dạng 1.1 phải đặt trong dấu ngoặc kép ("1.1"); thidua fmt tự thêm nếu thiếu.
nam: {year}
ten: Bảng tiêu chí và thang điểm thi đua năm {year}
tong_diem: 100
nhom:
  - ma: I
    # Tên nhóm, ví dụ: Thực hiện nhiệm vụ chính trị, chuyên môn
    ten:
    toi_da:
    tieu_chi:
      - ma: "1.1"
        # Tên tiêu chí và điểm tối đa.
        ten:
        loai: dinh_tinh
        toi_da:
        cach_cham: thang_diem
"""

README = """\
# Dữ liệu thi đua của Khối

Kho này lưu toàn bộ dữ liệu thi đua của Khối theo từng năm: thành viên, quy chế xếp hạng,
bảng tiêu chí, điểm tự chấm và thẩm định của từng đơn vị, kết quả bỏ phiếu và hội nghị tổng
kết. Mọi thay đổi được ghi lại bằng git, nên biết ai sửa điểm nào, khi nào, vì sao. Chương
trình `thidua` kiểm tra dữ liệu, tính điểm, xếp hạng và lập văn bản hội nghị.

## Cấu trúc thư mục

```
data/{year}/khoi.yaml        Khối, thành viên, Trưởng khối, Phó khối, trạng thái năm
data/{year}/quy-che.yaml     quy chế xếp hạng: thứ tự xét, ngưỡng phiếu, khen thưởng
data/{year}/tieu-chi.yaml    bảng tiêu chí và thang điểm
data/{year}/nhiem-vu.yaml    nhiệm vụ trọng tâm, phong trào thi đua (nếu có)
data/{year}/diem/<MA>.yaml   điểm của một đơn vị (mỗi đơn vị một tệp)
data/{year}/phieu-bau.yaml   kết quả bỏ phiếu kín (chỉ ghi tổng số, không ghi ai bầu ai)
data/{year}/hoi-nghi.yaml    hội nghị tổng kết: ngày, giờ, địa điểm, thành phần, kết luận
data/{year}/van-ban.yaml     lời văn báo cáo tổng kết, người ký, nơi gửi các văn bản
schema/                      lược đồ JSON để trình soạn thảo gợi ý và kiểm tra khi gõ
```

## Bắt đầu

1. Điền `data/{year}/khoi.yaml`, `quy-che.yaml`, `tieu-chi.yaml` (các chú thích trong tệp
   hướng dẫn từng mục).
2. Chạy `thidua check {year}`: mỗi chỗ còn thiếu hoặc sai được chỉ ra kèm tệp, dòng, cột.
3. Mỗi đơn vị thành viên cần một mục trong `thanh_vien` của `khoi.yaml` và một tệp điểm
   `data/{year}/diem/<MA>.yaml` (`thidua init --don-vi` tạo sẵn cả hai). Đơn vị thêm sau
   thì tạo tệp điểm như sau, ví dụ `diem/NHNN.yaml`:

   ```yaml
   nam: {year}
   don_vi: NHNN
   diem: {{}}
   ```

4. Ghi lại lần đầu: `git add .` rồi `git commit -m "Khởi tạo dữ liệu năm {year}"`.

## Trong năm: mỗi đơn vị sửa tệp của mình

Mỗi đơn vị chỉ sửa tệp điểm của mình (`diem/<MA>.yaml`), tốt nhất trên một nhánh riêng:

```
git switch -c diem-NHNN
# sửa data/{year}/diem/NHNN.yaml: tu_cham, minh_chung cho từng tiêu chí
thidua check {year}
git commit -am "NHNN tự chấm điểm năm {year}"
```

Vì mỗi đơn vị một tệp, git gộp (merge) công việc của các đơn vị mà không xung đột. Văn
phòng Khối thẩm định bằng cách ghi `tham_dinh` và `ly_do` (khi khác điểm tự chấm) vào
tệp của từng đơn vị, và ghi dần lời văn báo cáo tổng kết (tình hình, kết quả các phong
trào, ưu điểm, hạn chế, …) vào `data/{year}/van-ban.yaml` để báo cáo lập ra có sẵn lời văn.

## Các lệnh thường dùng

| Lệnh | Việc |
|---|---|
| `thidua check` | kiểm tra dữ liệu mọi năm |
| `thidua fmt` | định dạng lại các tệp theo một cách thống nhất (giữ nguyên chú thích) |
| `thidua diff {year}` | xem điểm, phiếu, thứ hạng thay đổi gì so với lần commit gần nhất |
| `thidua diff {year} HEAD~3 HEAD` | so sánh hai phiên bản bất kỳ |
| `thidua rank {year}` | bảng xếp hạng, đơn vị dẫn đầu, đề nghị khen thưởng |
| `thidua explain {year} NHNN` | giải thích điểm và thứ hạng của một đơn vị |
| `thidua new-year {next_year}` | sang năm mới: chép thành viên, quy chế, bảng tiêu chí, người ký |
| `thidua history` | thứ hạng, điểm, khen thưởng của các đơn vị qua các năm |
| `thidua schema -o schema` | tạo lại lược đồ JSON trong thư mục `schema/` |

## Kiểm tra tự động trước mỗi lần commit

Tệp `.pre-commit-config.yaml` chạy `thidua fmt` và `thidua check` trước mỗi lần commit.
Cài một lần trên mỗi máy (cần Python và thidua đã cài):

```
pip install pre-commit
pre-commit install
```

Từ đó, commit nào có dữ liệu sai sẽ bị chặn lại kèm thông báo lỗi; tệp chưa đúng định
dạng được định dạng lại, chỉ cần `git add` rồi commit lại.

## Soạn thảo với VS Code

Cài tiện ích "YAML" (Red Hat). Các tệp dữ liệu có dòng đầu
`# yaml-language-server: $schema=...`, và `.vscode/settings.json` gán lược đồ cho từng
loại tệp: trình soạn thảo gợi ý tên khóa, giá trị hợp lệ và báo lỗi ngay khi gõ.

## Lưu ý khi ghi dữ liệu

- Số thập phân dùng dấu chấm: `9.5` (không viết `9,5`).
- Mã tiêu chí như `1.1` đặt trong dấu ngoặc kép: `"1.1"`.
- Ngày viết `2020-12-30` hoặc `30/12/2020`; giờ viết `08:00`.
- Thụt lề bằng dấu cách, không dùng phím Tab.
"""

PRE_COMMIT = """\
# Móc pre-commit của thidua: trước mỗi lần commit, định dạng (thidua fmt) rồi kiểm tra
# (thidua check) dữ liệu. Cài một lần trên mỗi máy:
#   pip install pre-commit
#   pre-commit install
# Các móc dùng lệnh thidua đã cài trên máy (language: system). Cũng có thể dùng thẳng kho
# mã nguồn thidua: thay "repo: local" bằng địa chỉ kho và thêm "rev: <phiên bản>", giữ
# hai id thidua-fmt, thidua-check (khai báo trong .pre-commit-hooks.yaml của thidua).
repos:
  - repo: local
    hooks:
      - id: thidua-fmt
        name: thidua fmt (định dạng tệp dữ liệu)
        entry: thidua fmt
        language: system
        pass_filenames: false
        files: \\.ya?ml$
      - id: thidua-check
        name: thidua check (kiểm tra dữ liệu)
        entry: thidua check
        language: system
        pass_filenames: false
        files: \\.ya?ml$
"""

GITATTRIBUTES = """\
# Tệp dữ liệu luôn xuống dòng kiểu LF, trên mọi hệ điều hành.
*.yaml text eol=lf
*.yml text eol=lf
*.json text eol=lf
"""


def _vscode_settings() -> str:
    patterns = {
        "khoi": "data/*/khoi.yaml",
        "quy-che": "data/*/quy-che.yaml",
        "tieu-chi": "data/*/tieu-chi.yaml",
        "nhiem-vu": "data/*/nhiem-vu.yaml",
        "diem": "data/*/diem/*.yaml",
        "phieu-bau": "data/*/phieu-bau.yaml",
        "hoi-nghi": "data/*/hoi-nghi.yaml",
        "van-ban": "data/*/van-ban.yaml",
        "khoa-so": "data/*/khoa-so.yaml",
    }
    settings = {
        "yaml.schemas": {f"./schema/{kind}.json": [patterns[kind]] for kind in KINDS},
        "[yaml]": {"editor.insertSpaces": True, "editor.tabSize": 2},
        "files.encoding": "utf8",
        "files.eol": "\n",
    }
    return json.dumps(settings, ensure_ascii=False, indent=2) + "\n"


def parse_members(specs: Sequence[str]) -> list[m.Member]:
    """The members given as ``MA:Tên đầy đủ`` (``--don-vi``), in the order given.

    The code follows the one rule for unit codes (the models' ``Id``); two codes may not
    differ only by letter case (they name one score file on Windows and macOS), nor be a
    name Windows reserves. The name is the full name, in NFC; the short name is left for
    the secretariat to fill. Anything else is a usage error (exit 2).
    """
    from thidua.compute.member_rules import DEVICE_NAME  # the rule check applies to khoi.yaml

    members: list[m.Member] = []
    seen: dict[str, str] = {}
    for spec in specs:
        hidden = next((c for c in spec if unicodedata.category(c)[0] == "C"), None)
        if hidden is not None:
            raise UsageError(
                f"{MEMBER_OPTION} có ký tự điều khiển hoặc ký tự vô hình U+{ord(hidden):04X}; "
                "hãy gõ lại mã và tên đơn vị"
            )
        code, colon, name = spec.partition(":")
        code, name = code.strip(), unicodedata.normalize("NFC", name.strip())
        if not colon or not code or not name:
            raise UsageError(
                f'{MEMBER_OPTION} "{spec}": cần viết MÃ:Tên đầy đủ, ví dụ {MEMBER_OPTION} '
                '"NHNN:Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình"'
            )
        try:
            _ID.validate_python(code)
        except ValidationError:
            raise UsageError(
                f'mã đơn vị "{code}" không hợp lệ: mã chỉ gồm chữ cái không dấu, chữ số và '
                'các dấu ". _ -", bắt đầu bằng chữ hoặc số, tối đa 64 ký tự (ví dụ NHNN)'
            ) from None
        if DEVICE_NAME.fullmatch(code):
            raise UsageError(
                f'mã đơn vị "{code}" trùng tên thiết bị dành riêng của Windows (CON, PRN, '
                "AUX, NUL, COM1–COM9, LPT1–LPT9) nên không tạo được tệp điểm "
                f"{SCORES_DIR}/{code}.yaml trên Windows; hãy đặt mã khác"
            )
        other = seen.get(code.casefold())
        if other == code:
            raise UsageError(f'mã đơn vị "{code}" được ghi hai lần; mỗi đơn vị ghi một lần')
        if other is not None:
            raise UsageError(
                f'mã đơn vị "{code}" chỉ khác mã "{other}" ở chữ hoa, chữ thường; trên '
                f"Windows và macOS hai tệp điểm {SCORES_DIR}/{other}.yaml và "
                f"{SCORES_DIR}/{code}.yaml là một, nên hãy đặt hai mã khác hẳn nhau"
            )
        seen[code.casefold()] = code
        members.append(m.Member.model_validate({"ma": code, "ten_ngan": name, "ten": name}))
    return members


_ID: TypeAdapter[str] = TypeAdapter(m.Id)


def _member_entry(member: m.Member) -> str:
    return (
        f"  - ma: {json.dumps(member.id)}\n"
        "    ten_ngan:\n"
        f"    ten: {json.dumps(member.name, ensure_ascii=False)}\n"
        "    chuc_danh_thu_truong:\n"
        "    ho_ten_thu_truong:\n"
    )


def files(year: int, members: Sequence[m.Member] = ()) -> dict[str, bytes]:
    """Every file ``init`` writes, by path relative to the new folder."""
    from thidua.repo.fmt import format_source, model_for

    fill = {"year": year, "next_year": year + 1}
    out: dict[str, str] = {
        "README.md": README.format(**fill),
        ".pre-commit-config.yaml": PRE_COMMIT,
        ".gitattributes": GITATTRIBUTES,
        ".vscode/settings.json": _vscode_settings(),
    }
    entries = "".join(_member_entry(member) for member in members) or BLANK_MEMBER
    texts = {
        CLUSTER: KHOI.format(**fill, members=entries),
        REGULATION: QUY_CHE.format(**fill),
        TABLE: TIEU_CHI.format(**fill),
        DOCUMENTS: documents_text(year),
    }
    for member in members:
        texts[f"{SCORES_DIR}/{member.id}.yaml"] = score_file(member, year, None)
    for name, text in texts.items():
        model = model_for(name)
        assert model is not None
        text = schema_comment(name) + "\n" + text
        out[f"data/{year}/{name}"] = format_source(text.encode("utf-8"), model, name).decode()
    for name, text in render_all().items():
        out[f"schema/{name}"] = text
    return {name: text.encode("utf-8") for name, text in out.items()}


def init(target: Path, year: int, members: Sequence[m.Member] = ()) -> list[str]:
    """Create the repository in ``target`` with ``members`` (see :func:`parse_members`);
    return the lines to tell the user."""

    shown = display_path(target)
    taken = ThiduaError(
        f"{shown} đã có nội dung; thidua init chỉ tạo kho dữ liệu mới trong một thư mục "
        "chưa có hoặc còn trống"
    )
    was_empty_dir = False
    if target.exists():
        try:
            if not target.is_dir() or any(target.iterdir()):
                raise taken
            target.rmdir()  # recreated whole below
        except OSError as exc:
            raise WriteError.from_os_error(target, exc, folder=True) from None
        was_empty_dir = True
    chosen = year

    def git_init(built: Path) -> None:
        proc = run_git(["init", "-q"], built)
        if proc.returncode != 0:
            detail = proc.stderr.decode("utf-8", "replace").strip()
            raise ThiduaError(f"git init không thành công: {detail}")

    try:
        create_dir_atomic(target, files(chosen, members), git_init)
    except BaseException as exc:
        if was_empty_dir:  # leave the folder as it was found
            with contextlib.suppress(OSError):
                target.mkdir(exist_ok=True)
        if isinstance(exc, FileExistsError):  # appeared meanwhile
            raise taken from None
        raise
    return _next_steps(shown, chosen, members)


def _next_steps(shown: str, year: int, members: Sequence[m.Member]) -> list[str]:
    folder = f"{shown}/data/{year}"
    head = [f"Đã tạo kho dữ liệu thi đua tại {shown} (năm {year})."]
    if members:
        codes = ", ".join(member.id for member in members)
        head.append(
            f"Thành viên: {len(members)} đơn vị ({codes}), mỗi đơn vị một tệp điểm trong "
            f"{folder}/{SCORES_DIR}/."
        )
        steps = [
            f"điền {folder}/{CLUSTER} (tên ngắn các đơn vị, Trưởng khối, Phó khối, …), "
            f"{REGULATION}, {TABLE};"
        ]
    else:
        steps = [
            f"điền {folder}/{CLUSTER}, {REGULATION}, {TABLE};",
            f'thêm các đơn vị thành viên: mỗi đơn vị một mục "- ma: …" trong thanh_vien '
            f"của {CLUSTER} và một tệp điểm {folder}/{SCORES_DIR}/<MÃ>.yaml (mẫu trong "
            f"README.md); hoặc xóa thư mục {shown} rồi tạo lại kèm các đơn vị: thidua init "
            f'{shown} {MEMBER_OPTION} "MÃ:Tên đầy đủ" (mỗi đơn vị một lần {MEMBER_OPTION});',
        ]
    steps += [
        f"chạy: thidua check {year} (trong thư mục {shown});",
        "cài móc kiểm tra: pip install pre-commit && pre-commit install;",
        'ghi lần đầu: git add . && git commit -m "Khởi tạo dữ liệu".',
    ]
    numbered = [f"  {i}. {step}" for i, step in enumerate(steps, 1)]
    return [*head, "Việc tiếp theo:", *numbered, "Xem hướng dẫn trong README.md."]
