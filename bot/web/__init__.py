"""Webhook mode: `minga serve` (the ASGI app, `app.py`), `minga setup` (`commands.py`)."""
