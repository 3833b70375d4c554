"""The frozen split of the turn-labelled conversations into a study set and a held-out set.

A conversation is held out when the first 8 hex digits of the SHA-256 of its id, read as an
integer, are 0 modulo 3 (about a third). The rule was fixed, and `heldout.txt` written from
it, before anyone looked at the labels. Run this file to check that `heldout.txt` still
follows the rule; never edit either by hand.
"""
from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
HELDOUT_FILE = HERE / "heldout.txt"


def is_heldout(conversation_id: str) -> bool:
    digest = hashlib.sha256(conversation_id.encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % 3 == 0


def heldout_ids() -> frozenset[str]:
    lines = HELDOUT_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def labelled_ids(turn_labels: Path) -> list[str]:
    with turn_labels.open(newline="", encoding="utf-8") as f:
        return sorted({row["conversation_id"] for row in csv.DictReader(f)})


if __name__ == "__main__":
    labels = Path(sys.argv[1]) if len(sys.argv) > 1 else \
        HERE.parents[1].parent / "shared" / "data" / "customer-care" / "labels-turns.csv"
    ids = labelled_ids(labels)
    held = [i for i in ids if is_heldout(i)]
    if "--write" in sys.argv:
        HELDOUT_FILE.write_text("# held-out conversations of labels-turns.csv (tests/labels/split.py)\n"
                                + "".join(f"{i}\n" for i in held), encoding="utf-8")
    print(f"{len(ids)} conversations, {len(held)} held out, {len(ids) - len(held)} to study")
    assert set(held) == heldout_ids(), "heldout.txt no longer follows the rule"
