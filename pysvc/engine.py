"""The reasoning engine: validated facts in, `Assessment` objects out.

Entities are assessed in batches: one clingo Control per batch holds the knowledge base and the
facts of every entity in the batch, each entity under its own index; one grounding derives every
condition's state. The subset-minimal missing-condition sets of an unmet programme depend only on
its *pattern*: which of its route conditions (and 每年度 groups) are met, and, where a route is open
to one kind of entity only, the entity's kind. Each distinct pattern is solved once, by the KB's own
`solve` part (``--heuristic=Domain --enum-mode=domRec``) on a stand-in entity whose met conditions
are the pattern's, in a Control ground once per engine (`_PatternSolver`), and its sets are reused
for every later entity with the same pattern; the solver stays the source of truth.
``Engine(reuse_patterns=False)`` solves every entity on its own facts instead (the reference the
tests compare with).
User data reaches clingo only as symbols added through the backend, never as program text.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from itertools import islice
from typing import Any, TypeVar

import clingo
from clingo._internal import _ffi, _handle_error, _lib

from .amounts import Money
from .facts import FIRST_YEAR, EntityFacts, FactFileError
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
    Screening,
    Share,
    Status,
    Value,
    Verdict,
    YearValue,
)
from .vocabulary import BUSINESS_LINES, ENTITY_KINDS

#: clasp settings that make every model one subset-minimal set of `assume/2` atoms.
SOLVER_ARGUMENTS = ("0", "--heuristic=Domain", "--enum-mode=domRec")
#: Entities ground together in one Control (only their states are read back; nothing is solved there).
DEFAULT_BATCH_SIZE = 500
#: Batch size when every programme is explained (`--all`): the ground program per entity is then
#: about 20 times larger, and memory, not the fixed cost of a Control, is what a batch spends.
EXPLAIN_ALL_BATCH_SIZE = 200
#: Batches of at most this many entities are solved in their own Control while the engine has not
#: built its pattern solver (which costs about as much as grounding the KB for every programme of
#: four entities).
SOLVE_IN_PLACE = 4
#: Patterns (and verdicts) remembered before the memory is cleared (a bound on memory, never on
#: correctness).
PATTERN_CACHE_LIMIT = 200_000

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


@cache
def _condition_order(condition_id: str) -> tuple:
    clause = clause_id_of(condition_id)
    return (_programme_order(clause), condition_id[len(clause) :])


@dataclass
class _EntityAtoms:
    """What grounding derived for one entity."""

    states: dict[str, ConditionStatus] = field(default_factory=dict)
    #: the conditions met, of every programme explained (a state is reported for fewer under
    #: `verdicts_only`)
    met: set[str] = field(default_factory=set)
    observed: dict[str, list[Value]] = field(default_factory=lambda: defaultdict(list))
    needs: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    in_scope: set[str] = field(default_factory=set)
    explained: set[str] = field(default_factory=set)
    routes_met: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    #: (programme, route, group) of every group met, read only where the KB has 每年度 groups (one of
    #: those may be met year by year by no one member)
    annual_groups_met: set[tuple[str, str, str]] = field(default_factory=set)
    #: minimal sets by programme, in the order reported (`_in_order`)
    missing: dict[str, MinimalSets] = field(default_factory=dict)

    def groups_met(self, programme: str, route: str) -> frozenset[str]:
        """The groups of one route met (a 每年度 group may be met year by year by no one member)."""
        return frozenset(g for p, r, g in self.annual_groups_met if (p, r) == (programme, route))


#: Minimal sets as condition ids, each set in catalogue order, the smallest sets first.
MinimalSets = tuple[tuple[str, ...], ...]


def _in_order(sets: Iterable[frozenset[str]]) -> MinimalSets:
    """Minimal sets in the order reported: each in catalogue order; smaller sets first, then by ids."""
    found = sorted(sets, key=lambda s: (len(s), sorted(s, key=_condition_order)))
    return tuple(tuple(sorted(s, key=_condition_order)) for s in found)


#: A programme's pattern for one entity: (programme, kind where routes depend on it, met route
#: conditions, met 每年度 groups). Equal patterns have equal minimal sets.
Pattern = tuple[str, str | None, frozenset[str], frozenset[tuple[str, str, str]]]


class Engine:
    """Assesses entities against one catalogue version under one set of readings."""

    def __init__(
        self,
        catalogue: str | None = None,
        interpretations: Mapping[str, str] | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        reuse_patterns: bool = True,
    ) -> None:
        """`catalogue`: a shipped version's name or a path to a KB folder; None is the newest version."""
        self.version = version_name(catalogue)
        self.batch_size = batch_size
        self.reuse_patterns = reuse_patterns
        self._patterns: dict[Pattern, MinimalSets] = {}
        self._solver: _PatternSolver | None = None  # made when a first pattern is to be solved
        self._verdicts: dict[tuple, Verdict] = {}  # see _verdict
        self._annual_groups: set[tuple[str, str, str]] = set()
        self._clauses = read_clauses(catalogue)
        self._files = kb_files(catalogue)
        self._program = "\n".join(path.read_text(encoding="utf-8") for path in self._files)
        self._choices = dict(interpretations or {})
        self.kb_messages: list[str] = []  # what clingo said while reading the KB (lint reports it)
        self.catalogue = self._read_catalogue()
        self._programme_conditions: dict[str, list[Condition]] = defaultdict(list)
        for condition in self.catalogue.conditions.values():
            self._programme_conditions[condition.programme].append(condition)
        programmes = self.catalogue.programmes.values()
        self._route_members = {p.id: frozenset(c for r in p.routes.values() for c in r.members) for p in programmes}
        self._kind_routes = {p.id for p in programmes if any(r.kind for r in p.routes.values())}
        #: the verdict on a programme out of scope and not explained: the same for every entity
        self._unexplained = {p.id: Verdict(p.id, "out_of_scope", explained=False) for p in programmes}

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
        self._annual_groups = {(p.string, r.name, g.name) for p, r, g in atoms["annual_group"]}
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
        window_reading = {args[0].string: args[1].name for args in atoms["annual_reading"]}
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
                reading=window_reading.get(cid),
            )
        return conditions

    # -- assessment -----------------------------------------------------------------------------
    def assess(
        self, entities: Iterable[EntityFacts], year: int | None = None, explain_all: bool = False
    ) -> Iterator[Assessment]:
        """Assess every entity (in order), batch by batch. `year` overrides each file's own year."""
        for batch, years, derived in self._derive(entities, year, explain_all, detailed=True):
            for entity, application, atoms in zip(batch, years, derived, strict=True):
                yield self._assessment(entity, application, atoms)

    def screen(
        self, entities: Iterable[EntityFacts], year: int | None = None, explain_all: bool = False
    ) -> Iterator[Screening]:
        """Every entity's verdicts (in order): what `assess` decides, without the explanation (values
        found, facts to collect, evidence), which is neither ground nor read. For batches whose
        answers carry only status, route and minimal sets."""
        for batch, years, derived in self._derive(entities, year, explain_all, detailed=False):
            for entity, application, atoms in zip(batch, years, derived, strict=True):
                verdicts = (
                    self._verdict(p, entity, atoms) if p.id in atoms.explained else self._unexplained[p.id]
                    for p in self.catalogue.programmes.values()
                )
                yield Screening(entity, application, tuple(verdicts))

    def assess_one(self, entity: EntityFacts, year: int | None = None, explain_all: bool = False) -> Assessment:
        """Assess a single entity."""
        return next(self.assess([entity], year, explain_all))

    def _derive(
        self, entities: Iterable[EntityFacts], year: int | None, explain_all: bool, detailed: bool
    ) -> Iterator[tuple[list[EntityFacts], list[int], list[_EntityAtoms]]]:
        """Batch by batch: the entities, their years of application and what grounding derived for
        each, minimal sets included."""
        iterator = iter(entities)
        size = min(self.batch_size, EXPLAIN_ALL_BATCH_SIZE) if explain_all else self.batch_size
        while batch := list(islice(iterator, size)):
            years = [application_year(entity, year) for entity in batch]
            # A few entities, before any pattern was solved (one `check`), are solved where they
            # are ground: cheaper than building the pattern solver, and the same sets.
            here = not self.reuse_patterns or (self._solver is None and len(batch) <= SOLVE_IN_PLACE)
            ctl = self._ground(batch, years, explain_all, detailed=detailed, solve=here)
            derived = _entity_atoms(ctl, len(batch), bool(self._annual_groups))
            if here:
                for (index, pid), sets in _minimal_sets(ctl).items():
                    derived[index].missing[pid] = _in_order(sets)
            else:
                self._reuse_missing_sets(batch, derived)
            yield batch, years, derived

    def _ground(
        self,
        batch: list[EntityFacts],
        years: list[int],
        explain_all: bool,
        detailed: bool = False,
        solve: bool = False,
    ) -> clingo.Control:
        """A Control holding the KB and the facts of `batch` (entity i under index i), ground; with
        every programme explained or those in scope; with the values found and facts to collect if
        `detailed`; with the part that enumerates minimal sets if `solve`."""
        ctl = self._control()
        with ctl.backend() as backend:
            add = _fact_adder(backend)
            for index, (entity, application) in enumerate(zip(batch, years, strict=True)):
                for symbol in entity_symbols(index, entity, application):
                    add(symbol)
            # without the explanation, a programme outside the declared business needs only its
            # met conditions: its verdict is out of scope whatever their states
            switches = (("explain_all", explain_all), ("detailed", detailed), ("verdicts_only", not detailed))
            for flag, wanted in switches:
                if wanted:
                    add(_constant(flag))
        parts = [("base", []), ("solve", [])] if solve else [("base", [])]
        ctl.ground(parts, context=_Arithmetic())
        return ctl

    def _pattern(self, pid: str, kind: str, atoms: _EntityAtoms) -> Pattern:
        met = self._route_members[pid] & atoms.met
        groups = frozenset(g for g in atoms.annual_groups_met if g[0] == pid and g in self._annual_groups)
        return (pid, kind if pid in self._kind_routes else None, met, groups)

    def _reuse_missing_sets(self, batch: list[EntityFacts], derived: list[_EntityAtoms]) -> None:
        """Fill in every unmet programme's minimal sets: remembered for a known pattern, else solved
        once for the pattern (`_PatternSolver`) and remembered."""
        for entity, atoms in zip(batch, derived, strict=True):
            for pid in atoms.explained - atoms.routes_met.keys():
                pattern = self._pattern(pid, entity.kind, atoms)
                if pattern not in self._patterns:
                    if len(self._patterns) >= PATTERN_CACHE_LIMIT:
                        self._patterns.clear()
                    if self._solver is None:
                        self._solver = _PatternSolver(self)
                    self._patterns[pattern] = _in_order(self._solver.minimal_sets(pattern))
                atoms.missing[pid] = self._patterns[pattern]

    def _decision(self, programme: Programme, entity: EntityFacts, atoms: _EntityAtoms) -> _Decision:
        """What the derived atoms decide for one explained programme (both `assess` and `screen`)."""
        pid = programme.id
        reason = None if pid in atoms.in_scope else scope_reason(programme, entity)
        sets = atoms.missing.get(pid, ())
        routes = tuple(sorted(atoms.routes_met.get(pid, []), key=list(programme.routes).index))
        if reason == "entity_kind":  # no set of conditions can change what the entity is
            sets = ()
        if reason:
            status: Status = "out_of_scope"
        elif routes:
            status = "eligible"
        elif any(all(atoms.states.get(c, "unknown") == "unknown" for c in s) for s in sets):
            status = "undetermined"
        else:
            status = "not_eligible"
        return _Decision(status, reason, routes, sets)

    def _verdict(self, programme: Programme, entity: EntityFacts, atoms: _EntityAtoms) -> Verdict:
        """The verdict on an explained programme: one object per distinct verdict (with `--all`,
        most entities share the verdicts on the programmes outside their business)."""
        decision = self._decision(programme, entity, atoms)
        key = (programme.id, decision.status, decision.reason, decision.route, decision.sets)
        verdict = self._verdicts.get(key)
        if verdict is None:
            missing = decision.sets
            if decision.reason == "business_not_declared":
                missing = _scope_first(missing, scope_condition_id(programme.id))
            if len(self._verdicts) >= PATTERN_CACHE_LIMIT:
                self._verdicts.clear()
            verdict = self._verdicts[key] = Verdict(programme.id, decision.status, True, decision.route, missing)
        return verdict

    def _assessment(self, entity: EntityFacts, year: int, atoms: _EntityAtoms) -> Assessment:
        results = []
        for pid, programme in self.catalogue.programmes.items():
            if pid not in atoms.explained:  # out of scope and not asked for: nothing was evaluated
                reason = scope_reason(programme, entity)
                results.append(ProgrammeResult(programme, "out_of_scope", explained=False, scope_reason=reason))
                continue
            decision = self._decision(programme, entity, atoms)
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
            missing = tuple(tuple(conditions[c] for c in s) for s in decision.sets)
            met = {c for c, result in conditions.items() if result.status == "met"}
            completes = tuple(
                tuple(
                    name
                    for name, r in programme.routes.items()
                    if r.kind in (None, entity.kind) and r.completed_by(met | set(s), atoms.groups_met(pid, name))
                )
                for s in decision.sets
            )
            if decision.reason == "business_not_declared":  # every set starts with declaring the business
                missing = _scope_first(missing, scope_condition(programme, entity))
                completes = completes or (decision.routes,)
            route = decision.route
            because = _because(programme.routes[route], conditions, atoms.groups_met(pid, route)) if route else ()
            results.append(
                ProgrammeResult(
                    programme=programme,
                    status=decision.status,
                    explained=True,
                    route=route,
                    because=because,
                    missing=missing,
                    missing_routes=completes,
                    preferences=tuple(conditions[c] for c in programme.preferences),
                    conditions=tuple(conditions.values()),
                    scope_reason=decision.reason,
                )
            )
        return Assessment(entity, year, self.catalogue, tuple(results))


