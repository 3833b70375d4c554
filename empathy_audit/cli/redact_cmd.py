"""`redact`: anonymize transcripts before they go into a repository (or, with --check, fail a
pre-commit hook when they still hold personal data). Prints counts per kind, never values."""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import UserError
from ..formatters.csv_export import write_files_atomically
from ..gates import EXIT_GATE_FAILED, EXIT_OK
from ..loading.core import STDIN
from .app import EncodingOpt, MapOpt, _pairs, app, say, stderr, stdout, user_errors


def describe_counts(counts: Counter) -> str:
    from ..redaction import KINDS

    shown = [f"{kind} {counts[kind]}" for kind in KINDS if counts.get(kind)]
    return ", ".join(shown) if shown else "nothing"


def _check_out_dir(out: Path, files) -> None:
    resolved = out.resolve()
    for result in files:
        if (resolved / result.relative).resolve() == result.source.resolve():
            raise UserError("--out would overwrite the input; choose another directory",
                            file=str(result.source), key="--out")


def _names(path: Path | None) -> list[str]:
    if path is None:
        return []
    from ..loading import read_list_file
    from ..redaction import ordered_names

    return ordered_names(read_list_file(path, "names file", key="--names"))


@app.command()
@user_errors
def redact(
    paths: Annotated[list[Path], typer.Argument(
        help="Transcript files or directories; - reads standard input and writes the redacted "
             "transcript to standard output.", show_default=False)],
    out: Annotated[Optional[Path], typer.Option(
        "--out", help="Directory for the redacted copies (same names, same formats).")] = None,
    names: Annotated[Optional[Path], typer.Option(
        "--names", help="File of names to redact, one a line (# comments allowed).")] = None,
    check: Annotated[bool, typer.Option(
        "--check", help="Write nothing; exit 1 when any input still holds something to redact.")] = False,
    field_map: MapOpt = None,
    encoding: EncodingOpt = "utf-8-sig",
):
    """Replace emails, phones, card, IBAN and account numbers, @handles, URL query strings,
    addresses, IPs, dates of birth and names with placeholders consistent within a
    conversation (<EMAIL_1>)."""
    piped = [str(p) for p in paths] == [STDIN]
    if STDIN in map(str, paths) and not piped:
        raise UserError("- (standard input) is redacted alone; give files in another run")
    if piped and out is not None:
        raise UserError("standard input is redacted to standard output; drop --out", key="--out")
    if out is None and not check and not piped:
        raise UserError("give --out DIR for the redacted copies, or --check", key="--out")
    from ..redaction.files import redact_paths

    results = redact_paths(paths, names=_names(names), field_map=_pairs(field_map, "--map"),
                           encoding=encoding, out=None if check else out)
    total: Counter = Counter()
    for result in results:
        total.update(result.counts)
        say(stderr if piped and not check else stdout,
            f"{result.source}: {describe_counts(result.counts)}")
    if check:
        dirty = [r for r in results if sum(r.counts.values())]
        say(stdout, f"{len(dirty)} of {len(results)} file(s) hold personal data to redact: "
                    f"{describe_counts(total)}")
        raise typer.Exit(EXIT_GATE_FAILED if dirty else EXIT_OK)
    if piped:
        sys.stdout.buffer.write(results[0].content)
        sys.stdout.flush()
        return
    _check_out_dir(out, results)
    write_files_atomically(out, {r.relative: r.content for r in results})
    say(stdout, f"Redacted {len(results)} file(s) into {out}: {describe_counts(total)}")
