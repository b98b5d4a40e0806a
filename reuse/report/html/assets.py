"""What every page of the HTML report carries: the inline style sheet, the one
script, and the page shell with its Content-Security-Policy.

The policy lets nothing load and only the inline script run, named by its
SHA-256 hash (:func:`script_hash`); the script holds no data (it reads the
DOM), so it is the same on every page.
"""

from __future__ import annotations

import base64
import hashlib

from reuse.report.html.markup import esc

#: Background colours of the highlights (also used by the tests' screenshot check).
COLOURS = {
    "reuse": "#ffe98a",
    "boilerplate": "#d9d9d9",
    "quotation": "#bcdcff",
    "del": "#ff9e9e",
    "ins": "#8fe39a",
}

STYLE = """
:root { color-scheme: light; }
body { font-family: system-ui, sans-serif; margin: 0 1.5rem 3rem; color: #1b1b1b;
  background: #fff; line-height: 1.45; }
h1 { font-size: 1.4rem; margin: 1rem 0 .2rem; }
h2 { font-size: 1.1rem; margin: 1.2rem 0 .3rem; }
.meta { color: #555; font-size: .85rem; margin: 0 0 .6rem; }
.legend { font-size: .85rem; margin: .4rem 0 1rem; }
.legend > * { margin-right: .8rem; }
.notice { background: #fff4d6; border: 1px solid #e0b84c; border-radius: 3px;
  padding: .45rem .8rem; font-size: .9rem; margin: .4rem 0 .8rem; }
code { font-family: ui-monospace, monospace; background: #f3f3f3; padding: 0 .25rem;
  overflow-wrap: anywhere; }
.toolbar { position: sticky; top: 0; z-index: 2; background: #fff; display: flex;
  flex-wrap: wrap; gap: .4rem 1.2rem; align-items: center; padding: .45rem 0;
  border-bottom: 1px solid #ddd; font-size: .85rem; }
.toolbar input { font: inherit; font-size: .95rem; padding: .25rem .5rem; width: 24rem;
  max-width: 70vw; }
.count { color: #555; }
.tablewrap { overflow-x: auto; margin-bottom: 1.2rem; }
table.grid { border-collapse: collapse; font-size: .85rem; }
table.grid th, table.grid td { border-bottom: 1px solid #ddd; padding: .22rem .45rem;
  text-align: left; vertical-align: top; }
table.grid td.num, table.grid th.num { text-align: right; font-variant-numeric: tabular-nums;
  white-space: nowrap; }
table.grid th { background: #f3f3f3; white-space: nowrap; position: sticky; top: 0; }
table.sortable th[data-type] { cursor: pointer; user-select: none; }
table.grid th[aria-sort="ascending"]::after { content: " \\25B2"; }
table.grid th[aria-sort="descending"]::after { content: " \\25BC"; }
table.grid tbody tr:hover { background: #f7f9ff; }
tr[hidden] { display: none; }
td.path { white-space: nowrap; max-width: 36rem; }
.p { display: inline-flex; max-width: 100%; white-space: nowrap; vertical-align: bottom; }
.p .dir { color: #777; flex: 0 1 auto; min-width: 1.5em; max-width: 9em; overflow: hidden;
  text-overflow: ellipsis; }
nav.crumbs { font-size: .85rem; margin: .8rem 0 0; }
nav.crumbs > * { margin-right: .8rem; }
section.pair { border-top: 2px solid #888; padding-top: .8rem; margin-top: 1.5rem; }
section.pair h2 { margin-top: 0; }
.pairmeta { font-size: .85rem; color: #444; margin: 0 0 .4rem; }
.passages { font-size: .8rem; margin: 0 0 .5rem; padding: 0; list-style: none; }
.passages li { display: inline-block; margin: 0 .6rem .2rem 0; }
.cols { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1rem; }
.colhead { font-size: .8rem; font-weight: 600; margin-bottom: .2rem; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }
.box { max-height: 70vh; overflow: auto; border: 1px solid #bbb; padding: .5rem .7rem;
  white-space: pre-wrap; overflow-wrap: anywhere; font-size: 15px; line-height: 1.7;
  background: #fff; }
mark { color: inherit; cursor: pointer; border-radius: 2px; }
mark.reuse { background: #ffe98a; }
mark.boilerplate { background: #d9d9d9; }
mark.quotation { background: #bcdcff; }
mark.active { outline: 2px solid #d35400; outline-offset: 0; }
span.del { background: #ff9e9e; text-decoration: line-through; text-decoration-color: #a00; }
span.ins { background: #8fe39a; }
span.gap::before { content: "\\2038"; color: #c00; font-weight: 700; }
details.edits { margin-top: 1rem; }
details.edits summary { cursor: pointer; font-weight: 600; font-size: .95rem; }
table.edits td.etext { white-space: pre-wrap; overflow-wrap: anywhere; max-width: 28rem; }
table.edits td.etext:empty::before { content: "\\2205"; color: #999; }
a { color: #0645ad; }
@media print { .box { max-height: none; overflow: visible; } .toolbar { position: static; } }
"""

