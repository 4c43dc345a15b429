"""`python -m dashboard --data DIR [--host 127.0.0.1] [--port 8050] [--debug]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Serve the dashboard (local only unless --host says otherwise; debug only with --debug)."""
    p = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    p.add_argument("--data", type=Path, default=Path("parquet"), help="folder of Parquet tables")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8050)
    p.add_argument("--debug", action="store_true", help="Dash dev tools and reloader (local use)")
    args = p.parse_args(argv)
    from dashboard.app import create_app

    app = create_app(args.data)
    print(f"Dashboard over {args.data}: http://{args.host}:{args.port}/", file=sys.stderr)
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
