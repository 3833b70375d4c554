"""The core entry point: transcripts + checklist -> AuditResult. No terminal code here."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from .checklist import Checklist, load_checklist
from .cues.finder import CueFinder
from .loading import load
from .model import (MET, MISSED, NA, AgentSummary, AuditResult, Conversation,
                    ConversationResult, LoadReport)
from .roles import RoleCheck
from .scoring import conversation_score, judge_conversation, mean, met_rate


def audit(paths: Iterable[str | Path], checklist: Checklist | str | Path | None = None, *,
          field_map: dict[str, str] | None = None, speaker_map: dict[str, str] | None = None,
          encoding: str = "utf-8-sig", ids_per_file: bool = False,
          progress: Progress | None = None, exclude: Iterable[str] = (),
          input_format: str | None = None, allow_empty: bool = True,
          infer_roles: bool = False) -> AuditResult:
    """Load transcripts and score them against a checklist (the bundled default if None).

    ``progress(scored, total, files)`` is called while scoring, for a progress display."""
    if not isinstance(checklist, Checklist):
        checklist = load_checklist(checklist)
    conversations, report = load(paths, field_map=field_map, speaker_map=speaker_map,
                                 encoding=encoding, ids_per_file=ids_per_file,
                                 exclude=exclude, input_format=input_format,
                                 allow_empty=allow_empty)
    return audit_conversations(conversations, checklist, report, progress=progress,
                               infer_roles=infer_roles)


Progress = Callable[[int, int, int], None]
PROGRESS_EVERY = 50


def audit_conversations(conversations: Sequence[Conversation], checklist: Checklist,
                        report: LoadReport | None = None, *,
                        progress: Progress | None = None,
                        infer_roles: bool = False) -> AuditResult:
    report = report or LoadReport()
    finder = CueFinder(checklist)
    finder.prepare(conversations)
    role_check = RoleCheck(finder)
    results = []
    for conversation in conversations:
        results.append(score_conversation(finder, checklist, conversation, role_check,
                                          infer_roles))
        if progress and (len(results) % PROGRESS_EVERY == 0 or len(results) == len(conversations)):
            progress(len(results), len(conversations), len(report.files))
    return summarize(checklist, results, report)


def score_conversation(finder: CueFinder, checklist: Checklist, conversation: Conversation,
                       role_check: RoleCheck | None = None,
                       infer_roles: bool = False) -> ConversationResult:
    """Cues and verdicts of one conversation; with ``role_check``, its roles checked (and
    named first among speaker numbers when ``infer_roles``)."""
    role_note = None
    if role_check and infer_roles:
        conversation, role_note = role_check.infer(conversation)
    words = [] if role_check else None
    cues = finder.find(conversation, words)
    verdicts = judge_conversation(checklist, conversation, cues)
    if role_check:
        role_note = role_check.check(conversation, words) or role_note
    return ConversationResult(conversation, cues, verdicts,
                              conversation_score(checklist, verdicts), role_note)


def role_notes(results) -> list[str]:
    """One note per conversation whose roles look wrong, in input order."""
    return [f"role check: conversation {r.conversation.conversation_id!r} "
            f"({r.conversation.source}:{r.conversation.line}): {r.role_note}"
            for r in results if r.role_note]


def summarize(checklist: Checklist, results: list[ConversationResult],
              report: LoadReport) -> AuditResult:
    behaviours = checklist.behaviour_ids
    by_agent: dict[str, list[ConversationResult]] = {}
    for result in results:
        by_agent.setdefault(result.conversation.agent_id, []).append(result)
    agents = [AgentSummary(agent_id, len(rs), mean([r.score for r in rs]),
                           {b: met_rate([r.verdicts[b].verdict for r in rs]) for b in behaviours})
              for agent_id, rs in sorted(by_agent.items())]
    counts = {b: {v: sum(r.verdicts[b].verdict == v for r in results) for v in (MET, MISSED, NA)}
              for b in behaviours}
    report.notes.extend(role_notes(results))
    return AuditResult(checklist.name, behaviours, results, agents, report,
                       mean([r.score for r in results]), counts)
