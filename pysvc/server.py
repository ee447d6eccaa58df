"""`svctrade serve`: the engine behind a versioned web API (/v1) and a page for legal staff (/).

One process keeps one Engine per reading set (the default set built at start), runs every solve on
one engine thread and gathers the single assessments that arrive together into one batch. Bodies
are parsed by `pysvc.facts` (YAML text, or JSON read into a mapping), so a request fails with the
same problems the CLI prints (file → field → expected), as JSON with status 422. Every request is
bounded in size, nesting and time, and a limit that is reached is named in the message.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import OrderedDict, defaultdict
from collections.abc import AsyncIterator, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Annotated, Any

import uvicorn
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException

from . import __version__
from .batch import assessable
from .batch_io import unique_keys
from .engine import Engine, InterpretationError
from .facts import EntityFacts, FactFileError, parse_fact_text, validate_facts
from .kb import catalogue_versions
from .render import (
    ERROR_SCHEMA,
    RESULT_SCHEMA,
    STATUS_LABEL,
    assessment_json,
    describe,
    error_json,
    interpretation_json,
    json_value,
)
from .report import render_report
from .results import Assessment, Catalogue, Programme
from .schema import facts_schema

STATIC = Path(__file__).parent / "static"
EXAMPLES = Path(__file__).resolve().parent.parent / "facts" / "examples"
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
JSON_TYPES = ("application/json",)
#: the page and the reports it shows load nothing from elsewhere and run no inline script
PAGE_POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
REPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


@dataclass(frozen=True)
class Limits:
    """What one request may cost; each is named in the message of a request that reaches it."""

    body_bytes: int = 1 << 20  # one fact document (the examples are 1–3 KB)
    batch_bytes: int = 16 << 20  # a whole JSONL batch
    batch_lines: int = 10_000
    depth: int = 16  # nesting of a document (a fact file needs 4)
    seconds: float = 30.0  # one assessment, or one chunk of a batch
    engines: int = 8  # reading sets kept built at once


class RequestProblem(Exception):
    """A request answered with an error document (`svctrade.error/1`) and an HTTP status."""

    def __init__(self, status: int, source: str, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.status = status
        self.source = source
        self.problems = problems


# -- reading requests ----------------------------------------------------------------------------
def nesting_bound(text: str) -> int:
    """An upper bound of a YAML or JSON document's nesting, from its text alone: the brackets open
    at any point plus the indentation levels and leading `- ` of the line. Cheap, so that a deep
    document is refused before a parser recurses into it."""
    levels = [-1]
    deepest = flow = 0
    for line in text.splitlines():
        content = line.lstrip(" ")
        if not content or content.startswith("#"):
            continue
        indent = len(line) - len(content)
        while levels[-1] >= indent:
            levels.pop()
        levels.append(indent)
        dashes = re.match(r"(?:-\s+)*", content)[0].count("-")  # type: ignore[index]
        for char in content:
            if char in "[{":
                flow += 1
                deepest = max(deepest, flow + len(levels) - 1 + dashes)
            elif char in "]}":
                flow = max(flow - 1, 0)
        deepest = max(deepest, flow + len(levels) - 1 + dashes)
    return deepest


def _nesting_problem(source: str, limits: Limits) -> RequestProblem:
    return RequestProblem(
        422, source, [f"nesting limit: the document nests deeper than {limits.depth} levels (a fact file needs 4)"]
    )


def parse_document(body: bytes, media_type: str, source: str, limits: Limits) -> EntityFacts:
    """One fact document (YAML or JSON) → validated facts, or a RequestProblem / FactFileError."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise FactFileError(source, ["the body is not UTF-8 text"]) from None
    if nesting_bound(text) > limits.depth:
        raise _nesting_problem(source, limits)
    try:
        if media_type in YAML_TYPES:
            return parse_fact_text(text, source)
        return validate_facts(_json(text, source), source)
    except RecursionError:
        raise _nesting_problem(source, limits) from None


def _json(text: str, source: str) -> object:
    """JSON text → data; numbers with a fraction are read as exact decimals, never as floats."""
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_no_constant, object_pairs_hook=unique_keys)
    except json.JSONDecodeError as exc:
        raise FactFileError(source, [f"line {exc.lineno}, column {exc.colno}: malformed JSON ({exc.msg})"]) from None
    except ValueError as exc:
        raise FactFileError(source, [str(exc)]) from None


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number svctrade can read exactly")


