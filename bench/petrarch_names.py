#!/usr/bin/env python3
"""Write src/onrecord/data/name_variants.tsv from the PETRARCH2 / Phoenix actor dictionaries (MIT): each person's
other full names that are still a person's name and not one the linker already joins by its own rules.

    python bench/petrarch_names.py ../shared/kb/petrarch2 [--out src/onrecord/data/name_variants.tsv]

An actor entry is a primary name line (``BILL_CLINTON_``), its ``+`` variants and tab-indented dated roles
(``[USAGOV 930120-010120]``); an entry with a dated role and no code of its own (``AFGHANISTAN_ [AFG]`` is a
country) is a person. A variant is kept when it is two words or more, holds no title, nationality, country or
article ("PRESIDENT_CLINTON", "US_PRESIDENT_BILL_CLINTON", "THE_CLINTON_ADMINISTRATION" are left out), shares a
word with the primary name, and is neither the same name nor a variant the linker joins anyway (middle names,
initials, nicknames.tsv, close spellings); a variant written under two entries is left out everywhere (it cannot
say which person it is). The file is user-editable afterwards: the linker reads it, never the dictionaries.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FILES = ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt")
HEADER = """\
# onrecord name variants: one person's other full names, tab-separated: the name, its variants separated by "|",
# and where the row came from. The linker joins people written under any two of a row's names, and says so
# (`onrecord entity NAME --json`, "joins"); `onrecord split NAME VARIANT` undoes a join. Rows marked petrarch2 were
# read from the PETRARCH2 / Phoenix actor dictionaries (MIT, CREDITS.md) by bench/petrarch_names.py: only variants
# the linker's own rules (middle names, initials, nicknames.tsv, close spellings) do not already join. Edit freely.
name\tvariants\tsource
"""


def entries(path: Path) -> list[tuple[str, list[str]]]:
    """The person entries of one actor dictionary: (primary name, variants), in PETRARCH2's spelling."""
    out: list[tuple[str, list[str]]] = []
    primary: str | None = None
    variants: list[str] = []
    dated = False

    def close() -> None:
        if primary and dated:
            out.append((primary, variants))

    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if raw[:1] in ("\t", " "):
            dated = dated or bool(re.match(r"\s*\[[A-Z]{3,}", raw))
        elif line.startswith("+"):
            variants.append(line[1:].strip())
        else:
            close()
            coded = "[" in line
            primary, variants, dated = (None if coded else line.strip()), [], False
    close()
    return out


def display(actor: str) -> str:
    """``MUAMMAR_EL-QADDAFI_`` -> ``Muammar El-Qaddafi``."""
    words = [w for w in actor.strip("_").split("_") if w]
    return " ".join("-".join(p[:1].upper() + p[1:].lower() for p in w.split("-")) for w in words)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("petrarch", help="the folder of the PETRARCH2 dictionaries")
    ap.add_argument("--out", default=str(REPO / "src" / "onrecord" / "data" / "name_variants.tsv"))
    args = ap.parse_args()
    sys.path.insert(0, str(REPO / "src"))
    from onrecord import data
    from onrecord.analyse.entities.roles import NATIONALITIES, name_key
    from onrecord.link.entities import core_key, similar_names, variant_names

    banned = set(data.words("titles")) | set(data.words("honorifics")) | set(NATIONALITIES) | {
        name_key(c) for c in data.countries()} | set(data.demonyms()) | {
        "the", "of", "administration", "government", "regime", "us", "u s", "uk", "un", "american", "cabinet",
        "office", "party", "forces", "army", "family", "spokesman", "spokeswoman", "aide", "adviser", "envoy",
        "ambassador", "official", "deputy", "vice", "foreign", "defense", "defence", "state", "interior", "head",
        "chief", "emir", "sultan", "shah", "crown", "ex", "mr", "mrs", "ms", "dr", "brigade", "brigades", "liwa",
        "front", "movement", "battalion", "congress", "council", "committee", "union", "league", "jabhat",
        "harakat", "katibat", "ansar", "group", "militia", "faction"}
    for key in ("group_nouns", "institution_nouns", "generic_orgs", "group_heads"):
        banned |= set(data.words(key))
    rows: list[tuple[str, list[str]]] = []
    for name in FILES:
        for primary, variants in entries(Path(args.petrarch) / name):
            person = display(primary)
            pkey = core_key(name_key(person))
            if len(pkey.split()) < 2 or set(pkey.split()) & banned:
                continue
            kept = []
            for v in variants:
                shown = display(v)
                key = core_key(name_key(shown))
                words = key.split()
                if len(words) < 2 or set(words) & banned or re.search(r'[0-9"]', v) or key == pkey:
                    continue
                if not set(words) & set(pkey.split()):
                    continue
                if variant_names(pkey, key) or similar_names(pkey, key) or any(len(w) == 1 for w in words[:1]):
                    continue
                kept.append(shown)
            rows.append((person, kept))
    owners: dict[str, set[str]] = defaultdict(set)  # a name's key -> the entries writing it
    for person, kept in rows:
        pkey = core_key(name_key(person))
        for shown in [person, *kept]:
            owners[core_key(name_key(shown))].add(pkey)
    lines, seen = [], set()
    for person, kept in rows:
        pkey = core_key(name_key(person))
        if pkey in seen or len(owners[pkey]) > 1:
            continue
        good = sorted({v for v in kept if len(owners[core_key(name_key(v))]) == 1}, key=str.lower)
        if good:
            seen.add(pkey)
            lines.append(f"{person}\t{'|'.join(good)}\tpetrarch2")
    Path(args.out).write_text(HEADER + "\n".join(sorted(lines, key=str.lower)) + "\n", encoding="utf-8")
    print(f"{len(lines)} people with {sum(line.split(chr(9))[1].count('|') + 1 for line in lines)} variants "
          f"-> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
