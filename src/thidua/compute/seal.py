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
from typing import Any

from thidua import models as m
from thidua.year import BALLOTS, CLUSTER, CONFERENCE, REGULATION, SCORES_DIR, TABLE, TASKS, YearData

PREFIX = "sha256:"


def canonical(data: YearData) -> dict[str, Any]:
    """The content the digest covers: file name in the year folder -> its dumped model."""
    files: dict[str, m.Model | None] = {
        CLUSTER: data.cluster,
        REGULATION: data.regulation,
        TABLE: data.table,
        TASKS: data.tasks,
        BALLOTS: data.ballots,
        CONFERENCE: data.conference,
    }
    for member, score in data.scores.items():
        files[f"{SCORES_DIR}/{member}.yaml"] = score
    out: dict[str, Any] = {}
    for name, model in files.items():
        if model is None:
            continue
        # warnings off: the plain-validated score union confuses the serializer's type guess,
        # though the values it writes are right (Decimal as its text, đạt as itself).
        dumped = model.model_dump(mode="json", by_alias=True, warnings=False)
        if name == CLUSTER:
            dumped.pop("trang_thai", None)
        out[name] = dumped
    return out


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
