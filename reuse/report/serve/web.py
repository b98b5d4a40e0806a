"""The HTTP side of the review app: the headers every response carries (a
Content-Security-Policy that allows only this server's own script and style),
numbers read from query parameters, a page's query string with changes, and
the verdict form: read from a URL-encoded body of bounded size, accepted only
from this server's pages (:func:`same_origin`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.requests import Request

#: The pages' Content-Security-Policy: this server's script and style only.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def int_param(value: str | None, default: int = 0) -> int:
    """A query parameter as an int; ``default`` when it is missing or not one."""
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


def float_param(value: str | None, default: float = 0.0) -> float:
    """A query parameter as a float; ``default`` when it is missing or not one."""
    try:
        return float(value) if value not in (None, "") else default
    except ValueError:
        return default


#: Bytes a verdict form may have (ids of a large search result included).
FORM_LIMIT = 4 << 20


class Form:
    """A URL-encoded form's fields (``get``: the first value, ``getlist``: all)."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        self.fields = fields

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, [default])[0]

    def getlist(self, name: str) -> list[str]:
        return self.fields.get(name, [])


async def read_form(request: Request) -> Form | None:
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
    return Form(parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True))


def query_string(request: Request, **changes: Any) -> str:
    """This page's query string with ``changes`` (None removes a key)."""
    params = dict(request.query_params)
    for k, v in changes.items():
        if v is None:
            params.pop(k, None)
        else:
            params[k] = str(v)
    params.pop("recorded", None)
    return "?" + urlencode(params) if params else "?"


def same_origin(request: Request) -> bool:
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return True  # not a browser's cross-site form (browsers send Origin on POST)
    return urlsplit(origin).netloc == request.headers.get("host", "")


def security_headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",
    }
