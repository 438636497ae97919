"""The bundled lexicons and knowledge tables (src/onrecord/data, docs/data.md): every file parses through the one
loader, no key has two values within a file or across files, and every file is documented."""
from __future__ import annotations

from pathlib import Path

import pytest

from onrecord import data
from onrecord.analyse.entities.roles import load_kb
from onrecord.errors import DataFileError

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "onrecord" / "data"


@pytest.fixture(autouse=True)
def fresh():
    """Each test reads the files again (and a test that patches one leaves no parsed copy behind)."""
    data.reload()
    yield
    data.reload()


def test_every_file_parses():
    assert {"say", "tell", "accuse"} <= set(data.cue_classes()) and data.cue_classes()["say"] == {"speech"}
    assert {"condemn", "urge", "praise"} <= set(data.stance_labels())
    assert "regime" in data.loaded_terms()
    assert any(r.role == "Prime Minister" and r.holder == "Theresa May" for r in data.role_rows())
    assert {"Iran", "United Kingdom"} <= set(data.countries())
    assert data.demonyms()["syrian"] == "Syria"
    assert data.nicknames()["bill"] == data.nicknames()["william"] == "william"
    assert {"titles", "person_roles", "group_nouns", "positive", "negative"} <= set(data.word_lists())
    assert all(w == w.lower() and w.strip() == w and w for ws in data.word_lists().values() for w in ws)
    table = data.stance_confidence_model()
    assert table["levels"][0] == ["holder"] and table["global"][0] >= table["global"][1] > 0
    assert all(n >= right >= 0 for kinds in table["kinds"].values() for n, right in kinds.values())
    model = data.attribution_model()
    assert model["weights"] and model["span_weights"] and 0 < model["threshold"] < 1
    assert load_kb().phrases["pm"] == "Prime Minister"


def test_every_bundled_file_is_read_by_the_loader_and_documented():
    docs = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    loaded = {"cues.txt", "stance_labels.tsv", "loaded_terms.txt", "roles.tsv", "metonyms.tsv", "countries.txt",
              "demonyms.tsv", "words.toml", "attribution_model.json", "stance_confidence.json", "tone_model.json",
              "tone_lexicon.tsv", "nicknames.tsv", "name_variants.tsv", "speaker_confidence.json", "outlets.tsv",
              "datasette.json", "reported_confidence.json", "speaker_ranker.json"}
    bundled = {p.name for p in DATA.iterdir() if p.is_file() and p.suffix != ".py" and p.name != "CREDITS.md"}
    assert bundled == loaded
    for name in loaded:
        assert f"`{name}`" in docs, f"docs/data.md does not describe {name}"
    for key in data.word_lists():
        assert f"`{key}`" in docs, f"docs/data.md does not list the word list [{key}]"


def test_no_mention_stands_for_two_things():
    """metonyms.tsv and demonyms.tsv agree where they share a key ("US" is the United States in both), and
    everything they point at is a known country or an entity of the metonym table."""
    metonyms = {m.mention.lower(): m for m in data.metonyms()}
    countries = set(data.countries())
    targets = {m.target for m in data.metonyms()}
    for word, country in data.demonyms().items():
        if word in metonyms:
            assert metonyms[word].target == country, (word, country, metonyms[word])
        assert country in countries or country in targets, f"demonyms.tsv: {word} -> unknown {country}"
    for m in data.metonyms():
        if m.type == "country":
            assert m.target in countries, f"metonyms.tsv: {m.mention} -> {m.target}, not in countries.txt"
        if m.mention in countries:
            assert m.type == "country", f"metonyms.tsv: the country {m.mention} as a {m.type}"
    assert metonyms["downing street"].target == metonyms["number 10"].target == "Prime Minister's Office (UK)"


def test_no_role_has_two_canonical_names():
    canon: dict[str, str] = {}
    for r in data.role_rows():
        assert canon.setdefault(r.role.lower(), r.role) == r.role, f"roles.tsv: {r.role} and {canon[r.role.lower()]}"
        for p in r.phrases:
            assert p == p.lower().strip()


def test_word_lists_do_not_contradict_each_other():
    w = data.words
    assert not w("positive") & (w("negative") | w("strong_negative"))
    assert w("honorifics") <= w("titles")  # a form of address is also stripped from a name
    assert not w("group_nouns") & w("person_roles")  # a plural group is not one person by role


def test_a_key_given_two_values_is_an_error_naming_the_file_and_line(monkeypatch):
    text = ("# test\nmention\ttarget\ttype\tscope\nDowning Street\tUnited Kingdom\tcountry\n"
            "Downing Street\tPrime Minister's Office (UK)\torganisation\n")
    monkeypatch.setattr(data, "read", lambda name: text)
    with pytest.raises(DataFileError, match=r"metonyms.tsv, line 4: 'downing street'") as err:
        data.metonyms()
    assert err.value.code == "E700"
    rows = "role\tholder\tfrom\tto\tphrases\tsource\nPrime Minister\tA\t\t\tpm\t\nPresident\tB\t\t\tpm\t\n"
    with pytest.raises(DataFileError, match="line 3: 'pm' is 'President' here but 'Prime Minister' on line 2"):
        data.parse_roles(rows)


def test_a_malformed_line_is_an_error(monkeypatch):
    monkeypatch.setattr(data, "read", lambda name: "say speech\nwhisper\n")
    with pytest.raises(DataFileError, match=r"cues.txt, line 2"):
        data.cue_classes()
    monkeypatch.setattr(data, "read", lambda name: "[titles]\nwords = [\"mr\"]\n")
    with pytest.raises(DataFileError, match=r"\[titles\] needs help"):
        data.word_lists()
    with pytest.raises(DataFileError, match=r"the list \[nonsense\] is missing"):
        monkeypatch.setattr(data, "read", lambda name: "[titles]\nhelp = \"x\"\nwords = [\"mr\"]\n")
        data.words("nonsense")


def test_reload_reads_an_edited_file_again(monkeypatch):
    assert "pm" in load_kb().phrases
    monkeypatch.setattr(data, "read", lambda name: "role\tholder\tfrom\tto\tphrases\tsource\nMayor\tX\t\t\tmayor\t\n")
    assert "pm" in load_kb().phrases  # parsed once per process
    data.reload()
    assert set(load_kb().phrases) == {"mayor"}
