"""Hostile templates of a data repository: bounded in values, loops, output, recursion and time.

Each template goes in ``templates/`` beside the data folder (README, "Văn bản và mẫu") and
is rendered through the CLI: the command must stop with a Vietnamese message naming the
template file and line, exit code 1, no traceback (the message shows which limit stopped
it, so it stopped early; speed is measured in bench/).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from thidua.cli import app
from thidua.present import render, template_limits
from yeardata import write_year

runner = CliRunner()

TOO_LONG = "tạo ra giá trị quá lớn (hơn 10.000.000 ký tự hoặc phần tử)"
RECURSION = (
    "mẫu văn bản gọi lại chính nó không dừng (include, extends, import hoặc macro lồng nhau "
    "quá nhiều tầng)"
)
LOOPS = (
    "vòng lặp chạy quá nhiều lượt (hơn 5.000.000 lượt trong một văn bản, kể cả các số do "
    "range() tạo ra)"
)
FORMAT = "định dạng có độ rộng quá lớn hoặc lấy độ rộng từ tham số (chặn vì lý do an toàn)"
KILO = "x" * 1000


def render_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, name: str = "scores.md"
) -> tuple[int, str]:
    """Exit code and stderr of ``thidua render 2020 scores`` with a user template."""
    write_year(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / name).write_text(source, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    fmt = "html" if name.endswith(".html") else "md"
    res = runner.invoke(app, ["render", "2020", "scores", "--data", "data", "--format", fmt])
    return res.exit_code, res.stderr


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("{{ 'a'*10**10 }}\n", 1, f'phép "*" {TOO_LONG}'),
        ("Năm {{ year }}\n{{ [1]*10**9 }}\n", 2, f'phép "*" {TOO_LONG}'),
        ("{{ 10 * ('ab' * 5000000) }}\n", 1, f'phép "*" {TOO_LONG}'),
        ("{{ 2**100000 }}\n", 1, 'phép "**" tạo ra số quá lớn (hơn 10.000 bit)'),
        (
            "{% set n = 2**5000 %}{{ n * n * n }}\n",
            1,
            'phép "*" tạo ra số quá lớn (hơn 10.000 bit)',
        ),
        (
            "{% for i in range(100000) %}\n{% for j in range(100000) %}x{% endfor %}\n"
            "{% endfor %}\n",
            2,
            LOOPS,
        ),
        (
            "{% for a in range(100000) %}{% for b in members %}\n"
            "{% for c in range(100) %}{% endfor %}{% endfor %}{% endfor %}\n",
            2,
            LOOPS,
        ),
        ("{{ range(10**8)|length }}\n", 1, f"range() {TOO_LONG}"),
        (
            "{% set ns = namespace(s='ab') %}\n{% for i in range(40) %}"
            "{% set ns.s = ns.s ~ ns.s %}{% endfor %}\n",
            2,
            f'phép nối "~" {TOO_LONG}',
        ),
        (
            "{% set ns = namespace(s='ab') %}\n{% for i in range(40) %}"
            "{% set ns.s = ns.s + ns.s %}{% endfor %}\n",
            2,
            f'phép "+" {TOO_LONG}',
        ),
        (
            "{% for i in range(100000) %}" + KILO + "{% endfor %}\n",
            1,
            "văn bản quá dài (hơn 50.000.000 ký tự, kể cả phần do macro tạo ra)",
        ),
        (
            "{% macro m() %}{% for i in range(100000) %}" + KILO + "{% endfor %}{% endmacro %}"
            "\n{{ m()|length }}\n",
            1,
            "văn bản quá dài (hơn 50.000.000 ký tự, kể cả phần do macro tạo ra)",
        ),
        ("{{ 'x'|center(1000000000) }}\n", 1, f'bộ lọc "center" {TOO_LONG}'),
        ("{{ 'x'.ljust(10**9) }}\n", 1, f'hàm "ljust" {TOO_LONG}'),
        ("{{ ('x'*1000000)|replace('x', 'x'*1000) }}\n", 1, f'bộ lọc "replace" {TOO_LONG}'),
        ("{{ ('x'*1000).replace('', 'y'*100000) }}\n", 1, f'hàm "replace" {TOO_LONG}'),
        ("{{ ('x'*1000)|join('y'*100000) }}\n", 1, f'bộ lọc "join" {TOO_LONG}'),
        ("{{ ('y'*100000).join('x'*1000) }}\n", 1, f'hàm "join" {TOO_LONG}'),
        (
            "{{ range(1000)|map('string')|join('y'*100000) }}\n",
            1,
            f'bộ lọc "join" {TOO_LONG}',
        ),
        (
            "{{ ('y'*100000).join(range(1000)|map('string')) }}\n",
            1,
            f'hàm "join" {TOO_LONG}',
        ),
        ("{{ '%0999999999d' % 1 }}\n", 1, FORMAT),
        ("{{ '%*d' % (10**9, 1) }}\n", 1, FORMAT),
        ("{{ '%0999999999d'|format(1) }}\n", 1, FORMAT),
        ("{{ '{:>999999999}'.format(1) }}\n", 1, FORMAT),
        ("{{ '{:{}}'.format(1, 10**9) }}\n", 1, FORMAT),
        ("{{ lipsum(1000000) }}\n", 1, 'biến "lipsum" chưa được định nghĩa'),
        (
            "{% set a = ['x' * 1000000] * 1000 %}\n{{ a }}\n",
            2,
            "dựng văn bản cần quá nhiều bộ nhớ (hơn 512 MiB)",
        ),
        (
            "{% set a = ['x' * 1000000] * 1000 %}\n{{ a|tojson|length }}\n",
            2,
            "dựng văn bản cần quá nhiều bộ nhớ (hơn 512 MiB)",
        ),
        ('Năm {{ year }}\n{% include "scores.md" %}\n', 2, RECURSION),
        ('{% extends "scores.md" %}\n', 1, RECURSION),
        ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}\n{{ f(0) }}\n", 1, RECURSION),
    ],
)
def test_hostile_template_stops_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, line: int, message: str
) -> None:
    """Each template that would hang thidua or exhaust memory fails fast, file and line named."""
    code, stderr = render_with(tmp_path, monkeypatch, source)
    assert (code, stderr) == (1, f"Lỗi: mẫu văn bản templates/scores.md, dòng {line}: {message}\n")


def test_html_templates_have_the_same_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = render_with(tmp_path, monkeypatch, "<p>{{ 'a'*10**10 }}</p>\n", "scores.html")
    assert (code, stderr) == (
        1,
        f'Lỗi: mẫu văn bản templates/scores.html, dòng 1: phép "*" {TOO_LONG}\n',
    )


def test_rendering_has_a_time_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_SECONDS the rendering stops (here the limit is 0 s, so the first check fails)."""
    monkeypatch.setattr(template_limits, "MAX_SECONDS", 0)
    source = "{% for i in range(5000) %}{{ i }}{% endfor %}\n"
    code, stderr = render_with(tmp_path, monkeypatch, source)
    assert (code, stderr) == (
        1,
        "Lỗi: mẫu văn bản templates/scores.md, dòng 1: dựng văn bản quá lâu (hơn 0 giây)\n",
    )


