"""The tables of `report`: one scorecard per agent, summary.csv and summary.xlsx.

Everything is read off one AuditResult; nothing is recomputed but sums and shares of the
verdicts already there. Cells are made spreadsheet-safe in the CSVs and in the workbook.
"""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import datetime

import pandas as pd

from ..model import MET, MISSED, NA, AgentSummary, AuditResult, ConversationResult
from ..scoring import rate
from . import records
from .csv_export import safe_cell, to_csv

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
             *(f"lpt{i}" for i in range(1, 10))}
_MAX_STEM = 80
_FIXED_TIME = datetime(2000, 1, 1)  # workbook metadata: fixed, so the file is reproducible


def _stem(agent_id: str) -> str:
    stem = _UNSAFE_NAME.sub("_", agent_id).strip("._")[:_MAX_STEM] or "agent"
    return f"{stem}_" if stem.lower() in _RESERVED else stem


def scorecard_names(agent_ids: list[str]) -> dict[str, str]:
    """Agent id -> file name, safe on every file system and unique even ignoring case.

    Ids whose cleaned names collide all get a short hash of the original id, so the name
    of one agent's file never depends on which other agents are in the run."""
    stems = {agent_id: _stem(agent_id) for agent_id in agent_ids}
    taken: dict[str, int] = {}
    for stem in stems.values():
        taken[stem.lower()] = taken.get(stem.lower(), 0) + 1
    names = {}
    for agent_id, stem in stems.items():
        if taken[stem.lower()] > 1:
            stem += "-" + hashlib.sha1(agent_id.encode("utf-8")).hexdigest()[:8]
        names[agent_id] = f"{stem}.csv"
    return names


def by_agent(result: AuditResult) -> dict[str, list[ConversationResult]]:
    grouped: dict[str, list[ConversationResult]] = {a.agent_id: [] for a in result.agents}
    for r in result.conversations:
        grouped.setdefault(r.conversation.agent_id, []).append(r)
    return grouped


def _verdict_total(results: list[ConversationResult], behaviour: str) -> str:
    verdicts = [r.verdicts[behaviour].verdict for r in results]
    met, missed = verdicts.count(MET), verdicts.count(MISSED)
    if not met + missed:
        return "n/a"
    return f"{met}/{met + missed} met ({met / (met + missed):.0%})"


def scorecard_csv(result: AuditResult, agent: AgentSummary,
                  conversations: list[ConversationResult]) -> str:
    rows = [{"conversation_id": r.conversation.conversation_id,
             "turns": str(len(r.conversation.turns)), "score": records.fmt_score(r.score),
             **{b: r.verdicts[b].verdict for b in result.behaviours}} for r in conversations]
    rows.append({"conversation_id": f"TOTAL ({agent.conversations} conversations)",
                 "turns": str(sum(len(r.conversation.turns) for r in conversations)),
                 "score": records.fmt_score(agent.score),
                 **{b: _verdict_total(conversations, b) for b in result.behaviours}})
    return to_csv(rows, ["conversation_id", "turns", "score", *result.behaviours])


def scorecards(result: AuditResult) -> dict[str, str]:
    """'scorecards/<safe name>' -> CSV text, one per agent."""
    names = scorecard_names([a.agent_id for a in result.agents])
    grouped = by_agent(result)
    return {f"scorecards/{names[a.agent_id]}": scorecard_csv(result, a, grouped[a.agent_id])
            for a in result.agents}


def agents_frame(result: AuditResult) -> pd.DataFrame:
    names = scorecard_names([a.agent_id for a in result.agents])
    rows = [{"agent_id": a.agent_id, "conversations": a.conversations,
             "score": _rounded(a.score),
             **{f"{b}_met_rate": _rounded(a.met_rates[b], 3) for b in result.behaviours},
             "scorecard": f"scorecards/{names[a.agent_id]}"} for a in result.agents]
    columns = ["agent_id", "conversations", "score",
               *(f"{b}_met_rate" for b in result.behaviours), "scorecard"]
    return pd.DataFrame(rows, columns=columns)


def behaviours_frame(result: AuditResult) -> pd.DataFrame:
    rows = []
    for b in result.behaviours:
        counts = result.behaviour_counts[b]
        met_rate = rate(counts[MET], counts[MISSED])
        rows.append({"behaviour": b, "met": counts[MET], "missed": counts[MISSED],
                     "n/a": counts[NA],
                     "met_rate": None if met_rate is None else round(met_rate, 3)})
    return pd.DataFrame(rows, columns=["behaviour", "met", "missed", "n/a", "met_rate"])


def conversations_frame(result: AuditResult) -> pd.DataFrame:
    rows = [{"conversation_id": r.conversation.conversation_id,
             "agent_id": r.conversation.agent_id, "turns": len(r.conversation.turns),
             "score": _rounded(r.score), **{b: r.verdicts[b].verdict for b in result.behaviours}}
            for r in result.conversations]
    return pd.DataFrame(rows, columns=["conversation_id", "agent_id", "turns", "score",
                                       *result.behaviours])


def _rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def summary_csv(result: AuditResult) -> str:
    """The agents view as CSV: one row per agent, the same columns as the workbook's sheet."""
    frame = agents_frame(result).astype(object).where(lambda f: f.notna(), "")
    rows = [{k: _cell_text(v) for k, v in row.items()} for row in frame.to_dict("records")]
    return to_csv(rows, list(frame.columns))


def _cell_text(value) -> str:
    if isinstance(value, float):
        return f"{value:g}" if value == int(value) else repr(value)
    return str(value)


def summary_xlsx(result: AuditResult) -> bytes:
    """Sheets agents, behaviours, conversations; text cells neutralised against formulas."""
    buffer = io.BytesIO()
    sheets = {"agents": agents_frame(result), "behaviours": behaviours_frame(result),
              "conversations": conversations_frame(result)}
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            _safe_frame(frame).to_excel(writer, sheet_name=name, index=False)
        writer.book.properties.created = _FIXED_TIME
        writer.book.properties.modified = _FIXED_TIME
    return _fixed_zip_times(buffer.getvalue())


def _safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(lambda v: _sheet_text(v) if isinstance(v, str) else v)
    return safe


def _sheet_text(value: str) -> str:
    """Formula-safe, and the control characters a workbook cannot hold shown as \\xNN."""
    value = _NOT_IN_WORKBOOKS.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return safe_cell(value)


_NOT_IN_WORKBOOKS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")   # openpyxl refuses them


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite the xlsx zip with fixed entry times and a fixed 'modified' property (openpyxl
    stamps the time of saving): same result, same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
            target.writestr(entry, content)
    return out.getvalue()
