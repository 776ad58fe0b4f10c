"""JSON Schemas of the data files, for editors (``thidua schema [-o DIR]``).

One schema per kind of file, generated from the models (:mod:`thidua.models`), so it can
never disagree with the loader about keys. Editors with the YAML language server (VS Code
"YAML" extension, and others) use them to complete keys and flag mistakes as you type,
through the first-line comment ``# yaml-language-server: $schema=../../schema/khoi.json``
or the ``yaml.schemas`` setting.

thidua reads every value as text and converts it itself, while an editor reads YAML
types. So the schemas accept what people write, the way thidua reads it:

- a number field accepts a YAML number or a string of digits (``20``, ``"9.5"``); a count
  a whole number; the bounds of the models (``toi_da`` > 0, ...) apply to numbers;
- a text field also accepts a YAML number (``ma: 1.1`` is read as the text ``1.1``; fmt
  quotes it);
- ``true``/``false`` as YAML booleans or strings; dates as ``2020-12-30`` or ``30/12/2020``;
  times as ``08:00`` or ``8h00``; shares as ``"50%"`` or ``"2/3"``.

Titles and descriptions are Vietnamese (the models' English docstrings are left out).
Output is deterministic: the same models give byte-identical files.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from thidua import models as m
from thidua.year import (
    BALLOTS,
    CLUSTER,
    CONFERENCE,
    DOCUMENTS,
    FILE_LABELS,
    REGULATION,
    SEAL,
    TABLE,
    TASKS,
)

__all__ = ["KINDS", "render_all", "schema_for"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"

# kind (file name of the schema, without .json) -> (model, title)
KINDS: dict[str, tuple[type[m.Model], str]] = {
    "khoi": (m.ClusterFile, f"{CLUSTER} — {FILE_LABELS[CLUSTER]}"),
    "quy-che": (
        m.RegulationFile,
        f"{REGULATION} — {FILE_LABELS[REGULATION]}",
    ),
    "tieu-chi": (m.ScoringTableFile, f"{TABLE} — {FILE_LABELS[TABLE]}"),
    "nhiem-vu": (m.TasksFile, f"{TASKS} — {FILE_LABELS[TASKS]}"),
    "diem": (m.ScoreFile, "diem/<mã đơn vị>.yaml — điểm tự chấm và thẩm định của một đơn vị"),
    "phieu-bau": (m.BallotsFile, f"{BALLOTS} — {FILE_LABELS[BALLOTS]}"),
    "hoi-nghi": (
        m.ConferenceFile,
        f"{CONFERENCE} — {FILE_LABELS[CONFERENCE]}",
    ),
    "van-ban": (m.DocumentsFile, f"{DOCUMENTS} — {FILE_LABELS[DOCUMENTS]}"),
    "khoa-so": (m.SealFile, f"{SEAL} — {FILE_LABELS[SEAL]}"),
}

_DIGITS = r"^\s*[0-9]+\s*$"
_DECIMAL = r"^\s*[+-]?[0-9]+(\.[0-9]+)?\s*$"
_DATE = r"^\s*([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}/[0-9]{1,2}/[0-9]{4})\s*$"
_TIME = r"^\s*[0-9]{1,2}[:hg][0-9]{2}\s*$"
_SHARE = r"^\s*([0-9]+(\.[0-9]+)?\s*%|[0-9]+\s*/\s*[0-9]+)\s*$"
# pydantic writes Field(ge=1) on a validated type as a bare "ge" key; JSON Schema names.
_BOUNDS = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum", "lt": "exclusiveMaximum"}


def _number(value: Any) -> int | float:
    as_int = int(value)
    return as_int if as_int == value else float(value)


def _bounds(schema: Any) -> dict[str, int | float]:
    return {_BOUNDS[k]: _number(schema[k]) for k in _BOUNDS if schema.get(k) is not None}


class _Generator(GenerateJsonSchema):
    """pydantic's generator, with scalars accepted the way thidua reads them."""

    def int_schema(self, schema: core_schema.IntSchema) -> JsonSchemaValue:
        return {
            "anyOf": [
                {"type": "integer", **_bounds(schema)},
                {"type": "string", "pattern": _DIGITS},
            ]
        }

    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        return {
            "anyOf": [
                {"type": "number", **_bounds(schema)},
                {"type": "string", "pattern": _DECIMAL},
            ]
        }

    def bool_schema(self, schema: core_schema.BoolSchema) -> JsonSchemaValue:
        return {"anyOf": [{"type": "boolean"}, {"enum": ["true", "false"]}]}

    def date_schema(self, schema: core_schema.DateSchema) -> JsonSchemaValue:
        return {"type": "string", "pattern": _DATE}

    def time_schema(self, schema: core_schema.TimeSchema) -> JsonSchemaValue:
        return {"type": "string", "pattern": _TIME}

    def fraction_schema(self, schema: Any) -> JsonSchemaValue:
        return {"type": "string", "pattern": _SHARE}

    def str_schema(self, schema: core_schema.StringSchema) -> JsonSchemaValue:
        result = super().str_schema(schema)
        result["type"] = ["string", "number"]
        return result

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def _clean(node: Any, names: bool = False) -> Any:
    """Drop English docstrings and model titles; name bounds as JSON Schema does.

    ``names``: ``node`` maps names to schemas (``properties``, ``$defs``), so its keys are
    data, not keywords.
    """
    if isinstance(node, dict):
        if names:
            return {key: _clean(value) for key, value in node.items()}
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("description", "title"):
                continue
            name: str = _BOUNDS.get(key) or key
            out[name] = _clean(value, key in ("properties", "$defs"))
        return out
    if isinstance(node, list):
        return [_clean(item) for item in node]
    return node


def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema of one kind of data file (a key of :data:`KINDS`)."""
    model, title = KINDS[kind]
    body = _clean(
        model.model_json_schema(by_alias=True, mode="validation", schema_generator=_Generator)
    )
    return {"$schema": DRAFT, "title": title, **body}


def render_all() -> dict[str, str]:
    """File name (``khoi.json``) -> JSON text, for every kind."""
    return {
        f"{kind}.json": json.dumps(schema_for(kind), ensure_ascii=False, indent=2) + "\n"
        for kind in KINDS
    }
