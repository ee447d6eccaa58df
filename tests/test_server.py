"""The web API of `svctrade serve`: the same answers as the CLI, every endpoint, and every kind of bad
request answered by a named problem (never a trace)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pysvc.cli import app as cli
from pysvc.engine import MISSING_YEAR, Engine
from pysvc.schema import SCHEMA_PATH
from pysvc.server import Limits, create_app, nesting_bound

from .conftest import EXAMPLES, ROOT

YAML = {"Content-Type": "application/yaml"}
HOTEL = ROOT / "facts" / "examples" / "2.1-hotel-missing-revenue.yaml"


@pytest.fixture(scope="module")
def client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine)) as client:
        yield client


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def as_json(path: Path) -> str:
    """A fact file's YAML as the equivalent JSON document (dates as ISO text)."""
    return json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str, ensure_ascii=False)


def no_trace(response) -> None:
    assert "Traceback" not in response.text and 'File "' not in response.text


def check_json(example: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> dict:
    """What `svctrade check <example> --format json` prints, run from the repository root (the
    command's engine is the shared one, so that the suite builds it once)."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr("pysvc.cli.Engine", lambda catalogue, readings: engine)
    result = CliRunner().invoke(cli, ["check", relative(example), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# -- the same answers as the CLI ---------------------------------------------------------------------
@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_posting_an_example_as_yaml_answers_what_svctrade_check_prints(
    client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch, example: Path
) -> None:
    response = client.post(
        "/v1/assess", params={"source": relative(example)}, content=example.read_bytes(), headers=YAML
    )
    assert response.status_code == 200, response.text
    assert response.json() == check_json(example, engine, monkeypatch)


def test_a_json_body_answers_as_the_same_document_in_yaml(client: TestClient) -> None:
    from_yaml = client.post("/v1/assess", content=HOTEL.read_bytes(), headers=YAML).json()
    from_json = client.post("/v1/assess", content=as_json(HOTEL).encode()).json()
    assert from_json == from_yaml
    assert from_json["entity"]["source"] == "request"


def test_a_json_amount_is_read_as_its_exact_decimal_not_as_a_float(client: TestClient) -> None:
    document = json.loads(as_json(HOTEL))
    document["figures"]["2023"] |= {"currency": "CNY", "revenue": 99999999999999.99}  # a float: …98
    text = json.dumps(document).replace("99999999999999.98", "99999999999999.99")
    result = client.post("/v1/assess", content=text.encode()).json()
    hotel = next(p for p in result["programmes"] if p["id"] == "2.1")
    revenue = next(c for c in hotel["because"] if c["id"] == "2.1.1")
    assert revenue["found"] == [{"amount": "99999999999999.99", "currency": "CNY"}]


def test_year_readings_all_and_lang_are_query_parameters(client: TestClient) -> None:
    body = HOTEL.read_bytes()
    plain = client.post("/v1/assess", content=body, headers=YAML).json()
    later = client.post("/v1/assess", params={"year": 2025}, content=body, headers=YAML).json()
    assert (plain["year"], later["year"], later["last_year"]) == (2024, 2025, 2024)
    # the file has no figures for 2024, so 2.1 turns on facts not given
    assert next(p for p in later["programmes"] if p["id"] == "2.1")["status"] == "undetermined"
    reading = client.post("/v1/assess", params={"readings": "recent_years=average"}, content=body, headers=YAML)
    assert reading.json()["interpretations"]["recent_years"] == "average"
    assert plain["interpretations"]["recent_years"] == "each_year"
    explained = client.post("/v1/assess", params={"all": "true"}, content=body, headers=YAML).json()
    assert {p["status"] for p in plain["programmes"] if p["id"] != "2.1"} == {"out_of_scope"}
    assert any(p["missing"] for p in explained["programmes"] if p["id"] != "2.1")
    english = client.post("/v1/assess", params={"lang": "en"}, content=body, headers=YAML).json()
    hotel = next(p for p in english["programmes"] if p["id"] == "2.1")
    assert hotel["missing"][0][0]["description"] == "revenue (turnover) last year ≥ CNY 80,000,000"


def test_a_batch_answers_one_line_per_line_in_order_with_bad_lines_in_place(client: TestClient) -> None:
    examples = EXAMPLES[:12]
    lines = [as_json(p) for p in examples]
    lines.insert(3, '{"entity": {"name": "x", "kind": "enterprize"}, "year": 2024}')
    lines.insert(7, "not json")
    response = client.post("/v1/assess/batch", content=("\n".join(lines) + "\n").encode())
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    answers = [json.loads(line) for line in response.text.splitlines()]
    assert len(answers) == len(lines)
    assert answers[3]["schema"] == "svctrade.error/1" and answers[3]["source"] == "batch:4"
    assert answers[3]["problems"] == [
        "entity.kind: unknown value 'enterprize' (did you mean 'enterprise'?); "
        "expected one of: enterprise, institution, administrative_area, development_zone"
    ]
    assert answers[7]["source"] == "batch:8" and "malformed JSON" in answers[7]["problems"][0]
    good = [a for i, a in enumerate(answers) if i not in (3, 7)]
    for path, answer in zip(examples, good, strict=True):
        single = client.post("/v1/assess", content=path.read_bytes(), headers=YAML).json()
        assert verdicts(answer) == verdicts(single), path.name


def verdicts(result: dict) -> list:
    """Each programme's status, route, reasons and missing sets, by condition id."""
    ids = lambda conditions: [c["id"] for c in conditions]  # noqa: E731
    return [
        (p["id"], p["status"], p["route"], ids(p["because"]), [ids(s) for s in p["missing"]])
        for p in result["programmes"]
    ]


# -- the catalogue, the readings, the schema, the version -------------------------------------------------
def test_programmes_lists_what_svctrade_programmes_prints(client: TestClient) -> None:
    printed = CliRunner().invoke(cli, ["programmes", "--format", "json"]).stdout
    assert client.get("/v1/programmes").json() == json.loads(printed)


def test_a_programme_gives_its_routes_conditions_and_verbatim_clauses(client: TestClient, engine: Engine) -> None:
    programme = client.get("/v1/programmes/2.1").json()
    assert programme["zh"] == "上海市旅游星级酒店"
    assert [r["name"] for r in programme["routes"]] == ["main"]
    assert programme["routes"][0]["conditions"] == ["2.1.1", "2.1.2"]
    assert programme["preferences"] == ["2.1.3"]
    first = programme["conditions"][0]
    assert first["clause"] == {"id": "2.1.1", "text": "1. 上年度营业额 8000 万元人民币以上；"}
    assert first["required"] == [{"amount": "80000000.00", "currency": "CNY"}]
    source = (ROOT / "kb" / "2023" / "source.md").read_text(encoding="utf-8")
    for pid in engine.catalogue.programmes:
        detail = client.get(f"/v1/programmes/{pid}").json()
        ids = {c["id"] for c in detail["conditions"]}
        for route in detail["routes"]:
            assert set(route["conditions"]) | {c for g in route["one_of"].values() for c in g} <= ids, pid
        for condition in detail["conditions"]:
            body = condition["clause"]["text"].split(" ", 1)[-1][:12]
            assert body in source, (pid, condition["id"])


def test_interpretations_schema_examples_and_version(client: TestClient, engine: Engine) -> None:
    printed = CliRunner().invoke(cli, ["interpretations", "--format", "json"]).stdout
    assert client.get("/v1/interpretations").json() == json.loads(printed)
    assert client.get("/v1/facts/schema").json() == json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert client.get("/v1/examples").json() == [p.name for p in EXAMPLES]
    example = client.get(f"/v1/examples/{HOTEL.name}")
    assert example.headers["content-type"].startswith("application/yaml")
    assert example.text == HOTEL.read_text(encoding="utf-8")
    version = client.get("/v1/version").json()
    assert version["catalogue"] == engine.version and version["result_schema"] == "svctrade.result/1"
    assert version["limits"]["body_bytes"] == Limits().body_bytes


def test_openapi_and_docs_are_served_without_a_cdn(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/assess",
        "/v1/assess/batch",
        "/v1/report",
        "/v1/programmes",
        "/v1/programmes/{programme_id}",
        "/v1/interpretations",
        "/v1/facts/schema",
        "/v1/version",
    ):
        assert path in paths
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger-ui-bundle.js" in docs.text
    assert "https://" not in docs.text.replace("https://fastapi.tiangolo.com", "")
    script = docs.text.split('src="')[1].split('"')[0]
    assert client.get(script).status_code == 200


def test_the_page_and_its_files_come_from_the_package(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "<title>svctrade" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for name in ("app.js", "style.css"):
        text = client.get(f"/static/{name}").text
        assert "http://" not in text and "https://" not in text, name
        assert "innerHTML" not in text, name


def test_the_report_is_html_with_a_section_per_programme_explained(client: TestClient) -> None:
    body = (ROOT / "facts" / "examples" / "3.1-software-and-internet-multi.yaml").read_bytes()
    result = client.post("/v1/assess", params={"lang": "en"}, content=body, headers=YAML).json()
    report = client.post("/v1/report", params={"lang": "en"}, content=body, headers=YAML)
    assert report.headers["content-type"].startswith("text/html")
    assert report.headers["content-security-policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    for programme in result["programmes"]:
        section = f'data-programme="{programme["id"]}" data-status="{programme["status"]}"'
        assert (section in report.text) == (programme["status"] != "out_of_scope"), programme["id"]
    assert result["entity"]["name"] in report.text


# -- bad requests: each answered with its problems, never with a trace -------------------------------------
def test_a_bad_fact_file_answers_422_with_the_problems_the_cli_prints(client: TestClient, tmp_path: Path) -> None:
    text = "year: 2024\nentity: {name: x, kind: enterprize}\nfigures: {2023: {revenu: 1000万元, exports: 1.234元}}\n"
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    printed = CliRunner().invoke(cli, ["check", str(path)])
    assert printed.exit_code == 2
    response = client.post("/v1/assess", params={"source": str(path)}, content=text.encode(), headers=YAML)
    assert response.status_code == 422
    error = response.json()
    assert error["schema"] == "svctrade.error/1" and error["source"] == str(path)
    # the CLI's lines are `file:line:column: problem` (or `file: problem`); the API's problems the same after `file:`
    assert error["problems"] == [line[len(str(path)) + 1 :].lstrip() for line in printed.stderr.splitlines()]
    assert any("figures.2023.revenu: unknown key (did you mean 'revenue'?)" in p for p in error["problems"])


@pytest.mark.parametrize(
    ("body", "headers", "status", "problem"),
    [
        (b"entity: [unclosed\n", YAML, 422, "malformed YAML"),
        (b'{"entity": ', {}, 422, "malformed JSON"),
        (b'{"entity": {"name": "x", "kind": "enterprise"}, "year": NaN}', {}, 422, "NaN is not a number"),
        (b"entity: {name: x, kind: enterprise}\n", YAML, 422, MISSING_YEAR),
        (b"year: 2024\ncatalogue: '2031'\nentity: {name: x, kind: enterprise}\n", YAML, 422, "catalogue '2031'"),
        ("year: 2024\nentity: {name: 公司, kind: enterprise}\n".encode("gb18030"), YAML, 422, "not UTF-8"),
        (b"[" * 5000, {}, 422, "nesting limit"),
        (b"a:\n" + b"".join(b" " * i + b"b:\n" for i in range(1, 40)), YAML, 422, "nesting limit"),
        (b"x" * (Limits().body_bytes + 1), YAML, 413, "request size limit"),
        (b"entity: {}", {"Content-Type": "text/plain"}, 415, "application/yaml"),
    ],
    ids=["yaml", "json", "nan", "no-year", "catalogue", "encoding", "brackets", "indent", "size", "media-type"],
)
def test_a_bad_body_is_answered_by_its_problem(
    client: TestClient, body: bytes, headers: dict, status: int, problem: str
) -> None:
    response = client.post("/v1/assess", content=body, headers=headers)
    assert response.status_code == status
    assert response.json()["schema"] == "svctrade.error/1"
    assert any(problem in p for p in response.json()["problems"]), response.json()
    no_trace(response)


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"year": "soon"}, "query.year"),
        ({"year": "1066"}, "query.year"),
        ({"lang": "fr"}, "query.lang"),
        ({"readings": "recent_years"}, "query.readings: expected NAME=VALUE"),
        ({"readings": "recent_yeers=average"}, "did you mean 'recent_years'?"),
        ({"readings": "recent_years=sometimes"}, "interpretation recent_years has no value 'sometimes'"),
    ],
)
def test_a_bad_query_is_answered_422_naming_the_parameter(client: TestClient, params: dict, problem: str) -> None:
    response = client.post("/v1/assess", params=params, content=HOTEL.read_bytes(), headers=YAML)
    assert response.status_code == 422
    assert any(problem in p for p in response.json()["problems"]), response.json()
    no_trace(response)


