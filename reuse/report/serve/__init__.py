"""``reuse serve``: a local web app for reviewing a database (:mod:`reuse.report.serve.app`)."""

from __future__ import annotations

__all__ = ["create_app", "run"]

#: Addresses that only this machine can reach.
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def create_app(*args, **kwargs):  # type: ignore[no-untyped-def]
    """See :func:`reuse.report.serve.app.create_app` (imported on first use: the CLI
    starts without Starlette, Jinja2 and uvicorn)."""
    from reuse.report.serve.app import create_app as make

    return make(*args, **kwargs)


def run(db: str, host: str = "127.0.0.1", port: int = 8765, reviewer: str | None = None) -> None:
    """Serve the app on ``host:port`` until interrupted (uvicorn, one process)."""
    import uvicorn

    hosts = list(LOOPBACK) if host in LOOPBACK else ["*"]
    app = create_app(db, reviewer=reviewer, allowed_hosts=hosts)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
