"""The printable report (`svctrade report`): self-contained HTML that prints on A4, a Markdown
variant, and the HTML opened in a real headless Chromium."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pysvc import __version__
from pysvc.cli import app
from pysvc.engine import Engine
from pysvc.facts import load_fact_file
from pysvc.render import WORDS
from pysvc.report import render_report

from .conftest import CHROMIUM_FLAGS, ROOT

EXAMPLES = ROOT / "facts" / "examples"
NOT_ELIGIBLE = EXAMPLES / "1-freight-agreement-short.yaml"
SEVERAL = EXAMPLES / "3.1-software-and-internet-multi.yaml"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _report(engine: Engine, path: Path, lang: str = "zh", output: str = "html") -> tuple[str, list]:
    assessment = engine.assess_one(load_fact_file(path))
    in_scope = [r for r in assessment.programmes if r.status != "out_of_scope"]
    return render_report(assessment, lang, output, dt.date(2024, 4, 1)), in_scope  # type: ignore[arg-type]


def test_the_html_report_is_one_self_contained_page_for_a4(engine: Engine) -> None:
    html, _ = _report(engine, SEVERAL)
    assert "@page { size: A4;" in html
    assert not re.search(r"""(src|href)=["'](https?:)?//""", html), "the report must not load anything"
    assert "<script" not in html and "<link" not in html


@pytest.mark.parametrize("output", ["html", "md"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_gives_every_verdict_the_versions_and_the_date(engine: Engine, output: str, lang: str) -> None:
    text, in_scope = _report(engine, SEVERAL, lang, output)
    assert len(in_scope) > 1
    for result in in_scope:
        title = result.programme.zh if lang == "zh" else result.programme.en
        verdict = WORDS[result.status][0 if lang == "zh" else 1]
        assert f"{result.programme.id} {title} — " in text
        assert re.search(rf"{re.escape(title)} — (<span[^>]*>)?{re.escape(verdict)}", text), result.programme.id
    assert f"svctrade {__version__}" in text and "2023" in text and "2024-04-01" in text


def test_the_report_names_agreements_and_findings_and_prints_each_clause_once(engine: Engine) -> None:
    text, _ = _report(engine, NOT_ELIGIBLE, "zh", "md")
    assert "上海汽车集团股份有限公司（客户，2023-02-01 至 2023-12-31，11 个月） 不计：期限不足 12 个月" in text
    assert "认定依据：评审人 市商务委服务贸易处；2024-03-18" in text
    assert text.count("(二)具有较为稳定的长期合作知名客户") == 1


def test_report_writes_the_file_named_by_dash_o(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    result = runner.invoke(app, ["report", str(NOT_ELIGIBLE), "--format", "md", "--lang", "en", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("# Service trade catalogue")


class _Verdicts(HTMLParser):
    """The verdicts a rendered DOM shows: per programme section and per summary row."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, str] = {}
        self.rows: dict[str, str] = {}
        self._section: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section" and a.get("data-programme"):
            self._section = a["data-programme"]
        if tag == "tr" and a.get("data-programme"):
            self.rows[a["data-programme"] or ""] = a.get("data-status") or ""
        if tag == "span" and a.get("data-verdict") and self._section:
            self.sections[self._section] = a["data-verdict"] or ""


def _browser() -> str | None:
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def _chromium(browser: str, profile: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    command = [
        browser,
        "--headless",
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile}",
        *arguments,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("example", [NOT_ELIGIBLE, SEVERAL], ids=lambda p: p.name)
def test_the_report_opens_in_headless_chromium_with_every_verdict(engine: Engine, tmp_path: Path, example) -> None:
    browser = _browser()
    if browser is None:
        pytest.skip("no Chromium installed (.ci/run installs Debian's chromium with apt when it can)")
    html, in_scope = _report(engine, example)
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    dom = _chromium(browser, tmp_path / "profile", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    verdicts = _Verdicts()
    verdicts.feed(dom.stdout)
    expected = {r.programme.id: r.status for r in in_scope}
    assert verdicts.sections == expected
    assert verdicts.rows == expected
    shot = tmp_path / "screenshots" / f"{example.stem}.png"
    shot.parent.mkdir()
    taken = _chromium(browser, tmp_path / "profile", f"--screenshot={shot}", "--window-size=900,1400", page.as_uri())
    assert taken.returncode == 0, taken.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_preferences_are_listed_apart_from_the_conditions_table(engine: Engine) -> None:
    """3.3.1 …的企业和服务出口类企业优先: a preference ranks, it is never a condition of the verdict."""
    assessment = engine.assess_one(load_fact_file(ROOT / "facts" / "examples" / "3.1-software-and-internet-multi.yaml"))
    html = render_report(assessment, "en")
    section = html[html.index('id="p-3.3"') :]
    table, rest = section.split("</table>", 1)
    assert "3.3.1c" not in table
    assert "3.3.1c" in rest.split("</section>", 1)[0]
