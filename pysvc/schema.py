"""The JSON Schema of fact files, generated from the vocabulary (pysvc/schema/facts.schema.json).

The schema states the structure (keys, types, enumerations, amount forms); `pysvc.facts` applies
the same vocabulary and also reads the amounts exactly, with messages naming file and field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import vocabulary as vocab
from .amounts import NUMBER_PATTERN
from .facts import ITEM_SECTIONS

SCHEMA_PATH = Path(__file__).parent / "schema" / "facts.schema.json"
SCHEMA_ID = "https://svctrade.invalid/schema/facts/1"

_AMOUNT: dict[str, Any] = {
    "description": "An amount: 80000000, '8000万元', '1亿元', '2.5万美元', 'USD 25000' or {amount: 200, unit: 万美元}. "
    "A bare number takes the year's `currency`.",
    "oneOf": [
        {"type": "number"},
        {"type": "string", "pattern": r"^\s*(-)?\S.*$"},
        {
            "type": "object",
            "properties": {
                "amount": {"type": ["number", "string"]},
                "unit": {"type": "string"},
                "currency": {"type": "string"},
            },
            "required": ["amount"],
            "additionalProperties": False,
        },
    ],
}
_COUNT: dict[str, Any] = {
    "oneOf": [
        {"type": "integer", "minimum": 0},
        {"type": "string", "pattern": rf"^\s*{NUMBER_PATTERN}\s*[千万亿]?\s*$"},
    ]
}
_DATE: dict[str, Any] = {"type": "string", "format": "date"}


def _enum(terms: dict[str, vocab.Term]) -> dict[str, Any]:
    return {"enum": list(terms), "description": "; ".join(f"{k}: {t.zh}" for k, t in terms.items())}


def _enum_list(terms: dict[str, vocab.Term]) -> dict[str, Any]:
    return {"type": "array", "items": _enum(terms), "uniqueItems": True}


def facts_schema() -> dict[str, Any]:
    """The schema as a dictionary."""
    figures = {
        key: {**(_COUNT if t.unit in ("count", "m2") else _AMOUNT), "title": t.zh, "x-unit": t.unit}
        for key, t in vocab.FIGURES.items()
    }
    figures["currency"] = {"enum": ["CNY", "USD"], "description": "Currency of bare numbers in this year."}
    finding = {
        "oneOf": [
            {"type": "boolean"},
            {
                "type": "object",
                "properties": {
                    "value": {"type": "boolean"},
                    "assessor": {"type": "string"},
                    "date": _DATE,
                    "note": {"type": "string"},
                },
                "required": ["value"],
                "additionalProperties": False,
            },
        ]
    }
    properties: dict[str, Any] = {
        "year": {"type": "integer", "minimum": 1990, "maximum": 2100, "title": "申请年度"},
        "catalogue": {"type": "string", "title": "目录版本"},
        "entity": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 1, "title": "名称"},
                "credit_code": {
                    "type": "string",
                    "pattern": "^[0-9A-Za-z]{18}$",
                    "title": "统一社会信用代码",
                },
                "kind": _enum(vocab.ENTITY_KINDS),
                "district": _enum(vocab.DISTRICTS),
                "independent_legal_person": {"type": "boolean"},
            },
            "required": ["name", "kind"],
            "additionalProperties": False,
        },
        "business_lines": _enum_list(vocab.BUSINESS_LINES),
        "figures": {
            "type": "object",
            "propertyNames": {"pattern": "^(19|20|21)[0-9]{2}$"},
            "additionalProperties": {"type": "object", "properties": figures, "additionalProperties": False},
        },
        "agreements": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "counterparty": {"type": "string"},
                    "counterparty_kind": _enum(vocab.COUNTERPARTIES),
                    "well_known": {"type": "boolean"},
                    "overseas": {"type": "boolean"},
                    "start": _DATE,
                    "end": _DATE,
                },
                "required": ["counterparty", "counterparty_kind", "start", "end"],
                "additionalProperties": False,
            },
        },
        "findings": {
            "type": "object",
            "properties": {k: {**finding, "title": t.zh} for k, t in vocab.FINDINGS.items()},
            "additionalProperties": False,
        },
    }
    for section, terms in ITEM_SECTIONS.items():
        properties[section] = _enum_list(terms)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "svctrade fact file (one entity)",
        "type": "object",
        "properties": properties,
        "required": ["entity"],
        "additionalProperties": False,
    }


def schema_text() -> str:
    """The schema as it is written to pysvc/schema/facts.schema.json."""
    return json.dumps(facts_schema(), ensure_ascii=False, indent=2) + "\n"


RESULT_SCHEMA_PATH = Path(__file__).parent / "schema" / "result.schema.json"

_CONDITION: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "clause": {
            "type": "object",
            "properties": {"id": {"type": "string"}, "text": {"type": "string"}},
            "required": ["id", "text"],
        },
        "description": {"type": "string"},
        "readings": {"type": "array", "items": {"type": "string"}},
        "about_applicant": {"type": "boolean"},
        "status": {"enum": ["met", "failed", "unknown"]},
        "found": {"type": "array"},
        "required": {"type": "array"},
        "gap": {},
        "evidence": {"type": "array", "items": {"oneOf": [{"$ref": "#/$defs/agreement"}, {"$ref": "#/$defs/finding"}]}},
        "collect": {"type": "array", "items": {"type": "string"}},
    },
    "required": [
        "id",
        "clause",
        "description",
        "readings",
        "about_applicant",
        "status",
        "found",
        "required",
        "gap",
        "evidence",
        "collect",
    ],
    "additionalProperties": False,
}

_NULLABLE_TEXT = {"type": ["string", "null"]}
_AGREEMENT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "type": {"const": "agreement"},
        "counterparty": {"type": "string"},
        "counterparty_kind": {"type": "string"},
        "start": {"type": "string", "format": "date"},
        "end": {"type": "string", "format": "date"},
        "months": {"type": "integer"},
        "counts": {"type": "boolean"},
        "reasons": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["type", "counterparty", "counterparty_kind", "start", "end", "months", "counts", "reasons"],
    "additionalProperties": False,
}
_FINDING: dict[str, Any] = {
    "type": "object",
    "properties": {
        "type": {"const": "finding"},
        "topic": {"type": "string"},
        "value": {"type": "boolean"},
        "assessor": _NULLABLE_TEXT,
        "date": _NULLABLE_TEXT,
        "note": _NULLABLE_TEXT,
    },
    "required": ["type", "topic", "value", "assessor", "date", "note"],
    "additionalProperties": False,
}


def result_schema() -> dict[str, Any]:
    """The JSON Schema of `svctrade check --format json` results (svctrade.result/1)."""
    conditions = {"type": "array", "items": {"$ref": "#/$defs/condition"}}
    title = {"type": "object", "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}}
    programme = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "title": title,
            "status": {"enum": ["eligible", "not_eligible", "undetermined", "out_of_scope"]},
            "scope_reason": {"enum": ["entity_kind", "business_not_declared", None]},
            "route": {"type": ["string", "null"]},
            "route_title": {"oneOf": [title, {"type": "null"}]},
            "because": conditions,
            "missing": {"type": "array", "items": conditions},
            "missing_routes": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
            "preferences": conditions,
            "conditions": conditions,
        },
        "required": [
            "id",
            "title",
            "status",
            "scope_reason",
            "route",
            "because",
            "missing",
            "missing_routes",
            "preferences",
            "conditions",
        ],
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://svctrade.invalid/schema/result/1",
        "title": "svctrade result (svctrade.result/1)",
        "type": "object",
        "properties": {
            "schema": {"const": "svctrade.result/1"},
            "svctrade": {"type": "string"},
            "catalogue": {"type": "string"},
            "year": {"type": "integer"},
            "last_year": {"type": "integer"},
            "interpretations": {"type": "object", "additionalProperties": {"type": "string"}},
            "entity": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "credit_code": {"type": ["string", "null"]},
                    "kind": {"type": "string"},
                    "source": {"type": "string"},
                },
                "required": ["name", "credit_code", "kind", "source"],
            },
            "programmes": {"type": "array", "items": programme},
        },
        "required": ["schema", "svctrade", "catalogue", "year", "last_year", "interpretations", "entity", "programmes"],
        "additionalProperties": False,
        "$defs": {"condition": _CONDITION, "agreement": _AGREEMENT, "finding": _FINDING},
    }


def result_schema_text() -> str:
    """The result schema as written to pysvc/schema/result.schema.json."""
    return json.dumps(result_schema(), ensure_ascii=False, indent=2) + "\n"
