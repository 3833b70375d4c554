"""report.html: one self-contained page (inline CSS, SVG and a little JS, no network).

Built from one AuditResult. Every piece of transcript text and every id goes through
``html.escape``. Sizes are capped so 10,000 conversations still make a page a browser opens
at once: the charts summarize (one row per agent, ten score bins, one bar per behaviour) and
only the lowest-scoring conversations get a turn-by-turn view.
"""
from __future__ import annotations

from html import escape

from ..model import AGENT, CUSTOMER, MET, MISSED, NA, AuditResult, ConversationResult, CueMatch
from . import ordering, records
from .report_tables import scorecard_names

MAX_AGENTS_IN_CHART = 100
MAX_LOWEST = 100
PAGE_SIZE = 20
MAX_TURNS_SHOWN = 200


def render_html(result: AuditResult) -> str:
    lowest = lowest_conversations(result, MAX_LOWEST)
    body = "\n".join([
        _header(result), _headline(result),
        _section("agents", "Met rate per behaviour, per agent", _agent_heatmap(result)),
        _section("distribution", "Score distribution", _score_histogram(result)),
        _section("missed", "Most-missed behaviours", _missed_bars(result)),
        _section("lowest", "Lowest-scoring conversations", _lowest_table(result, lowest)),
        '<div id="conversations">',
        *(_conversation_view(result, r, n) for n, r in enumerate(lowest, 1)),
        "</div>",
    ])
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="icon" href="data:,"><title>Empathy audit report</title>'
            f"<style>{CSS}</style></head>\n<body>\n{body}\n<script>{SCRIPT}</script>\n"
            f"</body></html>\n")


def lowest_conversations(result: AuditResult, limit: int) -> list[ConversationResult]:
    """Scored conversations, lowest score first, then most behaviours missed, then by id;
    unscored ones (nothing applied) are left out."""
    ordered = ordering.worst_conversations_first(result)
    return [r for r in ordered if r.score is not None][:limit]


def _section(anchor: str, title: str, content: str) -> str:
    return f'<section id="{anchor}"><h2>{escape(title)}</h2>\n{content}\n</section>'


def _header(result: AuditResult) -> str:
    files = ", ".join(result.report.files[:5])
    more = f" and {len(result.report.files) - 5} more" if len(result.report.files) > 5 else ""
    return (f"<header><h1>Empathy audit</h1><p>Checklist <b>{escape(result.checklist_name)}</b>"
            f" · {escape(files)}{escape(more)}</p></header>")


def _headline(result: AuditResult) -> str:
    scored = sum(r.score is not None for r in result.conversations)
    figures = [("overall score", records.fmt_score(result.overall_score) or "n/a"),
               ("conversations", f"{len(result.conversations):,}"),
               ("scored", f"{scored:,}"), ("agents", f"{len(result.agents):,}"),
               ("turns", f"{result.turn_count:,}"),
               ("rows skipped", f"{len(result.report.skipped):,}")]
    cards = "".join(f'<div class="figure"><span class="value">{escape(value)}</span>'
                    f'<span class="label">{escape(label)}</span></div>'
                    for label, value in figures)
    return f'<section id="headline" class="figures">{cards}</section>'


def _rate_colour(rate: float | None) -> str:
    if rate is None:
        return "#eeeeee"
    return f"hsl({round(rate * 120)}, 65%, 72%)"


