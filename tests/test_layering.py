"""The core knows nothing of the terminal: only cli/ and the formatters may use Typer or Rich,
and the core never imports the CLI (a user can `import empathy_audit` for the same results)."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "empathy_audit"
CORE = sorted([*(p for p in PACKAGE.glob("*.py") if p.name != "__main__.py"),
               *(p for core in ("cues", "loading", "gates", "redaction")
                 for p in PACKAGE.glob(f"{core}/**/*.py"))])
TERMINAL = {"typer", "rich", "click"}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(("." * node.level) + (node.module or ""))
    return names


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_core_module_has_no_terminal_or_cli_imports(path):
    imports = imported_modules(path)
    assert not {m for m in imports if m.split(".")[0] in TERMINAL}, imports
    assert not {m for m in imports if m.lstrip(".").startswith("cli")}, imports
