"""The printable report: one self-contained page per entity (HTML with inline CSS, or Markdown),
laid out by Jinja2 templates (pysvc/templates/) from the same words as the text renderer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from jinja2 import Environment, PackageLoader, StrictUndefined

from . import __version__
from .render import PUNCTUATION, ConditionView, ProgrammeView, label, programme_view, word
from .results import Assessment

ReportFormat = Literal["html", "md"]
STATUS_ORDER = ("eligible", "not_eligible", "undetermined")


@dataclass(frozen=True)
class Evidence:
    """The evidence of one condition: agreements considered or an assessor's finding."""

    condition: ConditionView
    title: str
    items: tuple[str, ...]


def _environment(autoescape: bool) -> Environment:
    env = Environment(
        loader=PackageLoader("pysvc", "templates"),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cell"] = lambda text: str(text).replace("|", "\\|").replace("\n", "<br>")
    return env


def report_context(assessment: Assessment, lang: str, generated: dt.date) -> dict[str, object]:
    """Everything the report templates show, already in words of `lang`."""
    in_scope = [r for r in assessment.programmes if r.status != "out_of_scope"]
    in_scope.sort(key=lambda r: STATUS_ORDER.index(r.status))
    views: list[ProgrammeView] = [programme_view(r, assessment, lang, others=True) for r in in_scope]
    evidence = {v.id: [Evidence(c, c.evidence_title, c.evidence) for c in _table(v) if c.evidence] for v in views}
    out = [r for r in assessment.programmes if r.status == "out_of_scope"]
    catalogue = assessment.catalogue
    return {
        "lang": lang,
        "w": lambda key, **values: word(key, lang, **values),
        "colon": PUNCTUATION[lang]["colon"],
        "sep": PUNCTUATION[lang]["sep"],
        "entity": assessment.entity,
        "kind": label("kind", assessment.entity.kind, lang),
        "versions": {"svctrade": __version__, "catalogue": catalogue.version},
        "year": assessment.year,
        "generated": generated.isoformat(),
        "readings": list(catalogue.interpretations.values()),
        "programmes": views,
        "tables": {v.id: _table(v) for v in views},
        "clauses": {v.id: sorted(v.clauses, key=lambda c, v=v: _first(v, c.conditions)) for v in views},
        "evidence": evidence,
        "out_of_scope": [r.programme.id for r in out],
    }


def _table(view: ProgrammeView) -> list[ConditionView]:
    """Every required condition of a programme once, in catalogue order, as the report's condition
    table (preferences rank but never decide: they have a list of their own below it)."""
    seen: dict[str, ConditionView] = {}
    for c in (*view.because, *(c for s in view.sets for c in s.conditions), *view.others):
        seen.setdefault(c.id, c)
    order = {cid: i for i, cid in enumerate(view.order)}
    return sorted(seen.values(), key=lambda c: order.get(c.id, -1))


def _first(view: ProgrammeView, conditions: tuple[str, ...]) -> int:
    """Where a clause comes in catalogue order: at its first condition."""
    return min((view.order.index(c) for c in conditions if c in view.order), default=-1)


def render_report(
    assessment: Assessment, lang: str = "zh", output: ReportFormat = "html", generated: dt.date | None = None
) -> str:
    """The report of one assessment: HTML (self-contained, prints on A4) or Markdown."""
    env = _environment(autoescape=output == "html")
    template = env.get_template(f"report.{output}.j2")
    return template.render(report_context(assessment, lang, generated or dt.date.today()))
