"""``reuse serve``: a local web app for reviewing a database (:mod:`reuse.report.serve.app`)."""

from __future__ import annotations

__all__ = ["LOOPBACK", "run"]

#: Addresses that only this machine can reach.
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def run(db: str, host: str = "127.0.0.1", port: int = 8765, reviewer: str | None = None) -> None:
    """Serve the app on ``host:port`` until interrupted (uvicorn, one process).

    The app (Starlette, Jinja2, uvicorn) is imported here, on first use: the
    command line starts without them."""
    import uvicorn

    from reuse.report.serve.app import create_app

    hosts = list(LOOPBACK) if host in LOOPBACK else ["*"]
    app = create_app(db, reviewer=reviewer, allowed_hosts=hosts)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
