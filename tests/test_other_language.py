"""An English model reads no other language: an article stored with ``any_language`` in a language the check
recognises yields no quote, stance or entity, while an English one beside it is analysed (issue 23). Real model."""
from __future__ import annotations

import onrecord
from onrecord.ingest.language import other_language
from onrecord.pipeline import ingest_articles
from onrecord.store import Store

ITALIAN = ("Il governo\n\nIl ministro ha detto che il piano sarà presentato domani, e che la riforma non è in "
           "discussione per il momento.\n\n«Non cambieremo idea», ha detto il ministro della giustizia ai "
           "giornalisti.\n")
ENGLISH = "Schools\n\nMayor Anna Lopez said the city would hire forty new teachers next year.\n"


def test_other_language_names_only_a_recognised_language():
    assert other_language(ITALIAN) == "it"
    assert other_language(ENGLISH) is None and other_language("Short text.") is None


def test_an_article_in_another_language_is_stored_but_not_analysed(tmp_path):
    db = tmp_path / "t.db"
    with Store(str(db)) as store:
        ingest_articles([{"text": ITALIAN, "source": "it"}, {"text": ENGLISH, "source": "en"}], store,
                        any_language=True, workers=1)
    with onrecord.open(db, readonly=True) as api:
        src = dict(api.conn.execute("SELECT id, source FROM articles").fetchall())
        assert sorted(src.values()) == ["en", "it"]
        by_source = {src[q.article_id] for q in api.all_quotes()}
        assert by_source == {"en"}
        assert not api.conn.execute("SELECT COUNT(*) FROM stances WHERE article_id IN "
                                    "(SELECT id FROM articles WHERE source = 'it')").fetchone()[0]
