"""The reference: the quick script a QA analyst would write instead of empathy-audit.

pandas ``iterrows`` over every turn, TextBlob sentiment on each customer turn, a few regexes
per agent turn, one row per conversation to a CSV. It is what the benchmark compares against;
it is deliberately plain, not deliberately slow.

    python benchmarks/reference.py corpus.jsonl out.csv
"""
from __future__ import annotations

import re
import sys

import pandas as pd
from textblob import TextBlob

APOLOGY = re.compile(r"\b(?:sorry|apologi[sz]e|apologies)\b", re.IGNORECASE)
ACKNOWLEDGE = re.compile(r"\b(?:understand|frustrat\w*|sorry to hear|that sounds)\b", re.IGNORECASE)
FOLLOW_UP = re.compile(r"\b(?:let (?:us|me) know|anything else|feel free|reach out)\b",
                       re.IGNORECASE)


def load_turns(path: str) -> pd.DataFrame:
    conversations = pd.read_json(path, lines=True)
    turns = conversations.explode("turns", ignore_index=True)
    details = pd.json_normalize(turns["turns"].tolist())
    return pd.concat([turns[["conversation_id", "agent_id"]], details[["speaker", "text"]]],
                     axis=1)


def score(turns: pd.DataFrame) -> pd.DataFrame:
    rows: dict[str, dict] = {}
    for _, turn in turns.iterrows():
        row = rows.setdefault(turn["conversation_id"], {
            "conversation_id": turn["conversation_id"], "agent_id": turn["agent_id"],
            "upset": False, "apology": False, "acknowledge": False, "follow_up": False})
        if turn["speaker"] == "customer":
            if TextBlob(turn["text"]).sentiment.polarity <= -0.5:
                row["upset"] = True
        elif turn["speaker"] == "agent":
            row["apology"] |= bool(APOLOGY.search(turn["text"]))
            row["acknowledge"] |= bool(ACKNOWLEDGE.search(turn["text"]))
            row["follow_up"] |= bool(FOLLOW_UP.search(turn["text"]))
    return pd.DataFrame(list(rows.values()))


def main(source: str, target: str) -> None:
    score(load_turns(source)).to_csv(target, index=False)


if __name__ == "__main__":
    main(*sys.argv[1:3])