def _agent_heatmap(result: AuditResult) -> str:
    agents = sorted(result.agents, key=lambda a: (a.score is None, a.score or 0.0, a.agent_id))
    shown = agents[:MAX_AGENTS_IN_CHART]
    names = scorecard_names([a.agent_id for a in result.agents])
    label_w, cell_w, cell_h, top = 230, 96, 20, 40
    width = label_w + cell_w * (len(result.behaviours) + 1)
    height = top + cell_h * len(shown) + 4
    parts = [f'<svg class="chart" id="agent-chart" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f'<text x="{label_w - 8}" y="{top - 12}" text-anchor="end" class="axis">agent (score)</text>']
    for col, b in enumerate([*result.behaviours, "conversations"]):
        x = label_w + col * cell_w + cell_w / 2
        parts.append(f'<text x="{x}" y="{top - 12}" text-anchor="middle" class="axis">{escape(b)}</text>')
    for row, agent in enumerate(shown):
        y = top + row * cell_h
        score = records.fmt_score(agent.score) or "n/a"
        parts.append(f'<a href="scorecards/{escape(names[agent.agent_id])}">'
                     f'<text x="{label_w - 8}" y="{y + 14}" text-anchor="end" class="link">'
                     f'{escape(_shorten(agent.agent_id, 26))} ({score})</text></a>')
        for col, b in enumerate(result.behaviours):
            rate = agent.met_rates[b]
            shown_rate = "–" if rate is None else f"{rate:.0%}"
            x = label_w + col * cell_w
            parts.append(f'<g class="cell"><rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" '
                         f'height="{cell_h - 2}" fill="{_rate_colour(rate)}"><title>'
                         f'{escape(agent.agent_id)} · {escape(b)}: {shown_rate}</title></rect>'
                         f'<text x="{x + cell_w / 2}" y="{y + 14}" text-anchor="middle">'
                         f'{shown_rate}</text></g>')
        x = label_w + len(result.behaviours) * cell_w + cell_w / 2
        parts.append(f'<text x="{x}" y="{y + 14}" text-anchor="middle" class="axis">'
                     f'{agent.conversations:,}</text>')
    parts.append("</svg>")
    note = ""
    if len(agents) > len(shown):
        note = (f'<p class="note">The {len(shown)} lowest-scoring of {len(agents):,} agents; '
                f"every agent is in summary.csv and has a scorecard.</p>")
    legend = ('<p class="note">Share of the conversations where the behaviour applied that met '
              "it; red is low, green high, grey means it never applied. Lowest scores first; "
              "each agent's name opens their scorecard.</p>")
    return legend + note + '<div class="scroll">' + "".join(parts) + "</div>"


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def score_bins(result: AuditResult) -> tuple[list[int], int]:
    """Counts of conversation scores in ten bins of 10 points (100 in the last), and n/a."""
    bins = [0] * 10
    unscored = 0
    for r in result.conversations:
        if r.score is None:
            unscored += 1
        else:
            bins[min(int(r.score // 10), 9)] += 1
    return bins, unscored


def _score_histogram(result: AuditResult) -> str:
    bins, unscored = score_bins(result)
    bar_w, chart_h, left, top = 56, 180, 40, 20
    width, height = left + bar_w * 10 + 10, top + chart_h + 40
    peak = max(bins) or 1
    parts = [f'<svg class="chart" id="score-chart" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f'<line x1="{left}" y1="{top + chart_h}" x2="{width - 10}" y2="{top + chart_h}" class="rule"/>']
    for i, count in enumerate(bins):
        h = round(chart_h * count / peak)
        x, y = left + i * bar_w, top + chart_h - h
        label = f"{i * 10}–{i * 10 + 10 if i < 9 else 100}"
        parts.append(f'<g class="bar"><rect x="{x + 3}" y="{y}" width="{bar_w - 6}" height="{h}" '
                     f'fill="{_rate_colour((i + 0.5) / 10)}"><title>score {label}: {count:,} '
                     f'conversations</title></rect>'
                     f'<text x="{x + bar_w / 2}" y="{y - 4}" text-anchor="middle">{count:,}</text>'
                     f'<text x="{x + bar_w / 2}" y="{top + chart_h + 16}" text-anchor="middle" '
                     f'class="axis">{label}</text></g>')
    parts.append(f'<text x="{left}" y="{height - 4}" class="axis">score (0-100) · '
                 f"{unscored:,} conversation(s) where nothing applied are not scored</text></svg>")
    return "".join(parts)


def _missed_bars(result: AuditResult) -> str:
    rows = sorted(result.behaviours,
                  key=lambda b: (-result.behaviour_counts[b][MISSED], b))
    label_w, bar_max, row_h = 170, 420, 28
    width, height = label_w + bar_max + 360, row_h * len(rows) + 10
    peak = max((result.behaviour_counts[b][MISSED] for b in rows), default=0) or 1
    parts = [f'<svg class="chart" id="missed-chart" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for row, b in enumerate(rows):
        counts = result.behaviour_counts[b]
        applicable = counts[MET] + counts[MISSED]
        share = f"{counts[MISSED] / applicable:.0%}" if applicable else "n/a"
        w = round(bar_max * counts[MISSED] / peak)
        y = 5 + row * row_h
        parts.append(f'<g class="bar"><text x="{label_w - 8}" y="{y + 17}" text-anchor="end">'
                     f'{escape(b)}</text><rect x="{label_w}" y="{y + 3}" width="{w}" height="{row_h - 8}" '
                     f'fill="#d9534f"><title>{escape(b)}: {counts[MISSED]:,} missed</title></rect>'
                     f'<text x="{label_w + w + 6}" y="{y + 17}">{counts[MISSED]:,} missed of '
                     f'{applicable:,} where it applied ({share}); n/a in {counts[NA]:,}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _lowest_table(result: AuditResult, lowest: list[ConversationResult]) -> str:
    scored = sum(r.score is not None for r in result.conversations)
    head = "".join(f"<th>{escape(b)}</th>" for b in result.behaviours)
    rows = []
    for n, r in enumerate(lowest, 1):
        cells = "".join(f'<td class="{_verdict_class(r.verdicts[b].verdict)}">'
                        f"{escape(r.verdicts[b].verdict)}</td>" for b in result.behaviours)
        rows.append(f'<tr><td><a class="conv-link" href="#conv-{n}">'
                    f"{escape(r.conversation.conversation_id)}</a></td>"
                    f"<td>{escape(r.conversation.agent_id)}</td>"
                    f'<td class="num">{records.fmt_score(r.score)}</td>{cells}</tr>')
    note = (f'<p class="note">The {len(lowest):,} lowest-scoring of {scored:,} scored '
            f"conversations; each id opens the conversation turn by turn. All conversations "
            f"are in summary.xlsx.</p>")
    return (note + f'<table id="lowest-table" data-page-size="{PAGE_SIZE}"><thead><tr>'
            f"<th>conversation</th><th>agent</th><th>score</th>{head}</tr></thead><tbody>"
            + "".join(rows) + '</tbody></table><nav id="pager" class="pager"></nav>')


def _verdict_class(verdict: str) -> str:
    return {MET: "met", MISSED: "missed", NA: "na"}[verdict]


def highlight(text: str, cues: list[CueMatch]) -> str:
    """The turn's text, escaped, with each cue's evidence words in <mark> (overlaps merged)."""
    spans = [m for m in cues if 0 <= m.start < m.end <= len(text) and not m.how.startswith("via ")]
    cuts = sorted({0, len(text), *(m.start for m in spans), *(m.end for m in spans)})
    out = []
    for start, end in zip(cuts, cuts[1:]):
        covering = sorted({m.cue for m in spans if m.start <= start and end <= m.end})
        piece = escape(text[start:end])
        if covering:
            names = escape(", ".join(covering))
            out.append(f'<mark class="evidence" title="{names}">{piece}</mark>')
        else:
            out.append(piece)
    return "".join(out)


def _conversation_view(result: AuditResult, r: ConversationResult, n: int) -> str:
    conversation = r.conversation
    met, missed = records.behaviours_by_turn(r)
    verdict_rows = "".join(
        f'<tr><td>{escape(b)}</td><td class="{_verdict_class(v.verdict)}">{escape(v.verdict)}</td>'
        f"<td>{escape(v.reason)}</td></tr>" for b, v in r.verdicts.items())
    turns = [_turn_view(n, turn, cues, met.get(turn.index, []), missed.get(turn.index, []), r)
             for turn, cues in zip(conversation.turns[:MAX_TURNS_SHOWN], r.cues)]
    cut = len(conversation.turns) - MAX_TURNS_SHOWN
    more = f'<p class="note">{cut:,} more turns not shown.</p>' if cut > 0 else ""
    return (f'<section class="conv" id="conv-{n}" '
            f'data-conversation-id="{escape(conversation.conversation_id)}">'
            f'<p><a href="#lowest">← back to the list</a></p>'
            f"<h2>Conversation {escape(conversation.conversation_id)}</h2>"
            f"<p>agent <b>{escape(conversation.agent_id)}</b> · score "
            f"<b>{records.fmt_score(r.score) or 'n/a'}</b> · {escape(conversation.source)}:"
            f"{conversation.line}</p>"
            f'<table class="verdicts"><thead><tr><th>behaviour</th><th>verdict</th><th>why</th>'
            f"</tr></thead><tbody>{verdict_rows}</tbody></table>"
            f'<ol class="turns">{"".join(turns)}</ol>{more}</section>')


def _turn_view(n: int, turn, cues: list[CueMatch], met: list[str], missed: list[str],
               r: ConversationResult) -> str:
    cue_names = ", ".join(dict.fromkeys(m.cue for m in cues))
    notes = [f'<div class="met-note">✓ {escape(b)}</div>' for b in met]
    notes += [f'<div class="missed-note" data-behaviour="{escape(b)}">✗ {escape(b)} missed '
              f"here: {escape(r.verdicts[b].reason)}</div>" for b in missed]
    role = turn.speaker if turn.speaker in (AGENT, CUSTOMER) else "other"
    flag = " has-missed" if missed else ""
    return (f'<li class="turn {role}{flag}" id="conv-{n}-t{turn.index}">'
            f'<div class="meta">turn {escape(turn.number)} · {escape(turn.speaker)}'
            + (f" · cues: {escape(cue_names)}" if cue_names else "")
            + f'</div><p class="text">{highlight(turn.text, cues)}</p>{"".join(notes)}</li>')


CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1100px;
padding:0 16px 48px;color:#222}
h1{margin:16px 0 4px}h2{margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}
.figures{display:flex;flex-wrap:wrap;gap:12px;margin-top:16px}
.figure{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:110px}
.figure .value{display:block;font-size:24px;font-weight:600}.figure .label{color:#666}
.chart text{font-size:12px;fill:#222}.chart .link{fill:#1a4f9c;text-decoration:underline}.chart .axis{fill:#555}.rule{stroke:#999}
.scroll{overflow-x:auto}.note{color:#555}
table{border-collapse:collapse;margin:8px 0}th,td{border-bottom:1px solid #eee;padding:3px 8px;
text-align:left}td.num{text-align:right}
.met{color:#1b7a2f}.missed{color:#b52a25;font-weight:600}.na{color:#999}
.pager button{margin:0 4px}
.conv{display:none;border-top:3px solid #444;margin-top:24px}
.conv:target,.conv:has(:target){display:block}
.turns{list-style:none;padding:0}.turn{border-left:4px solid #ccc;margin:8px 0;padding:4px 10px}
.turn.customer{border-color:#e0a800;background:#fffaf0}.turn.agent{border-color:#2a7ab0}
.turn.has-missed{outline:2px solid #d9534f}
.turn .meta{color:#666;font-size:12px}.turn .text{white-space:pre-wrap;margin:4px 0}
mark.evidence{background:#ffe98a;text-decoration:underline}
.missed-note{color:#b52a25;font-weight:600}.met-note{color:#1b7a2f}
"""

SCRIPT = """
(function () {
  var table = document.getElementById('lowest-table');
  var pager = document.getElementById('pager');
  if (!table || !pager) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var size = parseInt(table.getAttribute('data-page-size'), 10) || 20;
  var pages = Math.max(1, Math.ceil(rows.length / size));
  var page = 0;
  function button(label, target) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.disabled = target < 0 || target >= pages || target === page;
    b.addEventListener('click', function () { show(target); });
    return b;
  }
  function show(p) {
    page = p;
    rows.forEach(function (row, i) { row.hidden = Math.floor(i / size) !== page; });
    pager.textContent = '';
    pager.appendChild(button('‹ previous', page - 1));
    pager.appendChild(document.createTextNode(' page ' + (page + 1) + ' of ' + pages + ' '));
    pager.appendChild(button('next ›', page + 1));
  }
  show(0);
})();
"""