#: The stand-ins of `_PatternSolver`: their route conditions and 每年度 groups are met when the
#: pattern says so (a fixed text over the KB's own predicates: no user data is in it).
_STAND_IN_PROGRAM = """
#external pattern_met(E, C) : stand_in(E), requires(_, _, C).
#external pattern_met(E, C) : stand_in(E), requires_one_of(_, _, _, C).
#external pattern_group_met(E, P, R, G) : stand_in(E), annual_group(P, R, G).
met(E, C) :- pattern_met(E, C).
group_met(E, P, R, G) :- pattern_group_met(E, P, R, G).
"""


class _PatternSolver:
    """The minimal sets of a pattern, from one Control ground once (per engine).

    It holds the KB and one stand-in entity per entity kind, which states nothing but its kind and a
    year of application, and has every programme explained. A stand-in's route condition C is met
    exactly when the external atom ``pattern_met(E, C)`` is true, a 每年度 group exactly when
    ``pattern_group_met(E, P, R, G)`` is. A pattern is solved by setting the externals of its
    programme as the pattern says and focusing on the programme: the KB's own `solve` part
    enumerates the minimal sets, as it does for an entity.
    """

    def __init__(self, engine: Engine) -> None:
        self._ctl = engine._control()
        self._ctl.add("stand_in", [], _STAND_IN_PROGRAM)
        self._stand_in = {kind: _number(index) for index, kind in enumerate(ENTITY_KINDS)}
        with self._ctl.backend() as backend:
            add = _fact_adder(backend)
            add(_constant("explain_all"))
            for kind, e in self._stand_in.items():
                add(clingo.Function("stand_in", [e]))
                add(clingo.Function("entity", [e]))
                add(clingo.Function("entity_kind", [e, _constant(kind)]))
                add(clingo.Function("application_year", [e, _number(FIRST_YEAR)]))  # any year: no figures
        self._ctl.ground([("base", []), ("solve", []), ("stand_in", [])], context=_Arithmetic())
        for name, arity in (("met", 2), ("group_met", 4)):
            for atom in self._ctl.symbolic_atoms.by_signature(name, arity):
                if atom.is_fact:
                    raise RuntimeError(f"the knowledge base derives {atom.symbol} for an entity that states nothing")
        self._routes = engine._route_members
        self._groups = engine._annual_groups

    def minimal_sets(self, pattern: Pattern) -> tuple[frozenset[str], ...]:
        pid, kind, met, groups = pattern
        e = self._stand_in[kind or next(iter(self._stand_in))]
        p = clingo.String(pid)
        for c in self._routes[pid]:
            self._ctl.assign_external(clingo.Function("pattern_met", [e, clingo.String(c)]), c in met)
        for group in self._groups:
            if group[0] == pid:
                symbol = clingo.Function("pattern_group_met", [e, p, _constant(group[1]), _constant(group[2])])
                self._ctl.assign_external(symbol, group in groups)
        found = _minimal_sets(self._ctl, [(clingo.Function("focus", [e, p]), True)])
        return tuple(found.get((e.number, pid), []))


