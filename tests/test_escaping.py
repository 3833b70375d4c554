"""User-controlled strings (ids, speaker labels, checklist titles) are escaped for the medium
they reach: Rich markup in terminal views, HTML, links, images and mentions in Markdown,
GitHub's own escapes in annotations."""
from __future__ import annotations

import io
import json
import re

import pytest
from rich.console import Console

from empathy_audit import audit, load_checklist
from empathy_audit.coaching import coach as build_plan
from empathy_audit.formatters import terminal
from empathy_audit.formatters.coaching_view import coaching_view
from empathy_audit.formatters.markdown import render_markdown

from .conftest import CURT, DISCLOSURE, write

LINK = "[link=https://evil.example]click[/link]"
BOT = "dependabot[bot]"
CLOSER = "a[/]b"
CONVERSATION = "[bold red]c1[/bold red]"
SPEAKER = "[blink]Agent[/blink]"


@pytest.fixture
def hostile(tmp_path):
    turns = []
    for n, agent in enumerate([LINK, BOT, CLOSER]):
        cid = CONVERSATION if n == 0 else f"c{n}"
        turns += [{"conversation_id": cid, "agent_id": agent, "speaker": "customer",
                   "text": DISCLOSURE},
                  {"conversation_id": cid, "agent_id": agent, "speaker": "agent",
                   "text": f"[red]{CURT}[/]"}]
    return write(tmp_path / "t.json", json.dumps(turns))


def rendered(*renderables) -> str:
    console = Console(file=io.StringIO(), width=300, force_terminal=False, color_system=None)
    for renderable in renderables:
        console.print(renderable)
    return console.file.getvalue()


def test_terminal_tables_and_views_show_ids_literally(hostile):
    result = audit([hostile])
    checklist = load_checklist()
    text = rendered(terminal.agents_table(result), terminal.conversations_table(result),
                    terminal.explain_view(result.conversations[0], checklist))
    for literal in (LINK, BOT, CLOSER, CONVERSATION, f"[red]{CURT}[/]"):
        assert literal in text, literal


def test_explain_panel_title_shows_the_raw_speaker_literally(tmp_path):
    path = write(tmp_path / "t.csv", f"conversation_id,speaker,text\nc1,{SPEAKER},hi\n")
    result = audit([path], speaker_map={SPEAKER: "agent"})
    assert SPEAKER in rendered(terminal.explain_view(result.conversations[0], load_checklist()))


def test_coach_view_shows_ids_literally(hostile):
    result = audit([hostile])
    assert CLOSER in rendered(coaching_view(build_plan(result, CLOSER)))


def test_default_audit_with_a_closing_tag_in_an_id_exits_0(run, hostile):
    result = run("audit", hostile)
    assert result.exit_code == 0, result.stderr
    assert "Agents" in result.stdout   # the ids themselves: at 300 columns, above


@pytest.mark.parametrize("attack,forbidden", [
    ("<img src=x onerror=alert(1)>", "<img"),
    ("![pixel](https://evil.example/p.png)", r"(?<!\\)\]\("),
    ("[click](javascript:alert(1))", r"(?<!\\)\]\("),
    ("<script>alert(1)</script>", "<script"),
    ("@octo-org/security", "@octo"),
    ("a|b", r"a\|b"),
])
def test_markdown_neutralises_html_links_images_and_mentions(tmp_path, attack, forbidden):
    path = write(tmp_path / "t.json", json.dumps([
        {"conversation_id": attack, "agent_id": attack, "speaker": "customer",
         "text": DISCLOSURE},
        {"conversation_id": attack, "agent_id": attack, "speaker": "agent", "text": CURT}]))
    markdown = render_markdown(audit([path]))
    assert not re.search(forbidden, markdown)
    assert markdown.count("\n| ") >= 4   # the tables still have their rows


def test_github_annotations_stay_one_command_each(run, tmp_path):
    name = "a,b:c%0A\r\n::error::x.json"
    path = write(tmp_path / "in" / name, json.dumps([
        {"conversation_id": "c1\n::error::y", "agent_id": "an\rn%", "speaker": "customer",
         "text": DISCLOSURE},
        {"conversation_id": "c1\n::error::y", "agent_id": "an\rn%", "speaker": "agent",
         "text": CURT}]))
    result = run("audit", path, "--format", "github")
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("::warning file=") for line in lines)
    props = lines[0].split("::")[1].removeprefix("warning ")
    file_value = dict(p.split("=", 1) for p in props.split(","))["file"]
    assert file_value.endswith("a%2Cb%3Ac%250A%0D%0A%3A%3Aerror%3A%3Ax.json")
    assert "c1%0A::error::y" in lines[0] and "an%0Dn%25" in lines[0]
