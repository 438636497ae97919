#!/usr/bin/env python3
"""Person entities whose name is not a person's name, on a seeded draw of PolNeAR train articles that no gold in
tests/fixtures/ holds (readable: train texts may be read for errors).

    python bench/entity_names.py ../shared/corpus/polnear [--n 150] [--seed 25] [--keep DB] [--store DB] [--max N]

The draw is ingested through the real pipeline into one store (read, clean, parse, analyse, link) and every person
entity of it is checked for the kinds of bad name issue 25 names, each decided mechanically so that the count is
reproducible:

- ``possessive``: the name holds "'s" ("Trump's Cabinet");
- ``runs past``: the name is another person entity's name (or its surname) of the same article with more words
  after it ("Mitt Romney Medicare", "Trump Tower" beside "Donald Trump"), or its last word is a word the article
  also writes in lower case mid-sentence ("Clinton Defends" beside "defends");
- ``lower word``: a word of the name other than the first, that the article writes in lower case mid-sentence and
  that is no given name ("Trump Says" beside "says");
- ``verb-like``: a capitalised word ending the name that is a common headline verb form ("Says", "Poised");
- ``common word``: a one-word name the article also writes in lower case mid-sentence ("Cheers" beside "cheers").

With ``--max N`` the script exits 1 when more than N entities are flagged (a ceiling, pinned where it was measured).
"""
from __future__ import annotations

import argparse
import random
import re
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

import onrecord
from onrecord import data
from onrecord.analyse.entities.roles import PARTICLES
from onrecord.evaluate import polnear_text_path

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
GIVEN = data.words("given_names_male") | data.words("given_names_female")
HEADLINE_VERBS = re.compile(r"(?:Says|Said|Poised|Defends|Slams|Blasts|Calls|Urges|Vows|Warns|Claims|Pins|Rips|"
                            r"Mocks|Attacks|Wins|Loses|Leads|Backs|Denies|Admits|Agrees|Fires|Hits|Talks|Tells|"
                            r"Responds|Reacts|Unveils|Rejects|Accuses|Doubles|Touts|Praises|Knocks)$")


def fixture_docs() -> set[str]:
    """PolNeAR file stems any gold of tests/fixtures/ names (those are left out of the draw)."""
    pat = re.compile(r"[a-z0-9_]+_20\d\d-\d\d-\d\d_[a-z0-9-]+")
    return {m for p in FIXTURES.rglob("*") if p.is_file() for m in pat.findall(p.read_text("utf-8", "ignore"))}


def draw(root: str, n: int, seed: int) -> list[str]:
    """``n`` train file stems no fixture holds, drawn with ``seed``."""
    stems = sorted(p.stem for p in (Path(root) / "train" / "text").glob("*.txt"))
    free = [s for s in stems if s not in fixture_docs()]
    return sorted(random.Random(seed).sample(free, n))


def flags(name: str, text: str, names_here: set[str]) -> list[str]:
    """The kinds of bad name ``name`` shows in an article ``text`` whose person names are ``names_here``."""
    out = []
    words = name.split()
    if re.search(r"['’]s\b", name):
        out.append("possessive")
    lower = set(re.findall(r"(?<=[a-z,;] )[a-z]+", text))  # lower-case words mid-sentence
    longer = {o for o in names_here if " " in o}
    shorter = longer | {o.split()[-1] for o in longer}  # another person's full name, or its surname
    if any(o != name and name.startswith(o + " ") for o in shorter) or (
            len(words) > 1 and words[-1].lower() in lower and words[-1].lower() not in GIVEN):
        out.append("runs past")
    if any(w.lower() in lower and w.lower() not in GIVEN | PARTICLES for w in words[1:]):
        out.append("lower word")
    if len(words) > 1 and HEADLINE_VERBS.match(words[-1]):
        out.append("verb-like")
    if len(words) == 1 and name.lower() in lower and name.lower() not in GIVEN:
        out.append("common word")
    return out


def bad_names(db: Path) -> list[tuple[str, str, list[str]]]:
    """(article source, person entity name, flags) for every flagged person entity mentioned in an article."""
    c = sqlite3.connect(db)
    out = []
    for aid, source, text in c.execute("SELECT id, source, text FROM articles ORDER BY source").fetchall():
        here = {str(r[0]) for r in c.execute(
            "SELECT DISTINCT e.name FROM article_entities a JOIN entities e ON e.id = a.entity_id "
            "WHERE a.article_id = ? AND e.type = 'person'", (aid,))}
        for name in sorted(here):
            f = flags(name, text, here)
            if f:
                out.append((Path(source).name, name, f))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", help="the PolNeAR folder (train/text/ holds the articles)")
    ap.add_argument("--n", type=int, default=150, help="articles to draw")
    ap.add_argument("--seed", type=int, default=25)
    ap.add_argument("--keep", help="write the store here (default: a temporary file)")
    ap.add_argument("--store", help="check this existing store instead of ingesting a draw")
    ap.add_argument("--max", type=int, help="exit 1 when more person entities than this are flagged")
    a = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp())
    db = Path(a.store or a.keep or tmp / "draw.db")
    if not a.store:
        folder = tmp / "texts"
        folder.mkdir()
        for stem in draw(a.root, a.n, a.seed):
            shutil.copy(polnear_text_path(a.root, "train", stem), folder / f"{stem}.txt")
        onrecord.ingest([str(folder)], db, any_language=True)
    found = bad_names(db)
    for source, name, f in found:
        print(f"{source}\t{name}\t{','.join(f)}")
    people = sqlite3.connect(db).execute("SELECT count(*) FROM entities WHERE type = 'person'").fetchone()[0]
    print(f"{len(found)} flagged (article, person entity) pairs, {len({n for _, n, _ in found})} names, "
          f"of {people} person entities")
    shutil.rmtree(tmp, ignore_errors=True)
    return 1 if a.max is not None and len(found) > a.max else 0


if __name__ == "__main__":
    sys.exit(main())
