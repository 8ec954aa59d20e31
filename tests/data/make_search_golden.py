"""Record what the procedure search answers today, so a rewrite for speed can prove it answers the same.

    python -m tests.data.make_search_golden      # rewrites tests/data/search_golden.json

The golden file is self-contained: it stores the inputs (the lexicon and the searchable text of the real
catalogue at recording time) next to the answers, so editing procedures/ or lexicon.yaml does not break
tests/domain/test_search_regression.py. Two catalogues are searched:
- "real": the snapshot of the real catalogue, with every tuning question (tests/data/search_queries.tsv);
- "generated": bench.catalogue_gen's catalogue of GENERATED_SIZE procedures grown from that snapshot,
  where common words have long postings and near-namesakes tie, with generated and tuning questions.

Rerun only when the search is meant to answer differently, and say so in the commit.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from bench.catalogue_gen import generate, generated_queries
from bench.common import read_queries
from bot.content.lexicon_file import load_lexicon
from bot.content.loading import load_catalogue
from bot.domain.catalogue import Catalogue, Procedure
from bot.domain.lexicon import Lexicon
from bot.domain.search.procedures import ProcedureIndex

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "search_golden.json"
TUNING = ROOT / "tests" / "data" / "search_queries.tsv"
GENERATED_SIZE = 2000  # large enough that common terms exceed the postings budget
GENERATED_SEED = 2026
GENERATED_QUERIES = 100
QUERY_SEED = 7
DEEP_LIMIT = 20  # also record the whole shortlist for generated questions: candidate generation shows
# Inputs at the edges of the contract; their answers are recorded like every other.
EDGE_QUERIES = ("", "   ", "ạ", "cho em hỏi", "12345", "ct07 ct07 ct07", "a " * 400)
EDGE_LIMITS = (0, 1, 3)

# Fields the search reads (see search._matched_texts, _background_texts) or the generator recombines.
SEARCHED = ("id", "name", "short_name", "summary", "for_whom", "aliases", "keywords", "sector", "result")
# Everything else a Procedure requires, the same for every snapshot procedure: search never reads it.
FILLER: dict[str, Any] = {
    "level": 2,
    "agency": {"name": "Ủy ban nhân dân cấp xã", "level": "xã", "where": "Bộ phận Một cửa"},
    "channels": {"online": False, "post": False},
    "fee": {"free": True, "text": "Miễn phí"},
    "processing_time": {"text": "1 ngày"},
    "contact": {"office": "Bộ phận Một cửa"},
}


def snapshot(catalogue: Catalogue) -> list[dict[str, Any]]:
    """The searchable text of each procedure, in catalogue order."""
    out = []
    for p in catalogue.procedures():
        fields: dict[str, Any] = {name: getattr(p, name) for name in SEARCHED}
        fields["documents"] = [d.name for d in p.documents]
        out.append(fields)
    return out


def catalogue_from(rows: list[dict[str, Any]]) -> Catalogue:
    procedures = []
    for row in rows:
        data = {**FILLER, **row, "documents": [{"name": name} for name in row["documents"]]}
        procedures.append(Procedure.model_validate(data))
    return Catalogue(procedures)


def fingerprint(catalogue: Catalogue) -> str:
    """A hash of the snapshot text of a catalogue: tells a changed generator from a changed search."""
    text = json.dumps(snapshot(catalogue), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def generated_catalogue(base: Catalogue) -> tuple[Catalogue, list[str]]:
    made = generate(base, GENERATED_SIZE, GENERATED_SEED)
    return made.catalogue, [q.query for q in generated_queries(made, GENERATED_QUERIES, QUERY_SEED)]


def answer(index: ProcedureIndex, query: str, limit: int) -> dict[str, Any]:
    """One recorded case: SearchResult.to_json() with each match as [id, score] (names come from the
    catalogue, and the test checks them against it)."""
    found = index.search(query, limit=limit).to_json()
    matches = [[m["id"], m["score"]] for m in found["matches"]]
    return {"query": query, "limit": limit, "decision": found["decision"], "matches": matches}


def cases(index: ProcedureIndex, plan: list[tuple[str, int]]) -> list[dict[str, Any]]:
    return [answer(index, query, limit) for query, limit in plan]


def dump(golden: dict[str, Any]) -> str:
    """JSON with one case per line, so a regenerated file shows which answers moved."""
    parts = []
    for key, value in golden.items():
        if key in ("real", "generated_cases"):
            rows = ",\n  ".join(json.dumps(case, ensure_ascii=False) for case in value)
            parts.append(f"{json.dumps(key)}: [\n  {rows}\n]")
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def record(base: Catalogue, lexicon: Lexicon, tuning: list[str]) -> dict[str, Any]:
    real_plan = [(q, 5) for q in tuning] + [(q, 5) for q in EDGE_QUERIES]
    real_plan += [(q, limit) for q in tuning[:10] for limit in EDGE_LIMITS]
    generated, asked = generated_catalogue(base)
    generated_plan = [(q, 5) for q in asked] + [(q, DEEP_LIMIT) for q in asked] + [(q, 5) for q in tuning]
    return {
        "about": __doc__.splitlines()[0] if __doc__ else "",
        "lexicon": lexicon.model_dump(mode="json"),
        "procedures": snapshot(base),
        "generated": {
            "size": GENERATED_SIZE,
            "seed": GENERATED_SEED,
            "fingerprint": fingerprint(generated),
        },
        "real": cases(ProcedureIndex.build(base, lexicon), real_plan),
        "generated_cases": cases(ProcedureIndex.build(generated, lexicon), generated_plan),
    }


def main() -> int:
    # Record from the snapshot, not from the live files: the test replays exactly these inputs.
    frozen = catalogue_from(snapshot(load_catalogue(ROOT / "procedures")))
    lexicon = load_lexicon(ROOT / "lexicon.yaml")
    golden = record(frozen, lexicon, [q.query for q in read_queries(TUNING)])
    GOLDEN.write_text(dump(golden), encoding="utf-8")
    print(f"{GOLDEN}: {len(golden['real'])} + {len(golden['generated_cases'])} answers")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
