"""HTML message bodies as people read them: tags dropped, entities decoded, line breaks kept.

Evidence offsets count in this text, so it is what every cue and export sees."""
from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements that start a new line where they open or close.
_BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "tr", "table", "blockquote", "pre",
                     "h1", "h2", "h3", "h4", "h5", "h6", "hr", "section", "article"})
_SKIPPED = frozenset({"script", "style", "head", "title"})
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n{2,}")
_LOOKS_HTML = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]{0,10})(?:\s[^<>]{0,2000})?/?>|&[#a-zA-Z0-9]{1,10};")


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable text of an HTML fragment; text without markup comes back unchanged."""
    if not _LOOKS_HTML.search(html):
        return html
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parser.parts).split("\n"))
    return _BLANK_LINES.sub("\n", "\n".join(lines)).strip()