def test_unknown_paths_programmes_and_examples_answer_404(client: TestClient) -> None:
    for path in ("/v1/nothing", "/v1/programmes/99.9", "/v1/examples/..%2F..%2Fpyproject.toml", "/v1/examples/x"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["schema"] == "svctrade.error/1"
    assert client.get("/v1/assess").status_code == 405


def test_the_time_limit_is_named_when_reached(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    solve = engine.assess

    def slow(*args, **kwargs):
        time.sleep(0.5)
        return solve(*args, **kwargs)

    monkeypatch.setattr(engine, "assess", slow)
    with TestClient(create_app(engine, Limits(seconds=0.2))) as hurried:
        response = hurried.post("/v1/assess", content=HOTEL.read_bytes(), headers=YAML)
        assert response.status_code == 503
        assert response.json()["problems"] == [
            "time limit: no answer within 0.2 s; try again later or send fewer documents"
        ]
        lines = "\n".join([as_json(HOTEL), "{}"]).encode()
        answers = [json.loads(line) for line in hurried.post("/v1/assess/batch", content=lines).text.splitlines()]
        assert answers[0]["problems"][0].startswith("time limit") and answers[0]["source"] == "batch:1"
        assert answers[1]["problems"] == ["entity: missing; give at least `name` and `kind`"]
        no_trace(response)


def test_the_batch_limits_are_named_when_reached(engine: Engine) -> None:
    with TestClient(create_app(engine, Limits(batch_lines=2, batch_bytes=10_000))) as small:
        three = "\n".join([as_json(HOTEL)] * 3).encode()
        response = small.post("/v1/assess/batch", content=three)
        assert response.status_code == 413
        assert response.json()["problems"] == ["batch line limit: more than 2 documents"]
        response = small.post("/v1/assess/batch", content=b" " * 10_001)
        assert response.json()["problems"] == ["batch size limit: the body is larger than 10,000 bytes"]


def test_an_injection_style_name_is_inert_data(client: TestClient) -> None:
    name = '"). #false. :- programme(P). <script>alert(1)</script><img src=x onerror=alert(2)>'
    document = yaml.safe_load(HOTEL.read_text(encoding="utf-8"))
    plain = client.post("/v1/assess", content=json.dumps(document).encode()).json()
    document["entity"]["name"] = name
    hostile = client.post("/v1/assess", content=json.dumps(document).encode()).json()
    assert hostile["entity"]["name"] == name
    assert hostile["programmes"] == plain["programmes"]
    report = client.post("/v1/report", content=json.dumps(document).encode()).text
    assert "<script>" not in report and "<img" not in report
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report


def test_the_nesting_bound_is_never_below_the_real_nesting() -> None:
    for example in EXAMPLES:
        assert 2 <= nesting_bound(example.read_text(encoding="utf-8")) <= Limits().depth, example.name
        pretty = json.dumps(yaml.safe_load(example.read_text(encoding="utf-8")), indent=4, default=str)
        assert nesting_bound(pretty) <= Limits().depth, example.name  # brackets and indentation both count
    assert nesting_bound('{"a": [[{"b": 1}]]}') == 5  # 4 containers, and the line's own level
    assert nesting_bound("a:\n  - - - x\n") == 5


def test_serve_runs_the_app_on_the_engine_of_its_readings(monkeypatch: pytest.MonkeyPatch) -> None:
    served = {}
    monkeypatch.setattr("pysvc.server.run", lambda engine, host, port: served.update(engine=engine, at=(host, port)))
    result = CliRunner().invoke(cli, ["serve", "--port", "8123", "-i", "recent_years=average"])
    assert result.exit_code == 0, result.output
    assert served["at"] == ("127.0.0.1", 8123)
    assert served["engine"].catalogue.interpretations["recent_years"].chosen == "average"


def test_serve_without_the_web_extras_says_how_to_install_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "pysvc.server")
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if not installed
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2
    assert "pip install 'svctrade[serve]'" in result.stderr and "uvicorn" in result.stderr
    assert "Traceback" not in result.output


def test_a_json_key_given_twice_answers_422_never_last_wins(client: TestClient) -> None:
    body = '{"year": 2024, "entity": {"name": "x", "kind": "enterprise"}, "year": 2025}'
    response = client.post("/v1/assess", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert any("year given twice" in p for p in response.json()["problems"])


def test_programme_descriptions_for_no_particular_year_have_no_placeholder(client: TestClient) -> None:
    for pid in ("1", "11", "6.3.4"):
        text = json.dumps(client.get(f"/v1/programmes/{pid}").json(), ensure_ascii=False)
        assert "?" not in text.replace("?lang", ""), pid
