"""The export contract: the rows of turns.csv, conversations.csv and agents.csv.

Every machine format starts from these rows, so a column name lives in one place.
"""
from __future__ import annotations

from ..model import AGENT, AuditResult, ConversationResult, CueMatch


def fmt_score(score: float | None) -> str:
    return "" if score is None else f"{score:.1f}"


def fmt_rate(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.3f}"


def evidence_text(match: CueMatch) -> str:
    how = "" if match.how in ("words",) else f" ({match.how})"
    return f'{match.cue}[{match.start}:{match.end}]="{match.text}"{how}'


def conversation_rows(result: AuditResult) -> list[dict[str, str]]:
    return [{"conversation_id": r.conversation.conversation_id,
             "agent_id": r.conversation.agent_id,
             "turns": str(len(r.conversation.turns)),
             "score": fmt_score(r.score),
             **{b: r.verdicts[b].verdict for b in result.behaviours}}
            for r in result.conversations]


def agent_rows(result: AuditResult) -> list[dict[str, str]]:
    return [{"agent_id": a.agent_id, "conversations": str(a.conversations),
             "score": fmt_score(a.score),
             **{f"{b}_met_rate": fmt_rate(a.met_rates[b]) for b in result.behaviours}}
            for a in result.agents]


def turn_rows(result: AuditResult) -> list[dict[str, str]]:
    rows = []
    for r in result.conversations:
        met, missed = behaviours_by_turn(r)
        for turn, cues in zip(r.conversation.turns, r.cues):
            rows.append({
                "conversation_id": turn.conversation_id,
                "turn": turn.number,
                "speaker": turn.speaker + (" (inferred)" if turn.role_inferred else ""),
                "agent_id": turn.agent_id if turn.speaker == AGENT else r.conversation.agent_id,
                "text": turn.text,
                "cues": ";".join(dict.fromkeys(m.cue for m in cues)),
                "met": ";".join(met.get(turn.index, [])),
                "missed": ";".join(missed.get(turn.index, [])),
                "evidence": "; ".join(evidence_text(m) for m in cues),
                "source_file": turn.source,
                "source_line": str(turn.line),
            })
    return rows


def behaviours_by_turn(result: ConversationResult) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Turn index -> behaviours met there, and -> behaviours it should have shown and missed."""
    met: dict[int, list[str]] = {}
    missed: dict[int, list[str]] = {}
    for bid, verdict in result.verdicts.items():
        for i in verdict.met_turns:
            met.setdefault(i, []).append(bid)
        if verdict.verdict == "missed":
            for i in verdict.missed_turns:
                missed.setdefault(i, []).append(bid)
    return met, missed


def skipped_rows(result: AuditResult) -> list[dict[str, str]]:
    return [{"source_file": s.source, "source_line": str(s.line), "reason": s.reason}
            for s in result.report.skipped]


def summary_line(result: AuditResult) -> str:
    report = result.report
    skipped = len(report.skipped)
    line = (f"Read {len(report.files)} file(s), {result.conversation_count} conversation(s), "
            f"{result.turn_count} turn(s); skipped {skipped} row(s)")
    if skipped:
        reasons: dict[str, int] = {}
        for s in report.skipped:
            reasons[s.reason] = reasons.get(s.reason, 0) + 1
        line += ": " + ", ".join(f"{n} {reason}" for reason, n in sorted(reasons.items()))
    return line + "."
