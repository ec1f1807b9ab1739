/* retrobook default theme: live filters for the action items page.
   Vanilla ES2019, no modules, no network; works from file:// too.
   Without JavaScript the form stays hidden and the page is plain tables. */
(function () {
  "use strict";

  var form = document.getElementById("action-filters");
  if (!form) return;

  var FIELDS = ["status", "owner", "service", "priority", "q"];
  var rows = Array.prototype.slice.call(document.querySelectorAll("section.owner-group tr.action-row"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("section.owner-group"));
  var count = form.querySelector(".filter-count");
  var total = rows.length;

  // Normalised text of each row, computed once.
  var texts = rows.map(function (row) {
    return row.textContent.replace(/\s+/g, " ").toLowerCase();
  });

  function field(name) {
    return form.elements.namedItem(name);
  }

  // Set a control's value only if it is allowed (a select needs a matching option).
  function setValue(name, value) {
    var el = field(name);
    if (!el) return;
    if (el.tagName === "SELECT") {
      var ok = Array.prototype.some.call(el.options, function (o) { return o.value === value; });
      el.value = ok ? value : "";
    } else {
      el.value = value;
    }
  }

  function readState() {
    var state = {};
    FIELDS.forEach(function (name) {
      var el = field(name);
      state[name] = el ? el.value.trim() : "";
    });
    return state;
  }

  function statusMatches(row, want) {
    if (!want) return true;
    var status = row.getAttribute("data-status");
    if (want === "pending") return status === "open" || status === "in-progress";
    if (want === "overdue") return row.getAttribute("data-overdue") === "yes";
    return status === want;
  }

  function rowMatches(row, i, s, terms) {
    if (!statusMatches(row, s.status)) return false;
    if (s.owner && row.getAttribute("data-owner") !== s.owner) return false;
    if (s.priority && row.getAttribute("data-priority") !== s.priority) return false;
    if (s.service) {
      var services = (row.getAttribute("data-services") || "").split(/\s+/);
      if (services.indexOf(s.service) === -1) return false;
    }
    return terms.every(function (t) { return texts[i].indexOf(t) !== -1; });
  }

  function apply() {
    var s = readState();
    var terms = s.q.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row, i) {
      var match = rowMatches(row, i, s, terms);
      row.hidden = !match;
      if (match) shown += 1;
    });
    groups.forEach(function (g) {
      g.hidden = !g.querySelector("tr.action-row:not([hidden])");
    });
    if (count) {
      count.textContent = "Showing " + shown + " of " + total + " action items" +
        (shown === 0 ? ". No item matches these filters." : "");
    }
    return s;
  }

  // Keep the state in the query string so a filtered view can be shared.
  function writeUrl(s) {
    var params = [];
    FIELDS.forEach(function (name) {
      if (s[name]) params.push(encodeURIComponent(name) + "=" + encodeURIComponent(s[name]));
    });
    var hash = location.hash === "#overdue" ? "" : location.hash;
    var url = location.pathname + (params.length ? "?" + params.join("&") : "") + hash;
    try {
      history.replaceState(history.state, "", url);
    } catch (e) {
      /* some browsers refuse history changes on file:// pages; filtering still works */
    }
  }

  function update() {
    writeUrl(apply());
  }

  function restore() {
    var params = new URLSearchParams(location.search);
    FIELDS.forEach(function (name) {
      setValue(name, params.get(name) || "");
    });
    if (!params.get("status") && location.hash === "#overdue") setValue("status", "overdue");
    apply();
  }

  form.hidden = false;
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
  form.addEventListener("reset", function () {
    // Controls are reset after this event; filter on the next tick.
    setTimeout(update, 0);
  });
  window.addEventListener("hashchange", function () {
    if (location.hash === "#overdue") {
      setValue("status", "overdue");
      apply();
    }
  });
  window.addEventListener("popstate", restore);
  restore();
})();
