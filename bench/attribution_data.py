#!/usr/bin/env python3
"""PolNeAR -> spaCy DocBins for the attribution tagger: the pipeline's own parse plus the gold SOURCE/CUE/CONTENT.

    python bench/attribution_data.py ../shared/corpus/polnear --out /tmp/attribution [--cache PARSED.spacy]

Each article is parsed by ``onrecord.nlp.load_nlp`` (so training sees the tags and dependencies that inference
sees) and its first annotator's spans are kept as three span groups, ``source``, ``cue`` and ``content`` (each
piece of a discontinuous span is one span; the scorer's trimmed extents: no quote marks or edge punctuation).
Train articles go to ``train.spacy``, except every ``--every``-th (default 5, the tuning sample of
``bench/train_attribution.py``), which go to ``tune.spacy``; ``--dev`` also writes ``dev.spacy`` (read as numbers
only). The roles overlap (a source inside another attribution's content), so each token gets one BIO label per
role, joined into one tag of three letters (source, cue, content: "OBI" is a cue's first word inside a content):
one ``tagger`` learns them all, over the parse features of ``onrecord.nlp.attribution.parse_features`` (the
shipped component computes them with the same function). ``spacy train --code bench/attribution_data.py``
registers the reader ``onrecord.attribution_examples.v1`` that pairs the parsed doc (the input) with a reference
doc holding the tags. The articles are parsed without the shipped tagger (``load_nlp`` adds it last): its
predictions are neither the tagger's input nor the rules' input in ``bench/polnear.py --cv``.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.training import Example
from spacy.util import registry

from onrecord.evaluate import parse_ann, polnear_articles, polnear_text_path, trim
from onrecord.nlp.attribution import ROLES, parse_features

TAGGER = "onrecord_attribution_v1"  # load_nlp's attribution tagger, left out of the parse here

_ROLE_OF = {"Source": "source", "Cue": "cue", "Content": "content"}


def gold_pieces(text: str, ann: str | Path) -> dict[str, list[tuple[int, int]]]:
    """The character pieces of each role in a brat .ann file (trimmed as the scorer trims), sorted and unique."""
    T, _events = parse_ann(ann)
    out: dict[str, set[tuple[int, int]]] = {r: set() for r in ROLES}
    for typ, spans in T.values():
        role = _ROLE_OF.get(typ)
        if role is not None:
            out[role].update(trim(text, spans))
    return {r: sorted(v) for r, v in out.items()}


def label_doc(doc: Doc, pieces: dict[str, list[tuple[int, int]]]) -> tuple[Doc, int]:
    """Put each role's pieces on ``doc.spans[role]`` as token spans; a piece that overlaps a longer one of the
    same role (a nested attribution's content) is left out, as one BIO layer cannot hold both. Returns the doc
    and how many pieces were left out."""
    dropped = 0
    for role in ROLES:
        taken: list[tuple[int, int]] = []
        for s, e in sorted(pieces.get(role, []), key=lambda p: p[0] - p[1]):
            span = doc.char_span(s, e, alignment_mode="expand")
            if span is None or len(span) == 0:
                dropped += 1
                continue
            if any(span.start < b and a < span.end for a, b in taken):
                dropped += 1
                continue
            taken.append((span.start, span.end))
        doc.spans[role] = [doc[a:b] for a, b in sorted(taken)]
    return doc, dropped


def tags_of(doc: Doc) -> list[str]:
    """The joined BIO tag of every token (source, cue, content letters) from the doc's span groups."""
    layers = []
    for role in ROLES:
        layer = ["O"] * len(doc)
        for span in doc.spans[role] if role in doc.spans else []:
            layer[span.start] = "B"
            for i in range(span.start + 1, span.end):
                layer[i] = "I"
        layers.append(layer)
    return ["".join(x) for x in zip(*layers)]


def convert(root: str, compartment: str, meta: list[dict[str, str]], docs: list[Doc]) -> tuple[DocBin, int, int]:
    """A DocBin of the parsed articles with their gold span groups; also the pieces kept and left out."""
    db = DocBin(store_user_data=False)
    kept = dropped = 0
    for row, doc in zip(meta, docs):
        ann = Path(root) / compartment / "attributions" / f"{row['filename']}_{row['annotators'].split('|')[0]}.ann"
        doc, d = label_doc(doc, gold_pieces(doc.text, ann))
        dropped += d
        kept += sum(len(doc.spans[r]) for r in ROLES)
        db.add(doc)
    return db, kept, dropped


@registry.readers("onrecord.attribution_examples.v1")
def attribution_examples(path: str, limit: int = 0) -> Callable[[Language], Iterator[Example]]:
    """spaCy reader: each parsed doc of the DocBin at ``path`` paired with a reference doc whose tags are the
    joined BIO labels (``limit``: the first N docs only)."""
    def read(nlp: Language) -> Iterator[Example]:
        for n, doc in enumerate(DocBin().from_disk(path).get_docs(nlp.vocab)):
            if limit and n >= limit:
                break
            ref = Doc(nlp.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc],
                      tags=tags_of(doc))
            yield Example(parse_features(doc), ref)
    return read


def parsed(root: str, compartment: str, meta: list[dict[str, str]], cache: str | None) -> list[Doc]:
    """The articles parsed by ``load_nlp`` without the attribution tagger (read from / written to the DocBin
    ``cache`` when given)."""
    from onrecord.nlp import load_nlp

    nlp = load_nlp()
    if cache and Path(cache).exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if len(docs) == len(meta):
            return docs
    docs = [nlp(polnear_text_path(root, compartment, r["filename"]).read_text(encoding="utf-8"), disable=[TAGGER])
            for r in meta]
    if cache:
        db = DocBin()
        for d in docs:
            db.add(d)
        db.to_disk(cache)
    return docs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", help="the PolNeAR folder (metadata.tsv, train/, dev/)")
    ap.add_argument("--out", required=True, help="folder for train.spacy, tune.spacy (and dev.spacy)")
    ap.add_argument("--every", type=int, default=5, help="every Nth train article is held out for tuning")
    ap.add_argument("--cache", help="DocBin of the parsed train articles (bench/polnear.py --cache makes the same)")
    ap.add_argument("--dev", action="store_true", help="also write dev.spacy (for scoring only)")
    a = ap.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    meta = polnear_articles(a.root, "train")
    docs = parsed(a.root, "train", meta, a.cache)
    parts = {"train": [i for i in range(len(meta)) if i % a.every], "tune": list(range(0, len(meta), a.every))}
    if a.dev:
        dmeta = polnear_articles(a.root, "dev")
        parts["dev"] = []
    for name, idx in parts.items():
        if name == "dev":
            db, kept, dropped = convert(a.root, "dev", dmeta, parsed(a.root, "dev", dmeta, None))
        else:
            db, kept, dropped = convert(a.root, "train", [meta[i] for i in idx], [docs[i] for i in idx])
        db.to_disk(out / f"{name}.spacy")
        print(f"{name}: {len(db)} articles, {kept} role pieces ({dropped} nested pieces left out)")
    print(f"done in {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
