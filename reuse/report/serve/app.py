"""``reuse serve``: a local web app for reviewing a database.

Stack: Starlette (a small ASGI framework) with Jinja2 templates rendered on
the server and uvicorn as the server; one style sheet and one small script
served by the app itself. No build step, no CDN, nothing fetched from
elsewhere: the pages work offline, and the Content-Security-Policy allows
only this server's own script and style.

Page handlers are plain functions, which Starlette runs in its thread pool:
a long SQL query does not hold the other pages up.

Pages (GET): ``/`` documents ranked by share copied, with search by name and
by text, filters and pagination; ``/doc/ID`` a document's similarity report
with its text marked in place; ``/pair/A/B`` two documents side by side with
differences and typed edits; ``/templates``, ``/templates/ID``, ``/groups``,
``/groups/ID``; ``/matches`` a search over passages; ``/sql`` the shipped
queries and read-only SQL (the same confinement as ``reuse query``);
``/status`` the published scan as JSON.

Verdicts (POST ``/verdict``) are recorded as ``reuse review`` records them,
one match or many at once (a template's members, a group, a search result).
Forms carry a token made when the app starts, and a POST must come from a
page of this app (its ``Origin``, when the browser sends one, is this
server), so another web site cannot post verdicts through a reviewer's
browser. Requests must name this server in their ``Host`` header (defence
against DNS rebinding when bound to 127.0.0.1).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from reuse.errors import QueryError, ReuseError
from reuse.report.serve import pages
from reuse.report.serve.database import Database

__all__ = ["CSP", "create_app"]

HERE = Path(__file__).parent

#: The pages' Content-Security-Policy: this server's script and style only.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

#: Rows of a SQL result shown on the page (the rest is counted).
SQL_ROWS = 500

VERDICTS = ("confirmed", "ignored")


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda v: f"{float(v or 0):.1%}"
    env.filters["num"] = lambda v: f"{int(v or 0):,}"
    env.filters["sim"] = lambda v: "" if v is None else f"{float(v):.3f}"
    env.filters["short"] = _short_path
    env.filters["dated"] = _dated
    return env


def _dated(date: Any, precision: str | None) -> str:
    """A document date at its precision (``2025``, ``2025-03``, ``2025-03-05``)."""
    from reuse.derive.provenance import format_date

    return "" if date is None else format_date(date, precision)


def _short_path(path: str | None, keep: int = 60) -> str:
    """A path shortened in the middle, the file name kept whole."""
    path = path or ""
    if len(path) <= keep:
        return path
    head, _, name = path.rpartition("/")
    room = keep - len(name) - 2
    if room <= 0:
        return "…/" + name
    return head[: room // 2] + "…" + head[-(room - room // 2) :] + "/" + name


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


def _float(value: str | None, default: float = 0.0) -> float:
    try:
        return float(value) if value not in (None, "") else default
    except ValueError:
        return default


class _App:
    """Routes bound to one database."""

    def __init__(self, db: Database, reviewer: str | None) -> None:
        self.db = db
        self.reviewer = reviewer
        self.token = secrets.token_urlsafe(24)
        self.env = _environment()

    # ---------------------------------------------------------------- helpers

    def render(
        self, request: Request, template: str, status_code: int = 200, **context: Any
    ) -> Response:
        with self.db.read() as con:
            state = pages.status(con)
        html = self.env.get_template(template).render(
            request=request,
            status=state,
            token=self.token,
            reviewer=self.reviewer or "",
            query_string=lambda **kw: _query(request, **kw),
            **context,
        )
        return HTMLResponse(html, status_code=status_code, headers=_headers())

    def error(self, request: Request, message: str, status_code: int = 404) -> Response:
        return self.render(request, "error.html", status_code=status_code, message=message)

    # ---------------------------------------------------------------- pages

    def overview(self, request: Request) -> Response:
        q = request.query_params
        filters = pages.Filters(
            name=q.get("name", "").strip(),
            text=q.get("text", "").strip(),
            min_share=_float(q.get("min_share")) / 100.0,
            kind=q.get("kind", ""),
            folder=q.get("folder", ""),
            date_from=q.get("date_from", ""),
            date_to=q.get("date_to", ""),
            sort=q.get("sort", "share"),
            page=_int(q.get("page"), 1),
        )
        try:
            with self.db.read() as con:
                data = pages.overview(con, filters)
        except duckdb.ConversionException:
            return self.error(request, "a date must be written YYYY-MM-DD", 400)
        return self.render(request, "overview.html", data=data, f=filters)

    def document(self, request: Request) -> Response:
        try:
            with self.db.read() as con:
                data = pages.document_page(con, request.path_params["doc_id"])
        except QueryError as exc:
            return self.error(request, str(exc))
        return self.render(request, "document.html", data=data)

    def pair(self, request: Request) -> Response:
        kind = "all" if request.query_params.get("kind") == "all" else "reuse"
        try:
            with self.db.read() as con:
                data = pages.pair_page(
                    con, request.path_params["a"], request.path_params["b"], kind
                )
        except QueryError as exc:
            return self.error(request, str(exc))
        return self.render(request, "pair.html", data=data)

    def templates(self, request: Request) -> Response:
        q = request.query_params
        kind = q.get("kind", "template")
        with self.db.read() as con:
            data = pages.templates_page(con, _int(q.get("page"), 1), kind, q.get("name", ""))
        return self.render(request, "templates.html", data=data)

    def template(self, request: Request) -> Response:
        try:
            with self.db.read() as con:
                data = pages.template_page(con, request.path_params["template_id"])
        except QueryError as exc:
            return self.error(request, str(exc))
        return self.render(request, "template.html", data=data)

    def groups(self, request: Request) -> Response:
        with self.db.read() as con:
            data = pages.groups_page(con, _int(request.query_params.get("page"), 1))
        return self.render(request, "groups.html", data=data)

    def group(self, request: Request) -> Response:
        try:
            with self.db.read() as con:
                data = pages.group_page(con, request.path_params["group_id"])
        except QueryError as exc:
            return self.error(request, str(exc))
        return self.render(request, "group.html", data=data)

    def matches(self, request: Request) -> Response:
        q = request.query_params
        with self.db.read() as con:
            data = pages.matches_page(
                con,
                text=q.get("text", "").strip(),
                kind=q.get("kind", "reuse"),
                min_similarity=_float(q.get("min_similarity")),
                verdict=q.get("verdict", ""),
                page=_int(q.get("page"), 1),
            )
        return self.render(request, "matches.html", data=data, q=q)

    def sql(self, request: Request) -> Response:
        from reuse.report.reports import (
            QUERIES_DIR,
            available_queries,
            find_query,
            query_defaults,
            query_description,
            run_query,
        )

        q = request.query_params
        shipped = []
        for name in available_queries():
            text = (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")
            shipped.append(
                {"name": name, "about": query_description(text), "params": query_defaults(text)}
            )
        name = q.get("name", "")
        sql = q.get("sql", "")
        if name and not sql:
            try:
                sql = find_query(name)[1]
            except QueryError as exc:
                return self.error(request, str(exc), 400)
        params = {k[2:]: v for k, v in q.items() if k.startswith("p.") and v != ""}
        result: dict[str, Any] | None = None
        if sql.strip():
            try:
                with self.db.read():  # the same snapshot, the same confined instance
                    columns, rows = run_query(str(self.db.path), sql, params, SQL_ROWS)
                result = {"columns": columns, "rows": rows[:SQL_ROWS], "more": len(rows) > SQL_ROWS}
            except (QueryError, duckdb.Error) as exc:
                result = {"error": str(exc).splitlines()[0]}
        defaults = query_defaults(sql) if sql.strip() else {}
        return self.render(
            request,
            "sql.html",
            shipped=shipped,
            name=name,
            sql=sql,
            params={**{k: str(v) for k, v in defaults.items()}, **params},
            result=result,
        )

    def status(self, request: Request) -> Response:
        with self.db.read() as con:
            state = pages.status(con)
        state["generation"] = self.db.generation
        return JSONResponse(state, headers=_headers())

    async def verdict(self, request: Request) -> Response:
        form = await _form(request)
        if form is None:
            return self.error(request, "a verdict form is sent as a URL-encoded form", 400)
        if not secrets.compare_digest(str(form.get("token", "")), self.token):
            return self.error(request, "the form is out of date: reload the page", 403)
        if not _same_origin(request):
            return self.error(request, "a verdict must be given from this server's pages", 403)
        verdict = str(form.get("verdict", ""))
        if verdict not in VERDICTS:
            return self.error(request, f"verdict must be one of {', '.join(VERDICTS)}", 400)
        ids: list[int] = []
        for value in form.getlist("ids"):
            for part in str(value).replace(",", " ").split():
                if not part.isdigit():
                    return self.error(request, f"not a match id: {part!r}", 400)
                ids.append(int(part))
        if not ids:
            return self.error(request, "no match selected", 400)
        note = str(form.get("note", "")).strip() or None
        reviewer = str(form.get("reviewer", "")).strip() or self.reviewer
        if reviewer is None:
            from reuse.store.verdicts import default_reviewer

            reviewer = default_reviewer()
        try:
            await run_in_threadpool(self.db.review, ids, verdict, note, reviewer)
        except (ReuseError, duckdb.Error, OSError) as exc:
            return self.error(request, str(exc).splitlines()[0], 409)
        back = str(form.get("next", "/"))
        if not back.startswith("/") or back.startswith("//"):
            back = "/"
        sep = "&" if "?" in back else "?"
        return RedirectResponse(f"{back}{sep}recorded={len(ids)}", status_code=303)


#: Bytes a verdict form may have (ids of a large search result included).
FORM_LIMIT = 4 << 20


class _Form:
    """A URL-encoded form's fields (``get``: the first value, ``getlist``: all)."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        self.fields = fields

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, [default])[0]

    def getlist(self, name: str) -> list[str]:
        return self.fields.get(name, [])


