"""Conversation verdicts from turn labels, by the rubric's table as ../shared/annotation.md
applies it ("From turn cues to verdicts"). This is how `labels-train.csv` follows from
`labels-turns.csv` (tests/test_label_verdicts.py checks it on the study set), and how
`labels-turns-own-verdicts.csv` follows from `labels-turns-own.csv`:

    cd tests/labels && python verdicts.py labels-turns-own.csv > labels-turns-own-verdicts.csv
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

BEHAVIOURS = ("acknowledge", "be_present", "return_to_solving", "apologize", "follow_up")
Turn = tuple[str, frozenset[str]]   # speaker, cues


def read(path: Path) -> dict[str, list[Turn]]:
    """conversation id -> its labelled turns, in order."""
    by_id: dict[str, dict[int, Turn]] = {}
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            cues = frozenset(c for c in row["cues"].split(";") if c)
            by_id.setdefault(row["conversation_id"], {})[int(row["turn"])] = (row["speaker"], cues)
    return {cid: [turns[i] for i in sorted(turns)] for cid, turns in by_id.items()}


def verdicts(turns: list[Turn]) -> dict[str, str]:
    agent = [i for i, (speaker, _) in enumerate(turns) if speaker == "agent"]
    customer_shows = [cues for speaker, cues in turns if speaker == "customer"]

    def first_customer(cue: str) -> int | None:
        return next((i for i, (s, cues) in enumerate(turns) if s == "customer" and cue in cues),
                    None)

    def shows(i: int, cue: str) -> bool:
        return cue in turns[i][1]

    result = {}
    distress = first_customer("distress")
    replies = [i for i in agent if i > (distress if distress is not None else len(turns))]
    result["acknowledge"] = "n/a" if not replies else \
        ("met" if shows(replies[0], "acknowledgement") else "missed")
    answers = [i for i in agent if i > 0 and turns[i - 1][0] == "customer"]
    result["be_present"] = "n/a" if not answers else \
        ("met" if 2 * sum(shows(i, "specific") for i in answers) >= len(answers) else "missed")
    request = any("request" in cues for cues in customer_shows)
    acknowledged = next((i for i in agent if shows(i, "acknowledgement")), -1)
    result["return_to_solving"] = "n/a" if not request else \
        ("met" if any(shows(i, "next_step") for i in agent if i >= acknowledged) else "missed")
    problem = first_customer("problem")
    after = [i for i in agent if i > (problem if problem is not None else len(turns))]
    result["apologize"] = "n/a" if not after else \
        ("met" if any(shows(i, "apology") for i in after) else "missed")
    result["follow_up"] = "n/a" if not request else \
        ("met" if any(shows(i, "follow_up") for i in agent) else "missed")
    return result


def main(path: str) -> None:
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(("conversation_id",) + BEHAVIOURS)
    for cid, turns in sorted(read(Path(path)).items()):
        found = verdicts(turns)
        out.writerow([cid] + [found[b] for b in BEHAVIOURS])


if __name__ == "__main__":
    main(sys.argv[1])
