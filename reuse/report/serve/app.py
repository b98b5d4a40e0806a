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

import duckdb
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from reuse.errors import QueryError, ReuseError
from reuse.report.serve import detail_pages, pages
from reuse.report.serve.database import Database
from reuse.report.serve.templating import environment
from reuse.report.serve.web import (
    float_param,
    int_param,
    query_string,
    read_form,
    same_origin,
    security_headers,
)

__all__ = ["create_app"]

HERE = Path(__file__).parent

#: Rows of a SQL result shown on the page (the rest is counted).
SQL_ROWS = 500

VERDICTS = ("confirmed", "ignored")


class _App:
    """Routes bound to one database."""

    def __init__(self, db: Database, reviewer: str | None) -> None:
        self.db = db
        self.reviewer = reviewer
        self.token = secrets.token_urlsafe(24)
        self.env = environment()

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
            query_string=lambda **kw: query_string(request, **kw),
            **context,
        )
        return HTMLResponse(html, status_code=status_code, headers=security_headers())

    def error(self, request: Request, message: str, status_code: int = 404) -> Response:
        return self.render(request, "error.html", status_code=status_code, message=message)

    # ---------------------------------------------------------------- pages

    def overview(self, request: Request) -> Response:
        q = request.query_params
        filters = pages.Filters(
            name=q.get("name", "").strip(),
            text=q.get("text", "").strip(),
            min_share=float_param(q.get("min_share")) / 100.0,
            kind=q.get("kind", ""),
            folder=q.get("folder", ""),
            date_from=q.get("date_from", ""),
            date_to=q.get("date_to", ""),
            sort=q.get("sort", "share"),
            page=int_param(q.get("page"), 1),
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
                data = detail_pages.document_page(con, request.path_params["doc_id"])
        except QueryError as exc:
            return self.error(request, str(exc))
        return self.render(request, "document.html", data=data)

    def pair(self, request: Request) -> Response:
        kind = "all" if request.query_params.get("kind") == "all" else "reuse"
        try:
            with self.db.read() as con:
                data = detail_pages.pair_page(
                    con, request.path_params["a"], request.path_params["b"], kind
                )
        except QueryError as exc:
            return self.error(request, str(exc))
        return self.render(request, "pair.html", data=data)

    def templates(self, request: Request) -> Response:
        q = request.query_params
        kind = q.get("kind", "template")
        with self.db.read() as con:
            data = pages.templates_page(con, int_param(q.get("page"), 1), kind, q.get("name", ""))
        return self.render(request, "templates.html", data=data)

    def template(self, request: Request) -> Response:
        try:
            with self.db.read() as con:
                data = detail_pages.template_page(con, request.path_params["template_id"])
        except QueryError as exc:
            return self.error(request, str(exc))
        return self.render(request, "template.html", data=data)

    def groups(self, request: Request) -> Response:
        with self.db.read() as con:
            data = pages.groups_page(con, int_param(request.query_params.get("page"), 1))
        return self.render(request, "groups.html", data=data)

    def group(self, request: Request) -> Response:
        try:
            with self.db.read() as con:
                data = detail_pages.group_page(con, request.path_params["group_id"])
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
                min_similarity=float_param(q.get("min_similarity")),
                verdict=q.get("verdict", ""),
                page=int_param(q.get("page"), 1),
            )
        return self.render(request, "matches.html", data=data, q=q)

    def sql(self, request: Request) -> Response:
        from reuse.report.query import (
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
        return JSONResponse(state, headers=security_headers())

    async def verdict(self, request: Request) -> Response:
        form = await read_form(request)
        if form is None:
            return self.error(request, "a verdict form is sent as a URL-encoded form", 400)
        if not secrets.compare_digest(str(form.get("token", "")), self.token):
            return self.error(request, "the form is out of date: reload the page", 403)
        if not same_origin(request):
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