def test_reasonable_templates_still_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Repetition, powers, loops and formats of ordinary size are allowed."""
    source = (
        "{{ '-' * 20 }} {{ 2**10 }} {{ [0] * 3 }} {{ 'a' ~ 'b' }} {{ [1] + [2] }}\n"
        "{% for m in members %}{% for i in range(3) %}{{ m.id }}{% endfor %}{% endfor %}\n"
        "{{ '%05d' % 42 }} {{ '{:>6}'.format('x') }} {{ 'x'|center(5) }} "
        "{{ members|map(attribute='id')|join(', ') }}\n"
    )
    code, stderr = render_with(tmp_path, monkeypatch, source)
    assert (code, stderr) == (0, "")


def test_limits_do_not_leak_between_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each document of ``render all`` has its own budget: four loops of 2,000,000 pass."""
    write_year(tmp_path)
    (tmp_path / "templates").mkdir()
    for name in ("minutes", "report", "scores", "ranking"):
        (tmp_path / "templates" / f"{name}.md").write_text(
            "{% for i in range(1000000) %}{% endfor %}{% for i in range(1000000) %}"
            "{% endfor %}ok\n",
            encoding="utf-8",
        )
    monkeypatch.chdir(tmp_path)
    env = render.make_environment(Path("templates"))
    for name in ("minutes", "report", "scores", "ranking"):
        assert render.render_template(env, f"{name}.md", {}) == "ok\n"


def test_memory_cap_is_lifted_after_rendering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The address-space cap holds only while a document renders, also after a failure."""
    resource = pytest.importorskip("resource")
    before = resource.getrlimit(resource.RLIMIT_AS)
    code, _ = render_with(tmp_path, monkeypatch, "{{ ['x' * 1000000] * 1000 }}\n")
    assert code == 1
    assert resource.getrlimit(resource.RLIMIT_AS) == before


def test_a_macro_may_return_a_long_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A macro's output (a table of 10,000 members) is bounded as output, not as a value."""
    source = (
        "{% macro m() %}{% for i in range(12000) %}" + KILO + "{% endfor %}{% endmacro %}"
        "{{ m()|length }}\n"
    )
    code, stderr = render_with(tmp_path, monkeypatch, source)
    assert (code, stderr) == (0, "")