SCRIPT = """
(function () {
  "use strict";
  function marksOf(section, id, side) {
    var out = [];
    section.querySelectorAll("mark[data-match]").forEach(function (m) {
      if (m.dataset.match === id && (!side || m.dataset.side === side)) { out.push(m); }
    });
    return out;
  }
  function counterpart(mark) {
    var section = mark.closest("section.pair");
    var id = mark.dataset.match;
    var other = mark.dataset.side === "a" ? "b" : "a";
    var own = marksOf(section, id, other);
    if (own.length) { return own[0]; }
    var covering = null;
    section.querySelectorAll('mark[data-side="' + other + '"][data-covers]').forEach(
      function (m) {
        if (!covering && m.dataset.covers.split(" ").indexOf(id) >= 0) { covering = m; }
      });
    return covering;
  }
  function activate(mark, clientY) {
    var section = mark.closest("section.pair");
    document.querySelectorAll("mark.active").forEach(function (m) {
      m.classList.remove("active");
    });
    marksOf(section, mark.dataset.match, null).forEach(function (m) {
      m.classList.add("active");
    });
    var target = counterpart(mark);
    if (!target) { return; }
    target.classList.add("active");
    var srcBox = mark.closest(".box"), box = target.closest(".box");
    var r = mark.getBoundingClientRect(), sb = srcBox.getBoundingClientRect();
    if (clientY === null) { clientY = Math.max(r.top, sb.top); }
    var frac = r.height > 0 ? Math.min(1, Math.max(0, (clientY - r.top) / r.height)) : 0;
    var anchor = Math.min(Math.max(clientY - sb.top, 0), box.clientHeight);
    var tr = target.getBoundingClientRect(), tb = box.getBoundingClientRect();
    box.scrollTop += tr.top - tb.top + frac * tr.height - anchor;
  }
  function sortBy(th) {
    var table = th.closest("table"), body = table.tBodies[0];
    var col = th.cellIndex, numeric = th.dataset.type === "num";
    var now = th.getAttribute("aria-sort");
    var dir = now === "descending" ? "ascending" :
      now === "ascending" ? "descending" : (numeric ? "descending" : "ascending");
    table.querySelectorAll("th[aria-sort]").forEach(function (h) {
      h.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", dir);
    var sign = dir === "ascending" ? 1 : -1;
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (x, y) {
      var a = x.cells[col], b = y.cells[col];
      if (numeric) {
        return sign * (parseFloat(a.dataset.value) - parseFloat(b.dataset.value));
      }
      return sign * a.textContent.localeCompare(b.textContent);
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  function filterRows(input) {
    var words = input.value.toLowerCase().split(/\\s+/).filter(Boolean);
    document.querySelectorAll("table.filterable").forEach(function (table) {
      var rows = table.tBodies[0].rows, shown = 0;
      Array.prototype.forEach.call(rows, function (row) {
        var path = (row.dataset.path || "").toLowerCase();
        var keep = words.every(function (w) { return path.indexOf(w) >= 0; });
        row.hidden = !keep;
        if (keep) { shown += 1; }
      });
      var count = document.querySelector('[data-count="' + table.id + '"]');
      if (count) {
        count.textContent = (words.length ? shown + " of " : "") + rows.length + " " +
          count.dataset.noun;
      }
    });
  }
  function handle(ev, keyboard) {
    var t = ev.target;
    if (!(t instanceof Element)) { return; }
    var go = t.closest("a[data-goto]");
    if (go) {
      var section = go.closest("section.pair");
      var first = marksOf(section, go.dataset.goto, "a")[0] ||
        marksOf(section, go.dataset.goto, "b")[0];
      if (first) {
        ev.preventDefault();
        var box = first.closest(".box");
        box.scrollTop += first.getBoundingClientRect().top -
          box.getBoundingClientRect().top - 8;
        activate(first, null);
      }
      return;
    }
    var pick = t.closest("a[data-filter-path]");
    if (pick) {
      var input = document.querySelector("input[data-filter]");
      if (input) { input.value = pick.dataset.filterPath; filterRows(input); }
      return;
    }
    var th = t.closest("table.sortable th[data-type]");
    if (th) { ev.preventDefault(); sortBy(th); return; }
    var mark = t.closest("mark[data-match]");
    if (mark) { ev.preventDefault(); activate(mark, keyboard ? null : ev.clientY); }
  }
  document.addEventListener("click", function (ev) { handle(ev, false); });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" || ev.key === " ") {
      if (ev.target instanceof Element && ev.target.closest("input")) { return; }
      handle(ev, true);
    }
  });
  document.addEventListener("input", function (ev) {
    if (ev.target instanceof Element && ev.target.matches("input[data-filter]")) {
      filterRows(ev.target);
    }
  });
  document.querySelectorAll("input[data-filter]").forEach(function (input) {
    if (input.value) { filterRows(input); }
  });
})();
"""


def script_hash(script: str = SCRIPT) -> str:
    """The CSP source expression of an inline script: ``'sha256-<base64 digest>'``."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


#: The page's Content-Security-Policy: nothing but the inline style and this script.
CSP = (
    f"default-src 'none'; script-src {script_hash()}; style-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)


def page(title: str, body: str) -> str:
    """A whole HTML document: the CSP, the style sheet, ``body`` (HTML) and the script."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{esc(title)}</title>\n"
        f"<style>{STYLE}</style>\n"
        "</head><body>\n"
        f"{body}\n"
        f"<script>{SCRIPT}</script>\n"
        "</body></html>\n"
    )
