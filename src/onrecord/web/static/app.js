// Quote popovers on the article page: hover or click a highlighted quote to see its speaker, cue, kind and
// confidence. Content is copied as DOM text from the quote table (never parsed as HTML).
(function () {
  "use strict";
  var pop = document.getElementById("popover");
  if (!pop) return;
  var pinned = null;

  function cellText(row, i) { var c = row.cells[i]; return c ? c.textContent.trim() : ""; }

  function fill(ids) {
    pop.textContent = "";
    ids.forEach(function (id) {
      var row = document.getElementById("qd-" + id);
      if (!row) return;
      var dl = document.createElement("dl");
      [["Speaker", cellText(row, 0)], ["Cue", cellText(row, 1)], ["Kind", cellText(row, 2)],
       ["Confidence", cellText(row, 3)]].forEach(function (kv) {
        var dt = document.createElement("dt"); dt.textContent = kv[0];
        var dd = document.createElement("dd"); dd.textContent = kv[1];
        if (kv[0] === "Speaker") dd.className = "who";
        dl.appendChild(dt); dl.appendChild(dd);
      });
      pop.appendChild(dl);
    });
  }

  function show(mark) {
    var ids = (mark.getAttribute("data-qs") || mark.getAttribute("data-q") || "").split(" ").filter(Boolean);
    fill(ids);
    var r = mark.getBoundingClientRect();
    pop.hidden = false;
    var left = Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - pop.offsetWidth - 12);
    pop.style.left = Math.max(8, left) + "px";
    pop.style.top = (window.scrollY + r.bottom + 6) + "px";
  }

  function hide() { if (!pinned) pop.hidden = true; }

  document.addEventListener("mouseover", function (e) {
    var m = e.target.closest && e.target.closest("mark.q");
    if (m && !pinned) show(m);
  });
  document.addEventListener("mouseout", function (e) {
    var m = e.target.closest && e.target.closest("mark.q");
    if (m) hide();
  });
  document.addEventListener("click", function (e) {
    var m = e.target.closest && e.target.closest("mark.q");
    if (pinned) { pinned.classList.remove("active"); pinned = null; }
    if (m) { pinned = m; m.classList.add("active"); show(m); } else { pop.hidden = true; }
  });
  document.addEventListener("focusin", function (e) {
    if (e.target.matches && e.target.matches("mark.q")) show(e.target);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { if (pinned) pinned.classList.remove("active"); pinned = null; pop.hidden = true; }
  });
})();
