"""Shared fixtures: the real spaCy model (loaded once), the bundled sample articles and their gold."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "articles"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def nlp():
    from onrecord.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def sample_paths() -> list[Path]:
    return sorted(EXAMPLES.glob("*.txt"))


@pytest.fixture(scope="session")
def sample_texts(sample_paths) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sample_paths}


@pytest.fixture(scope="session")
def seed_gold() -> list[dict]:
    with open(FIXTURES / "seed_quotes.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
