"""WSGI entry for gunicorn: `gunicorn 'dashboard.wsgi:server'` with NAVO_DATA=<parquet dir>."""

from __future__ import annotations

import os
from pathlib import Path

from dashboard.app import create_app

app = create_app(Path(os.environ.get("NAVO_DATA", "parquet")))
server = app.server
