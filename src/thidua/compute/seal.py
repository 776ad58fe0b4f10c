"""The seal of a closed year: a digest of its content, and the short code people read.

Pure: works on a validated :class:`~thidua.year.YearData`, reads no file. The digest
covers what the data *says*, not how it is written: each file's model dumped as JSON by
its Vietnamese keys, keys sorted, compact separators, so ``thidua fmt``, comments, quoting
and key order never change it. It leaves out the seal file itself and ``trang_thai`` in
``khoi.yaml``, so closing and reopening the year do not change it either.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from thidua import models as m
from thidua.year import (
    BALLOTS,
    CLUSTER,
    CONFERENCE,
    DOCUMENTS,
    REGULATION,
    SCORES_DIR,
    TABLE,
    TASKS,
    YearData,
)

PREFIX = "sha256:"


def canonical(data: YearData) -> dict[str, Any]:
    """The content the digest covers: file name in the year folder -> its dumped model.

    Each model as ``model_dump(mode="json", by_alias=True, exclude_defaults=True)`` would
    give it: a value left at its default is not part of the content, so a later version of
    thidua that adds an optional key does not change the digest of a year sealed before.
    The score entries, the bulk of a large year, are built directly (the same values,
    several times faster than pydantic serialising the score union).
    """
    files: dict[str, m.Model | None] = {
        CLUSTER: data.cluster,
        REGULATION: data.regulation,
        TABLE: data.table,
        TASKS: data.tasks,
        BALLOTS: data.ballots,
        CONFERENCE: data.conference,
        DOCUMENTS: data.documents,
    }
    out: dict[str, Any] = {}
    for name, model in files.items():
        if model is not None:
            out[name] = model.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    out[CLUSTER].pop("trang_thai", None)
    for member, score in data.scores.items():
        dumped = score.model_dump(
            mode="json", by_alias=True, exclude_defaults=True, exclude={"scores"}
        )
        dumped[_SCORES_KEY] = {cid: _entry(entry) for cid, entry in score.scores.items()}
        out[f"{SCORES_DIR}/{member}.yaml"] = dumped
    return out


_SCORES_KEY = m.ScoreFile.model_fields["scores"].alias or "scores"
_ENTRY_FIELDS = [(name, info.alias or name) for name, info in m.ScoreEntry.model_fields.items()]


def _entry(entry: m.ScoreEntry) -> dict[str, Any]:
    out = {key: _value(getattr(entry, name)) for name, key in _ENTRY_FIELDS}
    return {key: value for key, value in out.items() if value is not None}


def _value(value: object) -> Any:
    """A score entry's value as pydantic's JSON mode writes it."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, m.Met):
        return value.value
    if isinstance(value, m.Quantity):
        return {"thuc_hien": str(value.actual), "chi_tieu": str(value.target)}
    raise TypeError(type(value))  # pragma: no cover - ScoreEntry holds only the above


def content_digest(data: YearData) -> str:
    """``sha256:`` and 64 hex digits over the canonical content of the year."""
    text = json.dumps(
        canonical(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


def short_code(digest: str) -> str:
    """The first 8 hex digits of a digest, upper-case, split by a hyphen: ``3F9A-C21B``."""
    hexpart = digest.removeprefix(PREFIX)[:8].upper()
    return f"{hexpart[:4]}-{hexpart[4:]}"
