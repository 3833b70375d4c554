"""The unit of work: a chunk of whole conversations in, export rows and verdicts out.

The same :class:`ChunkScorer` runs in the main process (``--jobs 1``), in worker processes
and on Dask workers, and renders rows with the formatters' own ``export_tables``, so every
engine writes the bytes the in-memory path writes.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..audit import role_notes, score_conversation
from ..checklist import Checklist
from ..cues.finder import CueFinder
from ..formatters.csv_export import export_tables
from ..model import AuditResult, Conversation, LoadReport
from ..roles import RoleCheck

STREAMED_TABLES = ("turns.csv", "conversations.csv")   # one row per turn / conversation


@dataclass(frozen=True, slots=True)
class ScoredConversation:
    """What the totals need from one conversation."""
    agent_id: str
    score: float | None
    verdicts: tuple[str, ...]   # per behaviour, checklist order
    role_note: str | None = None   # the role check's note, as the summary lists it


@dataclass(slots=True)
class ChunkResult:
    rows: dict[str, str]        # table name -> CSV rows without the header
    conversations: list[ScoredConversation]
    turns: int


def partial_result(checklist: Checklist, results: list) -> AuditResult:
    return AuditResult(checklist.name, checklist.behaviour_ids, results, [], LoadReport(),
                       None, {})


def without_header(csv_text: str) -> str:
    return csv_text.split("\n", 1)[1]


class ChunkScorer:
    """A checklist's cue finder, with the corpus-level reply counts already in place."""

    def __init__(self, checklist: Checklist, reply_counts: dict[str, int],
                 finder: CueFinder | None = None, infer_roles: bool = False):
        self.checklist = checklist
        self.reply_counts = reply_counts
        self.infer_roles = infer_roles
        self._finder = finder
        self._role_check: RoleCheck | None = None
        if finder is not None:
            finder.use_reply_counts(reply_counts)

    def __getstate__(self):   # ship the inputs, not compiled regexes
        return {"checklist": self.checklist, "reply_counts": self.reply_counts,
                "infer_roles": self.infer_roles}

    def __setstate__(self, state):
        self.__init__(state["checklist"], state["reply_counts"],
                      infer_roles=state["infer_roles"])

    @property
    def role_check(self) -> RoleCheck:
        if self._role_check is None:
            self._role_check = RoleCheck(self.finder)
        return self._role_check

    @property
    def finder(self) -> CueFinder:
        if self._finder is None:
            self._finder = CueFinder(self.checklist)
            self._finder.use_reply_counts(self.reply_counts)
        return self._finder

    def __call__(self, conversations: list[Conversation]) -> ChunkResult:
        results = [score_conversation(self.finder, self.checklist, c, self.role_check,
                                      self.infer_roles) for c in conversations]
        tables = export_tables(partial_result(self.checklist, results))
        behaviours = self.checklist.behaviour_ids
        scored = [ScoredConversation(r.conversation.agent_id, r.score,
                                     tuple(r.verdicts[b].verdict for b in behaviours),
                                     next(iter(role_notes([r])), None))
                  for r in results]
        return ChunkResult({name: without_header(tables[name]) for name in STREAMED_TABLES},
                           scored, sum(len(c.turns) for c in conversations))