async def read_body(request: Request, limit: int, name: str) -> bytes:
    """The request body, refused as soon as it grows past `limit` bytes."""
    problem = RequestProblem(413, "request", [f"{name} limit: the body is larger than {limit:,} bytes"])
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise problem
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise problem
        chunks.append(chunk)
    return b"".join(chunks)


def media_type(request: Request) -> str:
    """The body's media type, if svctrade reads it (YAML or JSON)."""
    value = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if value not in (*YAML_TYPES, *JSON_TYPES):
        raise RequestProblem(
            415, "request", [f"Content-Type {value!r}: send application/yaml (a fact file) or application/json"]
        )
    return value


def reading_choices(readings: list[str]) -> dict[str, str]:
    """`NAME=VALUE` items (repeated, or separated by commas) → the readings asked for."""
    chosen = {}
    for item in (part.strip() for entry in readings for part in entry.split(",")):
        name, sep, value = item.partition("=")
        if not (sep and name.strip() and value.strip()):
            raise RequestProblem(422, "request", [f"query.readings: expected NAME=VALUE, got {item!r}"])
        chosen[name.strip()] = value.strip()
    return chosen


# -- engines and the engine thread -----------------------------------------------------------------
class Engines:
    """One Engine per reading set, built on first use and kept (its ground KB is reused); the set
    the server started with is always kept, the others up to `keep`, least recently used first out."""

    def __init__(self, base: Engine, keep: int) -> None:
        self.base = base
        self._keep = keep
        self._built: OrderedDict[tuple[tuple[str, str], ...], Engine] = OrderedDict()
        self._built[self.key({})] = base

    def key(self, readings: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
        """The reading set in force: the server's, overridden by the request's, defaults left out."""
        known = self.base.catalogue.interpretations
        chosen = {name: i.chosen for name, i in known.items()} | dict(readings)
        return tuple(sorted((n, v) for n, v in chosen.items() if n not in known or v != known[n].default))

    def cached(self, key: tuple[tuple[str, str], ...]) -> Engine | None:
        engine = self._built.get(key)
        if engine is not None:
            self._built.move_to_end(key)
        return engine

    def build(self, key: tuple[tuple[str, str], ...]) -> Engine:
        """Build (on the engine thread) the engine of a reading set; InterpretationError if unknown."""
        engine = self.cached(key) or Engine(self.base.version, dict(key), self.base.batch_size)
        self._built[key] = engine
        while len(self._built) > self._keep + 1:
            oldest = next(k for k in self._built if self._built[k] is not self.base)
            del self._built[oldest]
        return engine


@dataclass
class _Job:
    engine: Engine
    facts: list[EntityFacts]
    explain_all: bool
    answer: asyncio.Future[list[Assessment]] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class Assessor:
    """Runs every engine call on one thread; jobs that wait together are solved as one batch."""

    def __init__(self, engines: Engines) -> None:
        self.engines = engines
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="svctrade-engine")
        self._queue: asyncio.Queue[_Job]
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start taking jobs (in the server's event loop)."""
        self._queue = asyncio.Queue()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        self._thread.shutdown(wait=False, cancel_futures=True)

    async def engine(self, readings: Mapping[str, str]) -> Engine:
        """The engine of a reading set (built on the engine thread the first time)."""
        key = self.engines.key(readings)
        engine = self.engines.cached(key)
        if engine is not None:
            return engine
        try:
            return await asyncio.get_running_loop().run_in_executor(self._thread, self.engines.build, key)
        except InterpretationError as exc:
            raise RequestProblem(422, "request", [f"query.readings: {exc}"]) from None

    async def assess(self, engine: Engine, facts: list[EntityFacts], explain_all: bool) -> list[Assessment]:
        """Assessments of `facts` (each with its application year set), in order."""
        if not facts:
            return []
        job = _Job(engine, facts, explain_all)
        self._queue.put_nowait(job)
        return await job.answer

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            jobs = [await self._queue.get()]
            while not self._queue.empty():
                jobs.append(self._queue.get_nowait())
            groups: dict[tuple[int, bool], list[_Job]] = defaultdict(list)
            for job in jobs:
                if not job.answer.done():  # a job whose request gave up (time limit) is dropped
                    groups[id(job.engine), job.explain_all].append(job)
            for group in groups.values():
                first = group[0]
                facts = [f for job in group for f in job.facts]
                try:
                    results = await loop.run_in_executor(
                        self._thread, lambda e=first.engine, f=facts, a=first.explain_all: list(e.assess(f, None, a))
                    )
                except Exception as exc:  # answered as an internal error, the loop goes on
                    for job in group:
                        if not job.answer.done():
                            job.answer.set_exception(exc)
                    continue
                answers = iter(results)
                for job in group:
                    share = list(islice(answers, len(job.facts)))
                    if not job.answer.done():
                        job.answer.set_result(share)


# -- rendering -------------------------------------------------------------------------------------
def report_html(assessment: Assessment, lang: str) -> str:
    """The report a person reads on the page or downloads: the `svctrade report` HTML template."""
    return render_report(assessment, lang, "html")


def programme_summary(programme: Programme) -> dict[str, Any]:
    """A programme as listed: id, chapter and title (as `svctrade programmes --format json`)."""
    return {"id": programme.id, "chapter": programme.chapter, "zh": programme.zh, "en": programme.en}


def programme_json(programme: Programme, catalogue: Catalogue, lang: str) -> dict[str, Any]:
    """A programme in full: routes, preferences, and every condition with its verbatim clause."""
    conditions = [c for c in catalogue.conditions.values() if c.programme == programme.id]
    return {
        **programme_summary(programme),
        "scope": list(programme.scope),
        "kinds": list(programme.kinds),
        "routes": [
            {
                "name": name,
                "title": {"zh": route.zh, "en": route.en},
                "kind": route.kind,
                "conditions": list(route.conditions),
                "one_of": {group: list(members) for group, members in route.groups.items()},
            }
            for name, route in programme.routes.items()
        ],
        "preferences": list(programme.preferences),
        "conditions": [
            {
                "id": c.id,
                "kind": c.kind,
                "description": describe(c, catalogue, lang),
                "subject": list(c.subject),
                "required": [json_value(v) for v in c.required],
                "years": c.years,
                "clause": {"id": c.clause.id, "text": c.clause.text},
            }
            for c in conditions
        ],
    }


def example_names() -> list[str]:
    """The shipped example fact files, by name."""
    return sorted(p.name for p in EXAMPLES.glob("*.yaml")) if EXAMPLES.is_dir() else []


def _error(status: int, source: str, problems: list[str]) -> JSONResponse:
    return JSONResponse(error_json(source, problems), status_code=status)


# -- the application -------------------------------------------------------------------------------
Lang = Annotated[str, Query(pattern="^(zh|en)$", description="Language of descriptions: zh or en.")]


class Options:
    """The query of an assessment: year, readings, all programmes, language, the document's name."""

    def __init__(
        self,
        year: Annotated[
            int | None,
            Query(ge=1990, le=2100, description="Application year (上年度 = year − 1); default: the file's."),
        ] = None,
        readings: Annotated[
            list[str] | None,
            Query(description="Readings NAME=VALUE (repeat, or separate by commas); see /v1/interpretations."),
        ] = None,
        show_all: Annotated[
            bool, Query(alias="all", description="Also explain programmes outside the declared business lines.")
        ] = False,
        lang: Lang = "zh",
        source: Annotated[
            str | None,
            Query(max_length=200, description="The document's name in messages and in `entity.source`."),
        ] = None,
    ) -> None:
        self.year = year
        self.readings = reading_choices(readings or [])
        self.explain_all = show_all
        self.lang = lang
        self.source = source


AssessQuery = Annotated[Options, Depends()]


def _body_doc(media: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI description of a request body that the handler reads itself."""
    return {"requestBody": {"required": True, "content": media}}


_DOCUMENT = _body_doc(
    {
        "application/json": {"schema": {"$ref": "#/components/schemas/FactDocument"}},
        "application/yaml": {"schema": {"type": "string", "description": "A fact file, as in facts/examples."}},
    }
)
_BATCH = _body_doc(
    {"application/x-ndjson": {"schema": {"type": "string", "description": "One JSON fact document per line."}}}
)


def create_app(engine: Engine | None = None, limits: Limits | None = None) -> FastAPI:
    """The web application around `engine` (default: catalogue 2023 under the default readings)."""
    limits = limits or Limits()
    assessor = Assessor(Engines(engine or Engine(), limits.engines))
    catalogue = assessor.engines.base.catalogue

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        assessor.start()
        yield
        await assessor.stop()

    app = FastAPIOffline(
        title="svctrade",
        version=__version__,
        description="Eligibility under the Shanghai Service Trade Promotion Guidance Catalogue "
        "《上海市服务贸易促进指导目录（2023年版）》: verdicts with clause-cited reasons and every minimal set "
        f"of missing conditions. Results follow `{RESULT_SCHEMA}`, errors `{ERROR_SCHEMA}` (docs/results.md).",
        lifespan=lifespan,
        redoc_url=None,
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            schema = {k: v for k, v in facts_schema().items() if not k.startswith("$")}
            document.setdefault("components", {}).setdefault("schemas", {})["FactDocument"] = schema
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.exception_handler(RequestProblem)
    async def _problem(_request: Request, exc: RequestProblem) -> JSONResponse:
        return _error(exc.status, exc.source, exc.problems)

    @app.exception_handler(FactFileError)
    async def _facts(_request: Request, exc: FactFileError) -> JSONResponse:
        return _error(422, exc.source, exc.located())

    @app.exception_handler(RequestValidationError)
    async def _query(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        return _error(422, "request", problems)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        return _error(exc.status_code, request.url.path, [str(exc.detail)])

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        return _error(500, request.url.path, [f"internal error ({type(exc).__name__}); the server log has details"])

    async def assessed(request: Request, options: Options) -> Assessment:
        source = options.source or "request"
        kind = media_type(request)
        try:
            async with asyncio.timeout(limits.seconds):
                body = await read_body(request, limits.body_bytes, "request size")
                facts = await asyncio.to_thread(parse_document, body, kind, source, limits)
                engine = await assessor.engine(options.readings)
                facts = _for_year(assessable(facts, engine, options.year), options.year)
                (assessment,) = await assessor.assess(engine, [facts], options.explain_all)
        except TimeoutError:
            raise RequestProblem(503, source, [_time_limit(limits)]) from None
        return assessment

    @app.post("/v1/assess", tags=["assess"], summary="Assess one fact document", openapi_extra=_DOCUMENT)
    async def assess(request: Request, options: AssessQuery) -> JSONResponse:
        """Body: one fact document, JSON or YAML (`Content-Type: application/yaml`). Answers
        `svctrade.result/1`, the same document as `svctrade check FILE --format json`; a bad document
        answers 422 with the problems the CLI prints."""
        return JSONResponse(assessment_json(await assessed(request, options), options.lang))

    @app.post("/v1/report", tags=["assess"], summary="Assess one document into the report", openapi_extra=_DOCUMENT)
    async def report(request: Request, options: AssessQuery) -> HTMLResponse:
        """Body as for /v1/assess; answers the report a person reads (HTML)."""
        page = report_html(await assessed(request, options), options.lang)
        return HTMLResponse(page, headers={"Content-Security-Policy": REPORT_POLICY})

    @app.post("/v1/assess/batch", tags=["assess"], summary="Assess a JSONL batch, streamed", openapi_extra=_BATCH)
    async def assess_batch(request: Request, options: AssessQuery) -> StreamingResponse:
        """Body: one JSON fact document per line. Answers one line per document, in order, as each
        chunk is solved: a `svctrade.result/1` object, or a `svctrade.error/1` object for a bad line
        (named `SOURCE:LINE`, SOURCE being `batch` unless given); the other lines are still answered."""
        source = options.source or "batch"
        try:
            async with asyncio.timeout(limits.seconds):
                body = await read_body(request, limits.batch_bytes, "batch size")
        except TimeoutError:
            raise RequestProblem(503, source, [_time_limit(limits)]) from None
        lines = [(n, line) for n, line in enumerate(body.split(b"\n"), start=1) if line.strip()]
        if len(lines) > limits.batch_lines:
            raise RequestProblem(413, source, [f"batch line limit: more than {limits.batch_lines:,} documents"])
        engine = await assessor.engine(options.readings)
        return StreamingResponse(_batch_lines(engine, lines, options, source), media_type="application/x-ndjson")

    async def _batch_lines(
        engine: Engine, lines: list[tuple[int, bytes]], options: Options, source: str
    ) -> AsyncIterator[str]:
        numbered = iter(lines)
        while chunk := list(islice(numbered, engine.batch_size)):
            loaded = await asyncio.to_thread(_load_chunk, chunk, engine, options.year, source, limits)
            valid = [item for item in loaded if isinstance(item, EntityFacts)]
            answers: Iterator[Assessment] = iter(())
            try:
                async with asyncio.timeout(limits.seconds):
                    answers = iter(await assessor.assess(engine, valid, options.explain_all))
            except TimeoutError:
                late = [_time_limit(limits)]
                loaded = [FactFileError(f.source, late) if isinstance(f, EntityFacts) else f for f in loaded]
            yield await asyncio.to_thread(_jsonl, loaded, answers, options.lang)

    @app.get("/v1/programmes", tags=["catalogue"], summary="The programmes: id, chapter, title")
    def programmes() -> list[dict[str, Any]]:
        return [programme_summary(p) for p in catalogue.programmes.values()]

    @app.get("/v1/programmes/{programme_id}", tags=["catalogue"], summary="One programme in full")
    def programme(programme_id: str, lang: Lang = "zh") -> dict[str, Any]:
        """Its routes (alternatives), preferences and conditions, each with its verbatim clause."""
        if programme_id not in catalogue.programmes:
            problem = f"path.programme_id: unknown programme {programme_id!r}; GET /v1/programmes lists them"
            raise RequestProblem(404, "request", [problem])
        return programme_json(catalogue.programmes[programme_id], catalogue, lang)

    @app.get("/v1/interpretations", tags=["catalogue"], summary="The named readings and their values")
    def interpretations() -> list[dict[str, Any]]:
        return [interpretation_json(r) for r in catalogue.interpretations.values()]

    @app.get("/v1/facts/schema", tags=["facts"], summary="The JSON Schema of a fact document")
    def schema() -> dict[str, Any]:
        return facts_schema()

    @app.get("/v1/examples", tags=["facts"], summary="The shipped example fact files")
    def examples() -> list[str]:
        return example_names()

    @app.get("/v1/examples/{name}", tags=["facts"], summary="One example fact file (YAML)")
    def example(name: str) -> PlainTextResponse:
        if name not in example_names():
            raise RequestProblem(404, "request", [f"path.name: unknown example {name!r}; GET /v1/examples lists them"])
        return PlainTextResponse((EXAMPLES / name).read_text(encoding="utf-8"), media_type="application/yaml")

    @app.get("/v1/version", tags=["about"], summary="Versions of svctrade, the catalogue and the schemas")
    def version() -> dict[str, Any]:
        return {
            "svctrade": __version__,
            "api": "v1",
            "catalogue": catalogue.version,
            "catalogues": catalogue_versions(),
            "result_schema": RESULT_SCHEMA,
            "error_schema": ERROR_SCHEMA,
            "interpretations": {i.name: i.chosen for i in catalogue.interpretations.values()},
            "statuses": STATUS_LABEL,
            "limits": vars(limits),
        }

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Content-Security-Policy": PAGE_POLICY})

    return app


def _for_year(facts: EntityFacts, year: int | None) -> EntityFacts:
    """The facts with the application year asked for (so that requests of any year share a batch)."""
    return facts if year is None else replace(facts, year=year)


def _time_limit(limits: Limits) -> str:
    return f"time limit: no answer within {limits.seconds:g} s; try again later or send fewer documents"


def _jsonl(loaded: list[EntityFacts | FactFileError], answers: Iterator[Assessment], lang: str) -> str:
    """One JSONL line per document of a chunk: its result, or its problems."""
    documents = (
        error_json(item.source, item.located())
        if isinstance(item, FactFileError)
        else assessment_json(next(answers), lang)
        for item in loaded
    )
    return "".join(json.dumps(document, ensure_ascii=False) + "\n" for document in documents)


def _load_chunk(
    chunk: list[tuple[int, bytes]], engine: Engine, year: int | None, source: str, limits: Limits
) -> list[EntityFacts | FactFileError]:
    loaded: list[EntityFacts | FactFileError] = []
    for number, line in chunk:
        name = f"{source}:{number}"
        try:
            if len(line) > limits.body_bytes:
                raise FactFileError(name, [f"request size limit: the line is larger than {limits.body_bytes:,} bytes"])
            facts = parse_document(line, "application/json", name, limits)
            loaded.append(_for_year(assessable(facts, engine, year), year))
        except FactFileError as error:
            loaded.append(error)
        except RequestProblem as problem:
            loaded.append(FactFileError(name, problem.problems))
    return loaded


def run(engine: Engine, host: str, port: int) -> None:
    """Serve until interrupted."""
    uvicorn.run(create_app(engine), host=host, port=port, log_level="info")
