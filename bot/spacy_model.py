"""Build the project's Turkish spaCy model: `spacy.blank("tr")` + lookup lemmatizer.

The lemma table of `spacy-lookups-data` is stored twice in the model: as spaCy's
own `lemma_lookup`, and keyed by folded forms (`lemma_lookup_folded`) so that the
Turkish text component can lemmatise `ÇEKEMİYORUM` and `cekemiyorum` as well.

    python -m bot.spacy_model models/spacy/tr_casinra
"""
from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

from casinra_contracts.text import fold

MODEL_NAME = "casinra"
FOLDED_TABLE = "lemma_lookup_folded"


def folded_lemma_table(table: dict[str, str]) -> dict[str, str]:
    """Key the table by folded forms; an exact ASCII key wins over a folded one."""
    folded: dict[str, str] = {}
    for word, lemma in table.items():
        key = fold(word)
        if key not in folded or key == word:
            folded[key] = lemma
    return folded


def build(target: Path) -> Path:
    import spacy
    import spacy_lookups_data

    source = Path(spacy_lookups_data.__file__).parent / "data" / "tr_lemma_lookup.json.gz"
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        table = json.load(handle)

    nlp = spacy.blank("tr")
    nlp.meta["name"] = MODEL_NAME
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = "Blank Turkish pipeline with the spacy-lookups-data lemmatizer"
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    lemmatizer.lookups.add_table(FOLDED_TABLE, folded_lemma_table(table))
    target.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    path = build(args.target)
    print(f"spaCy model written to {path}")


if __name__ == "__main__":
    main()
