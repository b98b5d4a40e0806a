// reuse serve: clicking a passage in the side-by-side view scrolls the other
// column to it. The script reads the DOM only; it holds no data.
(function () {
  "use strict";
  function activate(id) {
    document.querySelectorAll("mark.active").forEach(function (m) { m.classList.remove("active"); });
    document.querySelectorAll('mark[data-match="' + id + '"]').forEach(function (m) { m.classList.add("active"); });
  }
  function level(mark) {
    var side = mark.getAttribute("data-side");
    var other = side === "a" ? "b" : "a";
    var id = mark.getAttribute("data-match");
    var target = document.getElementById("m" + id + "-" + other);
    if (!target) return;
    var box = target.closest(".box");
    var own = mark.closest(".box");
    var offset = mark.getBoundingClientRect().top - own.getBoundingClientRect().top;
    box.scrollTop += target.getBoundingClientRect().top - box.getBoundingClientRect().top - offset;
  }
  document.addEventListener("click", function (event) {
    var mark = event.target.closest && event.target.closest(".box mark");
    if (mark) { activate(mark.getAttribute("data-match")); level(mark); return; }
    var go = event.target.closest && event.target.closest("[data-goto]");
    if (go) {
      var id = go.getAttribute("data-goto");
      var a = document.getElementById("m" + id + "-a");
      if (a) {
        event.preventDefault();
        activate(id);
        var box = a.closest(".box");
        box.scrollTop += a.getBoundingClientRect().top - box.getBoundingClientRect().top - 40;
        level(a);
        box.scrollIntoView({ block: "start" });
      }
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    var mark = event.target.closest && event.target.closest(".box mark");
    if (mark) { activate(mark.getAttribute("data-match")); level(mark); }
  });
  // A link to #mID-a / #mID-b on a pair page: bring both columns to it.
  function fromHash() {
    var m = /^#m(\d+)-([ab])$/.exec(window.location.hash);
    if (!m) return;
    var mark = document.getElementById("m" + m[1] + "-" + m[2]);
    if (!mark) return;
    activate(m[1]);
    var box = mark.closest(".box");
    box.scrollTop += mark.getBoundingClientRect().top - box.getBoundingClientRect().top - 40;
    level(mark);
  }
  // Without a link to a passage, both columns start at the pair's first passage.
  function toFirst() {
    if (/^#m\d+-[ab]$/.test(window.location.hash)) { fromHash(); return; }
    document.querySelectorAll(".box").forEach(function (box) {
      var first = box.querySelector("mark[id]");
      if (first) box.scrollTop += first.getBoundingClientRect().top - box.getBoundingClientRect().top - 40;
    });
  }
  window.addEventListener("hashchange", fromHash);
  document.addEventListener("DOMContentLoaded", toFirst);
})();