@dataclass(frozen=True)
class _Decision:
    """A programme's status, why it is out of scope (if it is), the routes met (catalogue order) and
    the minimal sets (condition ids, each in catalogue order; smallest first)."""

    status: Status
    reason: ScopeReason | None
    routes: tuple[str, ...]
    sets: MinimalSets

    @property
    def route(self) -> str | None:
        """The route reported: the first met, none when out of scope."""
        return self.routes[0] if self.routes and not self.reason else None


_T = TypeVar("_T")


def _scope_first(sets: tuple[tuple[_T, ...], ...], scope: _T) -> tuple[tuple[_T, ...], ...]:
    """Minimal sets of a programme outside the declared business: each starts with declaring it."""
    return tuple((scope, *s) for s in sets) if sets else ((scope,),)


def scope_condition_id(programme_id: str) -> str:
    """The id of the pseudo-condition 'declares one of the programme's business lines'."""
    return f"{programme_id}/scope"


def scope_reason(programme: Programme, entity: EntityFacts) -> ScopeReason:
    """Why a programme is out of scope for an entity: its kind, else its declared business."""
    return "business_not_declared" if entity.kind in programme.kinds else "entity_kind"


def scope_condition(programme: Programme, entity: EntityFacts) -> ConditionResult:
    """What brings a programme into scope for an entity of a kind it applies to: declaring one of
    its business lines (not a catalogue clause: the programme's heading)."""
    clause = Clause(programme.id, programme.zh, "programmes.md", 0)
    condition = Condition(
        scope_condition_id(programme.id), programme.id, clause, "in_scope", ("business_lines",), programme.scope
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
    route: Route, conditions: Mapping[str, ConditionResult], groups_met: frozenset[str]
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
    name, terms = _ffi.new("char**"), _Terms()
    for symbol in _ground_atoms(ctl, facts=True):
        _handle_error(_lib.clingo_symbol_name(symbol, name))
        atoms[_ffi.string(name[0]).decode()].append(tuple(map(clingo.Symbol, terms(symbol))))
    return atoms


def _minimal_sets(
    ctl: clingo.Control, assumptions: list[tuple[clingo.Symbol, bool]] | None = None
) -> dict[tuple[int, str], list[frozenset[str]]]:
    """Every subset-minimal missing set of every unmet (entity, programme) the ground program
    focuses on (one model each), by entity index and programme."""
    found: dict[tuple[int, str], list[frozenset[str]]] = defaultdict(list)
    with ctl.solve(assumptions=assumptions or [], yield_=True) as handle:
        for model in handle:
            shown = model.symbols(shown=True)
            assumed = frozenset(s.arguments[1].string for s in shown if s.name == "assume")
            for focus in (s for s in shown if s.name == "focus"):  # none when nothing is unmet
                found[(focus.arguments[0].number, focus.arguments[1].string)].append(assumed)
    return found


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


class _Decoded(dict):
    """Python values of the argument terms of one ground program, decoded once per distinct term.

    Keyed by the term's id in clingo's table of unique symbols: equal terms share it, and it stays
    valid while the Control that holds them is alive (one batch).
    """

    def __init__(self, decode: Callable[[clingo.Symbol], object]) -> None:
        super().__init__()
        self.decode = decode

    def of(self, term: int) -> Any:
        if term not in self:
            self[term] = self.decode(clingo.Symbol(term))
        return self[term]


def _ground_atoms(ctl: clingo.Control, signature: tuple[str, int] | None = None, facts: bool = False) -> Iterator[int]:
    """The atoms (symbol ids) of the ground program, of one signature or all, or only its facts.

    Reads clingo's C API directly (the library the `clingo` module wraps, pinned below 6): the
    wrapper allocates five objects per atom read, which was most of the cost of a batch. A call
    that fails returns false, and only then is the error read (`_handle_error`)."""
    atoms = ctl.symbolic_atoms._rep
    iterator, symbol = _ffi.new("clingo_symbolic_atom_iterator_t*"), _ffi.new("clingo_symbol_t*")
    valid, fact = _ffi.new("bool*"), _ffi.new("bool*")
    is_valid, is_fact = _lib.clingo_symbolic_atoms_is_valid, _lib.clingo_symbolic_atoms_is_fact
    symbol_of, advance = _lib.clingo_symbolic_atoms_symbol, _lib.clingo_symbolic_atoms_next
    selected = _ffi.NULL
    if signature:
        selected = _ffi.new("clingo_signature_t*")
        _handle_error(_lib.clingo_signature_create(signature[0].encode(), signature[1], True, selected))
    _handle_error(_lib.clingo_symbolic_atoms_begin(atoms, selected, iterator))
    while (is_valid(atoms, iterator[0], valid) or _handle_error(False)) and valid[0]:
        if not facts or ((is_fact(atoms, iterator[0], fact) or _handle_error(False)) and fact[0]):
            symbol_of(atoms, iterator[0], symbol) or _handle_error(False)
            yield symbol[0]
        advance(atoms, iterator[0], iterator) or _handle_error(False)


class _Terms:
    """Reads the argument terms (symbol ids) of function symbols, with buffers of its own (one
    reader per loop: engines in several threads never share one)."""

    def __init__(self) -> None:
        self._terms, self._size = _ffi.new("clingo_symbol_t**"), _ffi.new("size_t*")

    def __call__(self, symbol: int) -> list[int]:
        _lib.clingo_symbol_arguments(symbol, self._terms, self._size) or _handle_error(False)
        return _ffi.unpack(self._terms[0], self._size[0])


def _arguments(ctl: clingo.Control, name: str, arity: int) -> Iterator[list[int]]:
    """The argument terms (symbol ids) of every atom name/arity of the ground program."""
    return map(_Terms(), _ground_atoms(ctl, (name, arity)))


def _entity_atoms(ctl: clingo.Control, count: int, annual_groups: bool) -> list[_EntityAtoms]:
    """Read, per entity, the reported atoms of the ground program (all of them facts)."""
    result = [_EntityAtoms() for _ in range(count)]
    entities = {_number(index)._rep: atoms for index, atoms in enumerate(result)}
    text = _Decoded(lambda s: s.string).of
    name = _Decoded(lambda s: s.name).of
    value = _Decoded(_value).of
    path = _Decoded(_need_path).of
    for e, c, s in _arguments(ctl, "state", 3):
        entities[e].states[text(c)] = name(s)
    for e, c in _arguments(ctl, "met", 2):
        entities[e].met.add(text(c))
    for e, c, v in _arguments(ctl, "shows", 3):
        entities[e].observed[text(c)].append(value(v))
    for e, c, n in _arguments(ctl, "needs", 3):
        entities[e].needs[text(c)].append(path(n))
    for e, p, r in _arguments(ctl, "route_met", 3):
        entities[e].routes_met[text(p)].append(name(r))
    for e, p in _arguments(ctl, "in_scope", 2):
        entities[e].in_scope.add(text(p))
    for e, p in _arguments(ctl, "explained", 2):
        entities[e].explained.add(text(p))
    if annual_groups:  # 每年度 groups can be met with no member met: part of the pattern
        for e, p, r, g in _arguments(ctl, "group_met", 4):
            entities[e].annual_groups_met.add((text(p), name(r), name(g)))
    return result


MISSING_YEAR = "year: missing; give `year: 2024` in the file or --year 2024"


def application_year(entity: EntityFacts, year: int | None) -> int:
    """The year of application: the override, else the file's own; never silently today."""
    chosen = year if year is not None else entity.year
    if chosen is None:
        raise FactFileError(entity.source, [MISSING_YEAR])
    return chosen


def _fact_adder(backend: clingo.Backend) -> Callable[[clingo.Symbol], None]:
    """A function adding one fact through `backend`: what ``backend.add_rule([backend.add_atom(s)])``
    does, through clingo's C API with its buffers allocated once (see `_arguments`)."""
    rep, symbol, atom = backend._rep, _ffi.new("clingo_symbol_t*"), _ffi.new("clingo_atom_t*")

    def add(fact: clingo.Symbol) -> None:
        symbol[0] = fact._rep
        _handle_error(_lib.clingo_backend_add_atom(rep, symbol, atom))
        _handle_error(_lib.clingo_backend_rule(rep, False, atom, 1, _ffi.NULL, 0))

    return add


_NAMES: dict[str, bytes] = {}


class _Functions:
    """Makes ``name(arguments)`` symbols through clingo's C API with one reused argument buffer
    (`clingo.Function` allocates a buffer, an output cell and the encoded name per call). One maker
    per entity: engines in several threads never share a buffer."""

    def __init__(self) -> None:
        self._arguments = _ffi.new("clingo_symbol_t[8]")
        self._result = _ffi.new("clingo_symbol_t*")

    def __call__(self, name: str, arguments: list[clingo.Symbol]) -> clingo.Symbol:
        if name not in _NAMES:
            _NAMES[name] = name.encode()
        for i, argument in enumerate(arguments):
            self._arguments[i] = argument._rep
        ok = _lib.clingo_symbol_create_function(_NAMES[name], self._arguments, len(arguments), True, self._result)
        _handle_error(ok)
        return clingo.Symbol(self._result[0])


@cache
def _constant(name: str) -> clingo.Symbol:
    """A vocabulary word as a symbol, made once (the vocabulary is bounded; fact values are not)."""
    return clingo.Function(name)


@cache
def _number(value: int) -> clingo.Symbol:
    """A small number (entity index, year, agreement index) as a symbol, made once."""
    return clingo.Number(value)


_TRUTH = {True: "true", False: "false"}


def entity_symbols(index: int, entity: EntityFacts, year: int) -> Iterator[clingo.Symbol]:
    """The input facts of one entity, as symbols (the only way user data reaches clingo). The name
    is not among them: no rule reads it."""
    e = _number(index)
    fn, num, word = _Functions(), _number, _constant
    yield fn("entity", [e])
    yield fn("application_year", [e, num(year)])
    yield fn("entity_kind", [e, word(entity.kind)])
    if entity.district is not None:
        yield fn("attribute", [e, word("district"), word(entity.district)])
    if entity.independent_legal_person is not None:
        yield fn("attribute", [e, word("independent_legal_person"), word(_TRUTH[entity.independent_legal_person])])
    yield fn("stated", [e, word("business_lines")])
    for line in entity.business_lines:
        yield fn("has", [e, word("business_lines"), word(line)])
    for section, items in entity.items.items():
        yield fn("stated", [e, word(section)])
        for item in items:
            yield fn("has", [e, word(section), word(item)])
    for figure_year, figures in entity.figures.items():
        for measure, value in figures.items():
            term = value.to_symbol(fn) if isinstance(value, Money) else clingo.Number(value)
            yield fn("figure", [e, num(figure_year), word(measure), term])
    if entity.agreements is not None:
        yield fn("stated", [e, word("agreements")])
        for i, agreement in enumerate(entity.agreements):
            a = num(i)
            yield fn("agreement", [e, a, word(agreement.counterparty_kind)])
            yield fn("agreement_months", [e, a, clingo.Number(agreement.months)])
            yield fn("agreement_end_year", [e, a, num(agreement.end.year)])
            for flag in ("well_known", "overseas"):
                value = getattr(agreement, flag)
                if value is not None:
                    yield fn("agreement_flag", [e, a, word(flag), word(_TRUTH[value])])
    for topic, finding in entity.findings.items():
        yield fn("finding", [e, word(topic), word(_TRUTH[finding.value])])
