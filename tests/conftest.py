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


# The rubric's worked example: the customer's disclosure, the carrier rep's curt reply and
# the store employee's reply that meets every behaviour that applies.
DISCLOSURE = ("I'm moving out in a few days: my husband wants a divorce, and I need to change "
              "my plan.")
CURT = "Sure. Where do you want your bills mailed?"
GOOD = ("I'm so sorry, that sounds like a really hard week. Let's make this one thing easy: I can "
        "move your plan to your new address today. Which address should I use? And if anything "
        "else comes up with the move, just reply here.")
