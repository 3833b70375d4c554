"""`formats`: the input formats the loader reads, and what each needs."""
from __future__ import annotations

from ..loading.formats import describe
from .app import app, say, stdout, user_errors


@app.command()
@user_errors
def formats():
    """List the input formats (for --input-format) and what each needs. JSON files are
    recognised by their shape, captions and plain text by their suffix."""
    for name, needs in describe():
        say(stdout, f"{name:22} {needs}")
