"""Recall per kind and false positives of `redact` on the snippet corpora
(tests/fixtures/redaction/snippets.yaml, written with the patterns, and held_out.yaml,
written after them): the figures the README quotes.

    python benchmarks/redaction_recall.py
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from empathy_audit.redaction import ConversationRedactor  # noqa: E402

CORPORA = ROOT / "tests" / "fixtures" / "redaction"
SNIPPETS = CORPORA / "snippets.yaml"
HELD_OUT = CORPORA / "held_out.yaml"


def redact_turns(turns: list[tuple[str | None, str]]) -> list[str]:
    redactor = ConversationRedactor()
    redactor.learn_turns(turns)
    return [redactor.redact(text) for _, text in turns]


def snippet_turns(snippet: dict) -> list[tuple[str | None, str]]:
    if "turns" in snippet:
        return [tuple(t) for t in snippet["turns"]]
    return [("customer", snippet["text"])]


def missed(snippet: dict) -> list[str]:
    """The snippet's secrets still present after redaction (any case)."""
    out = " \n ".join(redact_turns(snippet_turns(snippet))).lower()
    return [s for s in snippet["secrets"] if s.lower() in out]


def load(path: Path = SNIPPETS) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def measure(corpus: dict) -> tuple[dict[str, tuple[int, int]], list[str]]:
    """{kind: (found, total)}, and the negatives that redaction changed."""
    recall = {kind: (sum(not missed(s) for s in snippets), len(snippets))
              for kind, snippets in corpus["positives"].items()}
    changed = [text for text in corpus["negatives"]
               if redact_turns([("customer", text)])[0] != text]
    return recall, changed


def main() -> None:
    for path in (SNIPPETS, HELD_OUT):
        corpus = load(path)
        recall, changed = measure(corpus)
        found = sum(f for f, _ in recall.values())
        total = sum(t for _, t in recall.values())
        print(path.name)
        for kind, (f, t) in recall.items():
            print(f"  {kind:10} {f:3}/{t:<3} {f / t:.2f}")
        print(f"  {'all':10} {found:3}/{total:<3} {found / total:.2f}")
        print(f"  false positives: {len(changed)} of {len(corpus['negatives'])} ordinary "
              f"snippets changed")
        for text in changed:
            print("    ", text)


if __name__ == "__main__":
    main()
