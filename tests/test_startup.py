"""What `minga run` loads before it polls: the chart's libraries wait for the first chart."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import TOKEN

PROGRAM = f"""
import sys
from bot.app import build_application
from bot.cli import main
from bot.config import Settings
import bot.migrate

build_application(Settings(bot_token={TOKEN!r}, database_url="sqlite:///:memory:", _env_file=None))
print(" ".join(sorted(m for m in ("matplotlib", "numpy", "PIL") if m in sys.modules)))
"""


def test_building_the_application_does_not_import_matplotlib_or_numpy() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == []


def test_drawing_a_chart_imports_them() -> None:
    program = (
        "import sys\n"
        "from bot.monitoring.chart import commitments_png\n"
        "assert 'matplotlib' not in sys.modules\n"
        "labels = dict(title='t', done='d', open='o', overdue='x', week='w')\n"
        "png = commitments_png([(1, 2, 0), (2, 1, 1)], labels)\n"
        "assert png.startswith(b'\\x89PNG') and 'matplotlib' in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
