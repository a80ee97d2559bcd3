"""The gradebook: one CSV row per learner and one column per item, and every check as
JSON, each written atomically."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from grader import catalog as catalog_mod
from grader.text import safe_text

GRADEBOOK_SCHEMA = 1


def number_text(value: float) -> str:
    return f"{round(value, 2):g}"


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8", newline="")
    os.replace(partial, path)


def write_gradebook(
    records: list[dict],
    cat: catalog_mod.Catalog,
    out_csv: Path,
    out_json: Path | None,
    seed: int,
) -> None:
    """CSV: ``learner``, one column per item in catalogue order, ``total``. JSON: every
    learner with every item's full result (the shape of ``course grade --json``)."""
    ids = [ex.id for ex in cat.exercises]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["learner", *ids, "total"])
    for record in sorted(records, key=lambda r: r["learner"]):
        scores = {r["exercise"]: r["score"] for r in record["results"]}
        writer.writerow(
            [
                safe_text.csv_cell(record["learner"]),
                *[number_text(scores.get(i, 0.0)) for i in ids],
                number_text(record["score"]),
            ]
        )
    _write_atomically(out_csv, buffer.getvalue())
    if out_json is not None:
        book = {
            "schema_version": GRADEBOOK_SCHEMA,
            "seed": seed,
            "items": [
                {"id": ex.id, "title": ex.title, "kind": ex.kind, "max_score": ex.points}
                for ex in cat.exercises
            ],
            "max_total": sum(ex.points for ex in cat.exercises),
            "learners": sorted(records, key=lambda r: r["learner"]),
        }
        _write_atomically(out_json, json.dumps(safe_text.json_safe(book), indent=2) + "\n")
