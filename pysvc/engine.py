"""The reasoning engine: validated facts in, `Assessment` objects out.

Entities are assessed in batches: one clingo Control per batch holds the knowledge base and the
facts of every entity in the batch, each entity under its own index; one grounding derives every
condition's state, and one enumeration (``--heuristic=Domain --enum-mode=domRec``) yields every
subset-minimal missing-condition set of every unmet programme of every entity in the batch.
User data reaches clingo only as symbols added through the backend, never as program text.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import islice

import clingo

from .amounts import Money
from .facts import EntityFacts, FactFileError
from .kb import Clause, clause_id_of, kb_files, read_clauses, version_name
from .results import (
    AgreementEvidence,
    Assessment,
    Catalogue,
    Condition,
    ConditionResult,
    ConditionStatus,
    Evidence,
    FindingEvidence,
    Interpretation,
    Months,
    Percent,
    Programme,
    ProgrammeResult,
    Route,
    ScopeReason,
    Share,
    Value,
    YearValue,
)
from .vocabulary import BUSINESS_LINES

#: clasp settings that make every model one subset-minimal set of `assume/2` atoms.
SOLVER_ARGUMENTS = ("0", "--heuristic=Domain", "--enum-mode=domRec")
DEFAULT_BATCH_SIZE = 500

#: Condition kinds of common.lp: the argument positions of the subject(s) and of the threshold.
_KINDS: dict[str, tuple[tuple[int, ...], int | None]] = {
    "at_least": ((1,), 2),
    "more_than": ((1,), 2),
    "at_least_in_recent_years": ((1,), 3),
    "annual_at_least": ((1,), 2),
    "total_in_recent_years": ((1,), 3),
    "at_least_by_last_year": ((1,), 2),
    "none_in_recent_years": ((1,), None),
    "share_at_least": ((1, 2), 3),
    "holds_item": ((1,), 2),
    "attribute_in": ((1,), 2),
    "found": ((1,), None),
    "agreement_for": ((1,), 2),
}


#: Kinds whose third argument is the number of years of their window (近N年内).
_WINDOWS = ("at_least_in_recent_years", "none_in_recent_years", "total_in_recent_years")


class InterpretationError(ValueError):
    """An --interpretation NAME=VALUE the knowledge base does not define."""


class _Arithmetic:
    """Exact arithmetic the rules call as @functions during grounding (no 32-bit products)."""

    @staticmethod
    def share_at_least(part: clingo.Symbol, whole: clingo.Symbol, percent: clingo.Symbol) -> clingo.Symbol:
        denominator = _exact(whole)
        met = denominator > 0 and _exact(part) / denominator >= Fraction(percent.number, 100)
        return clingo.Number(int(met))

    @staticmethod
    def mean_at_least(threshold: clingo.Symbol, *values: clingo.Symbol) -> clingo.Symbol:
        total = sum((_exact(v) for v in values), Fraction(0))
        return clingo.Number(int(total >= _exact(threshold) * len(values)))

    @staticmethod
    def total_at_least(threshold: clingo.Symbol, *values: clingo.Symbol) -> clingo.Symbol:
        total = sum((_exact(v) for v in values), Fraction(0))
        return clingo.Number(int(total >= _exact(threshold)))


def _exact(symbol: clingo.Symbol) -> Fraction:
    if symbol.type == clingo.SymbolType.Number:
        return Fraction(symbol.number)
    return Fraction(Money.from_symbol(symbol).amount)


def _value(symbol: clingo.Symbol) -> Value:
    """A Python value for a term of the knowledge base."""
    if symbol.type == clingo.SymbolType.Number:
        return symbol.number
    if symbol.type == clingo.SymbolType.String:
        return symbol.string
    name, args = symbol.name, symbol.arguments
    if name == "money":
        return Money.from_symbol(symbol)
    if name == "share":
        return Share(_exact(args[0]), _exact(args[1]))
    if name == "percent":
        return Percent(args[0].number)
    if name == "months":
        return Months(args[0].number)
    if name == "year":
        inner = _value(args[1])
        assert isinstance(inner, Money | int)
        return YearValue(args[0].number, inner)
    if name in ("true", "false") and not args:
        return name == "true"
    return str(symbol)


def _programme_order(programme_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in programme_id.split("."))


def _vocabulary_order(line: str) -> tuple[int, str]:
    """Business lines in the order of the vocabulary (the catalogue's), unknown ones last."""
    order = list(BUSINESS_LINES)
    return (order.index(line) if line in order else len(order), line)


def _route_order(item: tuple[str, list[str]], groups: Mapping[str, Mapping[str, list[str]]]) -> list:
    """Routes in catalogue order: by their conditions, first clause first."""
    name, conditions = item
    members = conditions + [c for g in groups[name].values() for c in g]
    return sorted(map(_condition_order, members))


def _condition_order(condition_id: str) -> tuple:
    clause = clause_id_of(condition_id)
    return (_programme_order(clause), condition_id[len(clause) :])


@dataclass
class _EntityAtoms:
    """What grounding derived for one entity."""

    states: dict[str, ConditionStatus] = field(default_factory=dict)
    observed: dict[str, list[Value]] = field(default_factory=lambda: defaultdict(list))
    needs: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    in_scope: set[str] = field(default_factory=set)
    explained: set[str] = field(default_factory=set)
    routes_met: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    #: per (programme, route), the groups met (year by year, a 每年度 group may be met by no one member)
    groups_met: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    missing: dict[str, list[frozenset[str]]] = field(default_factory=lambda: defaultdict(list))


class Engine:
    """Assesses entities against one catalogue version under one set of readings."""

    def __init__(
        self,
        catalogue: str | None = None,
        interpretations: Mapping[str, str] | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        """`catalogue`: a shipped version's name or a path to a KB folder; None is the newest version."""
        self.version = version_name(catalogue)
        self.batch_size = batch_size
        self._clauses = read_clauses(catalogue)
        self._files = kb_files(catalogue)
        self._program = "\n".join(path.read_text(encoding="utf-8") for path in self._files)
        self._choices = dict(interpretations or {})
        self.kb_messages: list[str] = []  # what clingo said while reading the KB (lint reports it)
        self.catalogue = self._read_catalogue()
        self._programme_conditions: dict[str, list[Condition]] = defaultdict(list)
        for condition in self.catalogue.conditions.values():
            self._programme_conditions[condition.programme].append(condition)

    # -- set-up ---------------------------------------------------------------------------------
    def _control(self, from_files: bool = False) -> clingo.Control:
        """A Control holding the KB: read from its files (messages name them) or from memory."""
        if from_files:
            ctl = clingo.Control(list(SOLVER_ARGUMENTS), logger=lambda _code, message: self.kb_messages.append(message))
            for path in self._files:
                ctl.load(str(path))
        else:
            ctl = clingo.Control(list(SOLVER_ARGUMENTS), logger=lambda _code, _message: None)
            ctl.add("base", [], self._program)
        with ctl.backend() as backend:
            for name, value in self._choices.items():
                atom = clingo.Function("interpretation_choice", [clingo.Function(name), clingo.Function(value)])
                backend.add_rule([backend.add_atom(atom)])
        return ctl

    def _read_catalogue(self) -> Catalogue:
        ctl = self._control(from_files=True)
        ctl.ground([("base", [])], context=_Arithmetic())
        atoms = _facts_by_name(ctl)
        options: dict[str, list[str]] = defaultdict(list)
        defaults: dict[str, str] = {}
        for name, value, role in atoms["interpretation_option"]:
            options[name.name].append(value.name)
            if role.name == "default":
                defaults[name.name] = value.name
        self._check_choices(options)
        in_force = {a[0].name: a[1].name for a in atoms["interpretation"]}
        questions = {n.name: (zh.string, en.string) for n, zh, en in atoms["interpretation_text"]}
        meanings: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
        for n, v, zh, en in atoms["interpretation_value_text"]:
            meanings[n.name][v.name] = (zh.string, en.string)
        interpretations = {
            n: Interpretation(
                n, tuple(sorted(v)), defaults[n], in_force[n], questions.get(n, ("", "")), dict(meanings[n])
            )
            for n, v in sorted(options.items())
        }
        conditions = self._read_conditions(atoms, average=in_force.get("recent_years") == "average")
        routes: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        groups: dict[str, dict[str, dict[str, list[str]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
        for p, r, c in atoms["requires"]:
            routes[p.string][r.name].append(c.string)
        for p, r, g, c in atoms["requires_one_of"]:
            groups[p.string][r.name][g.name].append(c.string)
            routes[p.string].setdefault(r.name, [])
        preferences: dict[str, list[str]] = defaultdict(list)
        for p, c in atoms["preference"]:
            preferences[p.string].append(c.string)
        scope: dict[str, list[str]] = defaultdict(list)
        for p, line in atoms["scope"]:
            scope[p.string].append(line.name)
        kinds: dict[str, list[str]] = defaultdict(list)
        for p, kind in atoms["applies_to"]:
            kinds[p.string].append(kind.name)
        route_kind = {(p.string, r.name): k.name for p, r, k in atoms["route_for_kind"]}
        labels = {(p.string, r.name): (zh.string, en.string) for p, r, zh, en in atoms["route_label"]}
        programmes = {}
        for p, zh, en in sorted(atoms["programme"], key=lambda a: _programme_order(a[0].string)):
            pid = p.string
            programmes[pid] = Programme(
                id=pid,
                zh=zh.string,
                en=en.string,
                routes={
                    r: Route(
                        tuple(sorted(cs, key=_condition_order)),
                        {g: tuple(sorted(m, key=_condition_order)) for g, m in sorted(groups[pid][r].items())},
                        route_kind.get((pid, r)),
                        *labels.get((pid, r), ()),
                    )
                    for r, cs in sorted(routes[pid].items(), key=lambda item: _route_order(item, groups[pid]))
                },
                preferences=tuple(sorted(preferences[pid], key=_condition_order)),
                scope=tuple(sorted(scope[pid], key=_vocabulary_order)),
                kinds=tuple(sorted(kinds[pid])),
            )
        return Catalogue(self.version, programmes, conditions, interpretations)

    def _check_choices(self, options: Mapping[str, list[str]]) -> None:
        for name, value in self._choices.items():
            if name not in options:
                close = difflib.get_close_matches(name, list(options), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise InterpretationError(f"unknown interpretation {name!r}{hint}; known: {', '.join(sorted(options))}")
            if value not in options[name]:
                raise InterpretationError(
                    f"interpretation {name} has no value {value!r}; choose one of: {', '.join(options[name])}"
                )

    def _read_conditions(
        self, atoms: Mapping[str, list[tuple[clingo.Symbol, ...]]], average: bool
    ) -> dict[str, Condition]:
        kind_of: dict[str, str] = {}
        subjects: dict[str, list[str]] = defaultdict(list)
        required: dict[str, list[Value]] = defaultdict(list)
        for kind, (subject_at, threshold_at) in _KINDS.items():
            for args in atoms[kind]:
                cid = args[0].string
                kind_of.setdefault(cid, kind)
                subjects[cid].extend(str(args[i]) for i in subject_at if str(args[i]) not in subjects[cid])
                if threshold_at is not None:
                    value = _value(args[threshold_at])
                    wrap = {"share_at_least": Percent, "agreement_for": Months}.get(kind)
                    required[cid].append(wrap(value) if wrap else value)  # type: ignore[arg-type]
        years = {args[0].string: args[2].number for kind in _WINDOWS for args in atoms[kind]}
        years.update({args[0].string: args[1].number for args in atoms["annual_window"]})
        flags: dict[str, list[str]] = defaultdict(list)
        for c, flag in atoms["agreement_flag_required"]:
            flags[c.string].append(flag.name)
        conditions = {}
        for p, c in sorted(atoms["condition"], key=lambda a: _condition_order(a[1].string)):
            cid = c.string
            conditions[cid] = Condition(
                id=cid,
                programme=p.string,
                clause=self._clauses[clause_id_of(cid)],
                kind=kind_of.get(cid, "custom"),
                subject=tuple(subjects[cid]),
                required=tuple(required[cid]),
                flags=tuple(flags[cid]),
                years=years.get(cid),
                average=average and kind_of.get(cid) == "at_least_in_recent_years",
            )
        return conditions

    # -- assessment -----------------------------------------------------------------------------
    def assess(
        self, entities: Iterable[EntityFacts], year: int | None = None, explain_all: bool = False
    ) -> Iterator[Assessment]:
        """Assess every entity (in order), batch by batch. `year` overrides each file's own year."""
        iterator = iter(entities)
        while batch := list(islice(iterator, self.batch_size)):
            yield from self._assess_batch(batch, year, explain_all)

    def assess_one(self, entity: EntityFacts, year: int | None = None, explain_all: bool = False) -> Assessment:
        """Assess a single entity."""
        return next(self.assess([entity], year, explain_all))

    def _assess_batch(self, batch: list[EntityFacts], year: int | None, explain_all: bool) -> Iterator[Assessment]:
        years = [application_year(entity, year) for entity in batch]
        ctl = self._control()
        with ctl.backend() as backend:
            for index, (entity, application) in enumerate(zip(batch, years, strict=True)):
                for symbol in entity_symbols(index, entity, application):
                    backend.add_rule([backend.add_atom(symbol)])
            if explain_all:
                backend.add_rule([backend.add_atom(clingo.Function("explain_all"))])
        ctl.ground([("base", [])], context=_Arithmetic())
        derived = _entity_atoms(ctl, len(batch))
        with ctl.solve(yield_=True) as handle:
            for model in handle:
                shown = model.symbols(shown=True)
                assumed = frozenset(s.arguments[1].string for s in shown if s.name == "assume")
                for focus in (s for s in shown if s.name == "focus"):  # none when nothing is unmet
                    derived[focus.arguments[0].number].missing[focus.arguments[1].string].append(assumed)
        for entity, application, atoms in zip(batch, years, derived, strict=True):
            yield self._assessment(entity, application, atoms)

    def _assessment(self, entity: EntityFacts, year: int, atoms: _EntityAtoms) -> Assessment:
        results = []
        for pid, programme in self.catalogue.programmes.items():
            reason = None if pid in atoms.in_scope else scope_reason(programme, entity)
            if pid not in atoms.explained:  # out of scope and not asked for: nothing was evaluated
                results.append(ProgrammeResult(programme, "out_of_scope", explained=False, scope_reason=reason))
                continue
            conditions = {
                c.id: ConditionResult(
                    condition=c,
                    status=atoms.states.get(c.id, "unknown"),
                    found=tuple(atoms.observed.get(c.id, ())),
                    needs=tuple(sorted(set(atoms.needs.get(c.id, ())))),
                    evidence=evidence(c, entity, year),
                )
                for c in self._programme_conditions[pid]
            }
            missing = tuple(
                tuple(conditions[c] for c in sorted(s, key=_condition_order))
                for s in sorted(atoms.missing.get(pid, []), key=lambda s: (len(s), sorted(s, key=_condition_order)))
            )
            met = {c for c, result in conditions.items() if result.status == "met"}
            completes = tuple(
                tuple(
                    name
                    for name, r in programme.routes.items()
                    if r.kind in (None, entity.kind)
                    and r.completed_by(met | {c.condition.id for c in s}, frozenset(atoms.groups_met[pid, name]))
                )
                for s in missing
            )
            routes = sorted(atoms.routes_met.get(pid, []), key=list(programme.routes).index)
            route = routes[0] if routes else None
            if reason == "entity_kind":  # no set of conditions can change what the entity is
                missing, completes = (), ()
            elif reason == "business_not_declared":  # every set starts with declaring the business
                declared = scope_condition(programme, entity)
                missing = tuple((declared, *s) for s in missing) if missing else ((declared,),)
                completes = completes or (tuple(routes),)
            if reason:
                status = "out_of_scope"
                route = None
            elif route:
                status = "eligible"
            elif any(all(c.status == "unknown" for c in s) for s in missing):
                status = "undetermined"
            else:
                status = "not_eligible"
            results.append(
                ProgrammeResult(
                    programme=programme,
                    status=status,  # type: ignore[arg-type]
                    explained=True,
                    route=route,
                    because=_because(programme.routes[route], conditions, atoms.groups_met.get((pid, route), set()))
                    if route
                    else (),
                    missing=missing,
                    missing_routes=completes,
                    preferences=tuple(conditions[c] for c in programme.preferences),
                    conditions=tuple(conditions.values()),
                    scope_reason=reason,
                )
            )
        return Assessment(entity, year, self.catalogue, tuple(results))


def scope_reason(programme: Programme, entity: EntityFacts) -> ScopeReason:
    """Why a programme is out of scope for an entity: its kind, else its declared business."""
    return "business_not_declared" if entity.kind in programme.kinds else "entity_kind"


def scope_condition(programme: Programme, entity: EntityFacts) -> ConditionResult:
    """What brings a programme into scope for an entity of a kind it applies to: declaring one of
    its business lines (not a catalogue clause: the programme's heading)."""
    clause = Clause(programme.id, programme.zh, "programmes.md", 0)
    condition = Condition(
        f"{programme.id}/scope", programme.id, clause, "in_scope", ("business_lines",), programme.scope
    )
    return ConditionResult(condition, "failed", found=entity.business_lines)


def evidence(condition: Condition, entity: EntityFacts, year: int) -> tuple[Evidence, ...]:
    """The agreements an agreement condition considered (each with why it does or does not count)
    and the assessor's finding a qualitative condition turns on, read from the facts."""
    if condition.kind == "found":
        finding = entity.findings.get(condition.subject[0])
        if finding is None:
            return ()
        return (FindingEvidence(condition.subject[0], finding.value, finding.assessor, finding.date, finding.note),)
    if condition.kind != "agreement_for":
        return ()
    minimum = condition.required[0]
    assert isinstance(minimum, Months)
    considered = []
    for agreement in entity.agreements or ():
        if agreement.counterparty_kind != condition.subject[0]:
            continue
        reasons = ["short"] * (agreement.months < minimum.value) + ["ended"] * (agreement.end.year < year - 1)
        for flag in condition.flags:
            value = getattr(agreement, flag)
            if value is not True:
                reasons.append(f"{flag}:{'unstated' if value is None else 'false'}")
        considered.append(
            AgreementEvidence(
                agreement.counterparty,
                agreement.counterparty_kind,
                agreement.start,
                agreement.end,
                agreement.months,
                tuple(reasons),
            )
        )
    return tuple(considered)


def _because(
    route: Route, conditions: Mapping[str, ConditionResult], groups_met: set[str]
) -> tuple[ConditionResult, ...]:
    """The conditions that carried a route: all of its own, the met members of each group, and every
    member of a group met only year by year (each year by another member)."""
    chosen = [c for c in route.conditions]
    for name, members in route.groups.items():
        met = [c for c in members if conditions[c].status == "met"]
        chosen += met if met or name not in groups_met else list(members)
    return tuple(conditions[c] for c in sorted(chosen, key=_condition_order))


def _facts_by_name(ctl: clingo.Control) -> dict[str, list[tuple[clingo.Symbol, ...]]]:
    """The arguments of every fact of the ground program, by predicate name."""
    atoms: dict[str, list[tuple[clingo.Symbol, ...]]] = defaultdict(list)
    for atom in ctl.symbolic_atoms:
        if atom.is_fact:
            atoms[atom.symbol.name].append(tuple(atom.symbol.arguments))
    return atoms


def _need_path(need: clingo.Symbol) -> str:
    """A fact-file path to fill in, from a `needs/3` term."""
    args = need.arguments
    if need.name == "figure":
        return f"figures.{args[0].number}.{args[1].name}"
    if need.name == "agreement_flag":
        return f"agreements[].{args[0].name}"
    if need.name in ("finding", "attribute"):
        return f"{'findings' if need.name == 'finding' else 'entity'}.{args[0].name}"
    return args[0].name


def _entity_atoms(ctl: clingo.Control, count: int) -> list[_EntityAtoms]:
    """Read, per entity, the reported atoms of the ground program (all of them facts)."""
    result = [_EntityAtoms() for _ in range(count)]
    atoms = ctl.symbolic_atoms
    for signature in (
        ("state", 3),
        ("shows", 3),
        ("needs", 3),
        ("route_met", 3),
        ("in_scope", 2),
        ("explained", 2),
        ("group_met", 4),
    ):
        for atom in atoms.by_signature(*signature):
            args = atom.symbol.arguments
            entity = result[args[0].number]
            key = args[1].string
            name = signature[0]
            if name == "state":
                entity.states[key] = args[2].name  # type: ignore[assignment]
            elif name == "shows":
                entity.observed[key].append(_value(args[2]))
            elif name == "needs":
                entity.needs[key].append(_need_path(args[2]))
            elif name == "route_met":
                entity.routes_met[key].append(args[2].name)
            elif name == "group_met":
                entity.groups_met[key, args[2].name].add(args[3].name)
            else:
                getattr(entity, name).add(key)
    return result


MISSING_YEAR = "year: missing; give `year: 2024` in the file or --year 2024"


def application_year(entity: EntityFacts, year: int | None) -> int:
    """The year of application: the override, else the file's own; never silently today."""
    chosen = year if year is not None else entity.year
    if chosen is None:
        raise FactFileError(entity.source, [MISSING_YEAR])
    return chosen


def entity_symbols(index: int, entity: EntityFacts, year: int) -> Iterator[clingo.Symbol]:
    """The input facts of one entity, as symbols (the only way user data reaches clingo)."""
    e = clingo.Number(index)
    fn, num, text = clingo.Function, clingo.Number, clingo.String
    yield fn("entity", [e])
    yield fn("entity_name", [e, text(entity.name)])
    yield fn("application_year", [e, num(year)])
    yield fn("entity_kind", [e, fn(entity.kind)])
    if entity.district is not None:
        yield fn("attribute", [e, fn("district"), fn(entity.district)])
    if entity.independent_legal_person is not None:
        value = fn("true" if entity.independent_legal_person else "false")
        yield fn("attribute", [e, fn("independent_legal_person"), value])
    yield fn("stated", [e, fn("business_lines")])
    for line in entity.business_lines:
        yield fn("has", [e, fn("business_lines"), fn(line)])
    for section, items in entity.items.items():
        yield fn("stated", [e, fn(section)])
        for item in items:
            yield fn("has", [e, fn(section), fn(item)])
    for figure_year, figures in entity.figures.items():
        for measure, value in figures.items():
            term = value.to_symbol() if isinstance(value, Money) else num(value)
            yield fn("figure", [e, num(figure_year), fn(measure), term])
    if entity.agreements is not None:
        yield fn("stated", [e, fn("agreements")])
        for i, agreement in enumerate(entity.agreements):
            a = num(i)
            yield fn("agreement", [e, a, fn(agreement.counterparty_kind)])
            yield fn("agreement_months", [e, a, num(agreement.months)])
            yield fn("agreement_end_year", [e, a, num(agreement.end.year)])
            for flag in ("well_known", "overseas"):
                value = getattr(agreement, flag)
                if value is not None:
                    yield fn("agreement_flag", [e, a, fn(flag), fn("true" if value else "false")])
    for topic, finding in entity.findings.items():
        yield fn("finding", [e, fn(topic), fn("true" if finding.value else "false")])
