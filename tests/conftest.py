import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from empathy_audit.cli import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"
CARE = SHARED / "data" / "customer-care"
ABCD = SHARED / "data" / "abcd" / "abcd_sample.json"

needs_shared = pytest.mark.skipif(not CARE.is_dir(), reason="../shared/data is not beside the repo")


@pytest.fixture
def run():
    """Invoke the CLI; stdout and stderr kept apart."""
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
    return invoke


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_json(path: Path, data) -> Path:
    return write(path, json.dumps(data, indent=2))
