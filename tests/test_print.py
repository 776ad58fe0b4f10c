"""The HTML documents print to clean PDFs in a real browser (headless Chromium).

Needs ``chromium`` and poppler's ``pdfinfo``, ``pdftotext``, ``pdffonts`` (Debian: chromium,
poppler-utils; fonts-liberation2 or fonts-croscore for a Times-compatible font with the
Vietnamese letters). Skips, saying what is missing, where they are not installed.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from thidua.compute.ranking import rank_year
from thidua.compute.results import YearResult
from thidua.present.documents import Doc, Format
from thidua.present.render import make_environment, render_document
from thidua.read.load import load_next_tasks
from thidua.repo.years import open_year_or_raise

ROOT = Path(__file__).resolve().parents[1]


def _browser() -> str | None:
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    return None


BROWSER = _browser()
MISSING = [
    name
    for name, found in (
        ("chromium", BROWSER),
        ("pdfinfo", shutil.which("pdfinfo")),
        ("pdftotext", shutil.which("pdftotext")),
        ("pdffonts", shutil.which("pdffonts")),
    )
    if found is None
]
pytestmark = [
    pytest.mark.external,
    pytest.mark.skipif(
        bool(MISSING),
        reason="cần trình duyệt và poppler để in thử ra PDF; thiếu: "
        + ", ".join(MISSING)
        + " (Debian: apt-get install chromium poppler-utils fonts-liberation2)",
    ),
]

# Pages a sane rendering of the bundled 2020 data takes, per document.
PAGES = {
    Doc.MINUTES: range(2, 7),
    Doc.REPORT: range(4, 11),
    Doc.PROPOSAL: range(2, 5),
    Doc.SCORES: range(1, 4),
    Doc.RANKING: range(1, 4),
}
COMMON = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
SPECIFIC = {
    Doc.MINUTES: [
        "BIÊN BẢN",
        "Thư ký (người ghi biên bản)",
        "Cuộc họp kết thúc vào … giờ …, ngày 30 tháng 12 năm 2020./.",
        "THƯ KÝ",
        "CHỦ TỌA",
        "Ngân hàng Nhà nước Việt Nam chi nhánh tỉnh Hòa Bình",
        "Chi cục Hải quan Hòa Bình",
        "85,7 %",
    ],
    Doc.REPORT: [
        "BÁO CÁO",
        "Hòa Bình, ngày 30 tháng 12 năm 2020",
        "PHỤ LỤC 1",
        "Thi đua chung sức xây dựng nông thôn mới.",
    ],
    Doc.PROPOSAL: ["TỜ TRÌNH", "Kính gửi: Hội đồng Thi đua - Khen thưởng tỉnh Hòa Bình."],
    Doc.SCORES: ["BẢNG TỔNG HỢP ĐIỂM THI ĐUA NĂM 2020", "67,75"],
    Doc.RANKING: ["KẾT QUẢ XẾP HẠNG THI ĐUA NĂM 2020", "Cục Quản lý thị trường tỉnh Hòa Bình"],
}


@pytest.fixture(scope="module")
def bundled() -> YearResult:
    data, _ = open_year_or_raise(ROOT / "data", 2020)
    return rank_year(data)


def print_pdf(html: Path, pdf: Path, profile: Path) -> None:
    assert BROWSER is not None
    subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )


def pages(pdf: Path) -> int:
    info = subprocess.run(
        ["pdfinfo", str(pdf)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    for line in info.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError(f"pdfinfo gave no page count: {info}")


def fonts(pdf: Path) -> list[str]:
    """Names of the fonts embedded in ``pdf`` (pdffonts), subset prefixes removed."""
    out = subprocess.run(
        ["pdffonts", str(pdf)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    names = [line.split()[0] for line in out.splitlines()[2:] if line.strip()]
    return [name.split("+", 1)[-1] for name in names]


def text_of(pdf: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout.decode("utf-8")
    return " ".join(unicodedata.normalize("NFC", out).split())


@pytest.mark.parametrize("doc", list(Doc), ids=lambda d: d.value)
def test_document_prints_to_pdf(bundled: YearResult, doc: Doc, tmp_path: Path) -> None:
    """The bundled document prints to a PDF of a sane length with its Vietnamese text intact."""
    html = tmp_path / f"{doc.value}.html"
    html.write_text(
        render_document(
            bundled,
            doc,
            Format.HTML,
            env=make_environment(),
            next_tasks=load_next_tasks(bundled.data),
        ),
        encoding="utf-8",
    )
    pdf = tmp_path / f"{doc.value}.pdf"
    print_pdf(html, pdf, tmp_path / "profile")
    assert pages(pdf) in PAGES[doc]
    text = text_of(pdf)
    for expected in COMMON + SPECIFIC[doc]:
        assert expected in text, expected
    assert "None" not in text
    # Every glyph, Vietnamese letters included, comes from a Times-compatible serif font;
    # a fallback (DejaVu Sans, a Type 3 font) means the font stack misses the letters.
    serif = ("TimesNewRoman", "Times", "LiberationSerif", "Tinos")
    strange = [f for f in fonts(pdf) if not f.startswith(serif)]
    assert not strange, (
        f"phông chữ không phải Times/Liberation Serif/Tinos: {strange}; "
        "cài fonts-liberation2 hoặc fonts-croscore (có đủ chữ tiếng Việt)"
    )
