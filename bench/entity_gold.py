#!/usr/bin/env python3
"""Build the entity dev gold (offsets and names only) from the annotated surface forms of each article.

    python bench/entity_gold.py ../shared/corpus/polnear [--surfaces tests/fixtures/entity_dev/surfaces.txt]
                                [--out tests/fixtures/entity_dev/gold.jsonl]

``surfaces.txt`` (see tests/fixtures/entity_dev/README.md) names, per PolNeAR train article, each person and the
ways the article writes their name; every occurrence of a form (word-bounded, case as written, not joined by a
hyphen to another word, longest forms first, never inside a blocked name such as "Trump Tower") becomes a gold
mention of that person. A person's main articles: three gold mentions or more, or a mention in the headline line.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any


def read_surfaces(path: str) -> dict[str, dict[str, Any]]:
    """article file name -> {"people": {name: [forms]}, "block": [names], "skip": [forms left unannotated]}."""
    out: dict[str, dict[str, Any]] = {}
    cur: dict[str, Any] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("@"):
            cur = out.setdefault(line[1:].strip(), {"people": {}, "block": [], "skip": []})
        elif line[0] in "!?":
            cur["block" if line[0] == "!" else "skip"] += [x.strip() for x in line[1:].split("|")]
        else:
            name, forms = line.split(" = ")
            cur["people"][name.strip()] = [x.strip() for x in forms.split("|")]
    return out


def gold_row(doc: str, text: str, ann: dict[str, Any]) -> dict[str, Any]:
    """The gold row of one article: each person's mention offsets, and its main people."""
    head_end = text.find("\n") if "\n" in text else len(text)
    taken = [False] * len(text)
    forms = [(s, None) for s in ann["block"] + ann["skip"]] + [(s, n) for n, ss in ann["people"].items() for s in ss]
    people: dict[str, list[list[int]]] = {n: [] for n in ann["people"]}
    for form, name in sorted(forms, key=lambda x: -len(x[0])):
        for m in re.finditer(rf"(?<![A-Za-z0-9])(?<![A-Za-z]-){re.escape(form)}(?![A-Za-z0-9]|-[A-Za-z])", text):
            if any(taken[m.start():m.end()]):
                continue
            taken[m.start():m.end()] = [True] * (m.end() - m.start())
            if name is not None:
                people[name].append([m.start(), m.end()])
    found = {n: sorted(v) for n, v in people.items() if v}
    main = sorted(n for n, v in found.items() if len(v) >= 3 or any(s < head_end for s, _ in v))
    return {"doc": doc, "people": found, "main": main}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", help="the PolNeAR folder (train/text/ holds the articles)")
    ap.add_argument("--surfaces", default="tests/fixtures/entity_dev/surfaces.txt")
    ap.add_argument("--out", default="tests/fixtures/entity_dev/gold.jsonl")
    a = ap.parse_args(argv)
    rows = [gold_row(doc, (Path(a.root) / "train" / "text" / doc).read_text(encoding="utf-8"), ann)
            for doc, ann in read_surfaces(a.surfaces).items()]
    with open(a.out, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    print(f"{len(rows)} articles, {sum(len(v) for r in rows for v in r['people'].values())} mentions of "
          f"{len({n for r in rows for n in r['people']})} people, {sum(len(r['main']) for r in rows)} main pairs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
