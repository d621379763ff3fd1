(function () {
  "use strict";
  var news = ".news .sent.reports";
  function isStory(el) { return el.hasAttribute("data-links"); }
  function linked(el) {
    if (isStory(el)) {
      return (el.getAttribute("data-links") || "").split(" ").filter(Boolean)
        .map(function (i) { return document.getElementById("p-" + i); }).filter(Boolean);
    }
    var idx = el.id.slice(2);
    return Array.prototype.filter.call(document.querySelectorAll(news), function (s) {
      return (s.getAttribute("data-links") || "").split(" ").indexOf(idx) >= 0;
    });
  }
  function clear() {
    document.querySelectorAll(".sent.hl, .sent.active").forEach(function (e) { e.classList.remove("hl", "active"); });
  }
  function show(el) {
    clear();
    var story = isStory(el);
    el.classList.add(story ? "active" : "hl");
    linked(el).forEach(function (o) { o.classList.add(story ? "hl" : "active"); });
  }
  function jump(el) {
    var first = linked(el)[0];
    if (!first) { return; }
    first.focus({preventScroll: true});
    first.scrollIntoView({block: "center"});
    show(first);
  }
  document.querySelectorAll(news + ", .paper .sent.reported").forEach(function (el) {
    el.addEventListener("mouseenter", function () { show(el); });
    el.addEventListener("focus", function () { show(el); });
    el.addEventListener("click", function () { jump(el); });
    el.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); jump(el); }
    });
  });
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest("button.badge[aria-controls]") : null;
    if (!button) { return; }
    var why = document.getElementById(button.getAttribute("aria-controls"));
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (why) { why.hidden = !open; }
  });
  var visits = {};
  function sharedIn(root, key) {
    return root ? Array.prototype.slice.call(root.querySelectorAll("p.par [data-shared]")).filter(function (m) {
      return m.getAttribute("data-shared").split(" ").indexOf(key) >= 0;
    }) : [];
  }
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest("button.shared-link") : null;
    if (!button) { return; }
    var key = button.getAttribute("data-shared") || "", n = button.getAttribute("data-story") || "";
    if (!/^[a-z0-9-]+$/.test(key) || !/^[0-9]+$/.test(n)) { return; }
    var inPaper = sharedIn(document.querySelector(".paper"), key);
    var inStory = sharedIn(document.querySelector('.story[data-story-n="' + n + '"]'), key);
    document.querySelectorAll(".shared-hl, .shared-now").forEach(function (e) { e.classList.remove("shared-hl", "shared-now"); });
    document.querySelectorAll("button.shared-link[aria-pressed=true]").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    button.setAttribute("aria-pressed", "true");
    inPaper.concat(inStory).forEach(function (m) { m.classList.add("shared-hl"); });
    var id = key + "@" + n, k = visits[id] = visits[id] === undefined ? 0 : visits[id] + 1;
    var places = [inPaper[k % Math.max(inPaper.length, 1)], inStory[k % Math.max(inStory.length, 1)]];
    places.forEach(function (m) { if (m) { m.classList.add("shared-now"); m.scrollIntoView({block: "center"}); } });
    var status = button.closest(".part") ? button.closest(".part").querySelector(".shared-status") : null;
    if (status) {
      status.textContent = button.textContent + ": place " + (k % Math.max(inPaper.length, inStory.length, 1) + 1) +
        " of " + inPaper.length + " in the paper and " + inStory.length + " in the story, highlighted.";
    }
  });
  document.querySelectorAll("table").forEach(function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      Array.prototype.forEach.call(tr.children, function (td, i) {
        if (heads[i] && !td.hasAttribute("data-label")) { td.setAttribute("data-label", heads[i]); }
      });
    });
  });
})();