async def _form(request: Request) -> _Form | None:
    """The fields of an ``application/x-www-form-urlencoded`` body (what an HTML
    form sends), or None for any other body."""
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    if kind != "application/x-www-form-urlencoded":
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > FORM_LIMIT:
            return None
    return _Form(parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True))


def _query(request: Request, **changes: Any) -> str:
    """This page's query string with ``changes`` (None removes a key)."""
    params = dict(request.query_params)
    for k, v in changes.items():
        if v is None:
            params.pop(k, None)
        else:
            params[k] = str(v)
    params.pop("recorded", None)
    return "?" + urlencode(params) if params else "?"


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return True  # not a browser's cross-site form (browsers send Origin on POST)
    return urlsplit(origin).netloc == request.headers.get("host", "")


def _headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",
    }


def create_app(
    db: str | Path,
    reviewer: str | None = None,
    allowed_hosts: list[str] | None = None,
) -> Starlette:
    """The web app over the database ``db`` (``allowed_hosts``: the names the
    ``Host`` header may carry; default the loopback names)."""
    database = Database(db)
    with database.read():  # fail now, with a clear message, if it cannot be read
        pass
    handlers = _App(database, reviewer)
    hosts = allowed_hosts or ["127.0.0.1", "localhost", "::1"]
    routes = [
        Route("/", handlers.overview),
        Route("/doc/{doc_id:int}", handlers.document),
        Route("/pair/{a:int}/{b:int}", handlers.pair),
        Route("/templates", handlers.templates),
        Route("/templates/{template_id:int}", handlers.template),
        Route("/groups", handlers.groups),
        Route("/groups/{group_id:int}", handlers.group),
        Route("/matches", handlers.matches),
        Route("/sql", handlers.sql),
        Route("/status", handlers.status),
        Route("/verdict", handlers.verdict, methods=["POST"]),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(
        routes=routes, middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts)]
    )
    app.state.database = database
    app.state.token = handlers.token
    return app
