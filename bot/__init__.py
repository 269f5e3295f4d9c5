"""Minga: a Telegram bot that turns a coalition's group chat into a working council."""

import sys

# `import httpx` (PTB's HTTP client) also imports httpx's own command line whenever click,
# rich and pygments are installed (uvicorn brings click, the test tools bring the other two):
# about 6 MiB and a tenth of a second of every Minga process for a tool it never runs. Marked
# absent, httpx keeps its stub `main` instead. Nothing in Minga imports httpx before this.
sys.modules.setdefault("httpx._main", None)  # type: ignore[assignment]
