// The report view: a finding, a marked cell or a marked clause selects the finding,
// highlights its cells and shows where its numbers were printed in the source (a PDF
// page redrawn as SVG, the DOCX/HTML table, the text line), fetched from the server.
// Everything inserted is HTML the server escaped.
"use strict";
(function () {
  const report = document.getElementById("report");
  if (!report) return;
  const id = report.dataset.report;
  const panel = document.getElementById("source");

  function show(query) {
    panel.textContent = "正在读取原文位置……";
    fetch("/reports/" + id + "/source?" + query, { credentials: "same-origin" })
      .then(function (r) { return r.text().then(function (t) { return { ok: r.ok, text: t }; }); })
      .then(function (a) {
        if (!a.ok) { panel.textContent = "无法读取原文位置。"; return; }
        panel.innerHTML = a.text;
        panel.querySelectorAll("[data-page-src]").forEach(function (div) {
          fetch(div.dataset.pageSrc, { credentials: "same-origin" })
            .then(function (r) { return r.text().then(function (t) { return { ok: r.ok, text: t }; }); })
            .then(function (p) {
              if (p.ok) { div.innerHTML = p.text; } else { div.textContent = "无法绘制此页。"; }
            });
        });
      })
      .catch(function () { panel.textContent = "无法读取原文位置。"; });
  }

  function clear() {
    document.querySelectorAll(".selected").forEach(function (e) { e.classList.remove("selected"); });
  }

  function select(li, scroll) {
    clear();
    li.classList.add("selected");
    (li.dataset.cells || "").split(" ").filter(Boolean).forEach(function (c) {
      document.querySelectorAll('td[data-cell="' + c + '"]').forEach(function (td) { td.classList.add("selected"); });
    });
    document.querySelectorAll('.claim[data-finding="' + li.dataset.key + '"]').forEach(function (s) { s.classList.add("selected"); });
    if (scroll) li.scrollIntoView({ block: "nearest" });
    show("finding=" + encodeURIComponent(li.dataset.key));
  }

  function findingOf(key) {
    return document.querySelector('li.finding[data-key="' + key + '"]');
  }

  document.addEventListener("click", function (e) {
    const t = e.target;
    // Clicks inside a decision form, a rule's explanation or a link do their own thing.
    if (t.closest("form, details, a, button, textarea")) return;
    const li = t.closest("li.finding");
    if (li) { select(li, false); return; }
    const claim = t.closest(".claim[data-finding]");
    if (claim) { const f = findingOf(claim.dataset.finding); if (f) select(f, true); return; }
    const td = t.closest("td.cell[data-cell]");
    if (td) {
      const cell = td.dataset.cell;
      const f = Array.prototype.find.call(document.querySelectorAll("li.finding"), function (x) {
        return (x.dataset.cells || "").split(" ").indexOf(cell) >= 0;
      });
      if (f) { select(f, true); return; }
      clear();
      td.classList.add("selected");
      show("cell=" + encodeURIComponent(cell));
    }
  });

  document.addEventListener("keydown", function (e) {
    if (e.key !== "Enter") return;
    const li = e.target.closest && e.target.closest("li.finding");
    if (li && e.target === li) select(li, false);
  });

  const m = /^#finding-([0-9a-f]{64})$/.exec(location.hash);
  if (m) { const f = findingOf(m[1]); if (f) select(f, true); }
})();
