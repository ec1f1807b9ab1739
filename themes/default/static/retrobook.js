/* retrobook default theme: sortable tables, and filters over every action
   item of the repo for the action list.
   Vanilla ES2019, no modules, no network but the site's own files; works
   from file:// too (data comes as <script> files, loaded when asked for).
   Without JavaScript tables keep their order, the filter form stays hidden
   and the action list is read page by page. */
(function () {
  "use strict";

  // ---- Where the header row is short (always on a phone) the navigation
  // is a strip that scrolls sideways: fade its end to say so, and bring the
  // current section into view.
  var current = document.querySelector(".site-nav [aria-current]");
  var strip = document.querySelector(".site-nav");
  function markStrip() { strip.classList.toggle("scrolls", strip.scrollLeft + strip.clientWidth < strip.scrollWidth - 1); }
  if (strip) {
    markStrip();
    window.addEventListener("resize", markStrip);
    strip.addEventListener("scroll", markStrip, { passive: true });
    // Chromium leaves a half-hidden link half hidden when it takes focus.
    strip.addEventListener("focusin", function (e) { e.target.scrollIntoView({ block: "nearest", inline: "nearest" }); });
  }
  if (current && strip && strip.scrollWidth > strip.clientWidth) {
    var at = current.getBoundingClientRect(), box = strip.getBoundingClientRect();
    strip.scrollLeft += at.left - box.left - (strip.clientWidth - at.width) / 2;
  }

  // ---- Sortable tables: a button in each header cell of table.sortable.
  function sortTable(table, column, th) {
    var numeric = th.getAttribute("data-sort") === "number";
    var descending = th.getAttribute("aria-sort") !== "descending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    function value(row) {
      var cell = row.cells[column];
      var v = cell ? cell.getAttribute("data-value") || cell.textContent : "";
      return numeric ? parseFloat(v) || 0 : v.toLowerCase();
    }
    rows.sort(function (a, b) {
      var x = value(a), y = value(b);
      var order = x < y ? -1 : x > y ? 1 : 0;
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () { sortTable(table, column, th); });
    });
  });

  // ---- Action filters.
  var form = document.getElementById("action-filters");
  if (!form) return;
  var manifest = window.retrobookActionsManifest;
  if (!manifest) return;

  var root = form.getAttribute("data-root") || "";
  var FIELDS = ["status", "owner", "team", "service", "severity", "priority", "kind", "tracker"];
  var PAGE = 50;
  var results = document.getElementById("filter-results");
  var list = document.getElementById("action-list");
  var count = form.querySelector(".filter-count");

  // Row layout, as src/render/pages/actions.rs writes it. LINK_TEXT is
  // there for items with a link, TICKET ([status, since, disagrees, missing])
  // for those of a site built with tracker exports.
  var ID = 0, TITLE = 1, RETRO = 2, RETRO_TITLE = 3, SEVERITY = 4, OWNER = 5, STATUS = 6,
    DUE = 7, DAYS_OVERDUE = 8, PRIORITY = 9, KIND = 10, SERVICES = 11, LINK = 12,
    LINK_TEXT = 13, TICKET = 14;

  var chunks = {};
  var waiting = {};
  window.retrobookActions = function (key, n, rows) {
    var id = key + "-" + n;
    chunks[id] = rows;
    (waiting[id] || []).forEach(function (cb) { cb(rows); });
    delete waiting[id];
  };

  function load(key, n, cb) {
    var id = key + "-" + n;
    if (chunks[id]) return cb(chunks[id]);
    if (waiting[id]) return waiting[id].push(cb);
    waiting[id] = [cb];
    var script = document.createElement("script");
    script.src = root + "actions/data/" + id + ".js";
    script.onerror = function () { window.retrobookActions(key, n, []); };
    document.head.appendChild(script);
  }

  function escapeHtml(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function field(name) { return form.elements.namedItem(name); }

  function setValue(name, value) {
    var el = field(name);
    if (!el) return;
    var ok = Array.prototype.some.call(el.options, function (o) { return o.value === value; });
    el.value = ok ? value : "";
  }

  function readState() {
    var state = {};
    FIELDS.forEach(function (name) { state[name] = field(name) ? field(name).value : ""; });
    return state;
  }

  function isActive(s) {
    return FIELDS.some(function (name) { return s[name]; });
  }

  // The streams to read, in order: the narrowest one the filters allow.
  function streamsFor(s) {
    if (s.owner && manifest.owners[s.owner]) return [manifest.owners[s.owner]];
    if (s.team && manifest.teams[s.team]) return [manifest.teams[s.team]];
    if (s.status === "done" || s.status === "wont-do") return [manifest.closed];
    if (s.status === "any") return [manifest.pending, manifest.closed];
    return [manifest.pending];
  }

  function inTeam(owner, team) {
    var o = manifest.owners[owner];
    return owner === team || (o && o.teams.indexOf(team) !== -1);
  }

  function matches(row, s) {
    var status = row[STATUS];
    if (!s.status && status !== "open" && status !== "in-progress") return false;
    if (s.status === "overdue" && row[DAYS_OVERDUE] == null) return false;
    if (s.status && s.status !== "overdue" && s.status !== "any" && status !== s.status) return false;
    // An owner's stream holds every name with the owner's page (`Bob`, `bob`).
    if (s.owner && !s.ownerStream && row[OWNER] !== s.owner) return false;
    if (s.team && !inTeam(row[OWNER], s.team)) return false;
    if (s.service && row[SERVICES].indexOf(s.service) === -1) return false;
    if (s.severity && row[SEVERITY] !== s.severity) return false;
    if (s.priority && row[PRIORITY] !== s.priority) return false;
    if (s.kind && row[KIND] !== s.kind) return false;
    if (s.tracker === "disagree" && !(row[TICKET] && row[TICKET][2])) return false;
    return true;
  }

  // The ticket beside an item, as the `ticket` component of
  // templates/components.html writes it.
  function ticketHtml(row) {
    if (!row[LINK_TEXT]) return "";
    var text = escapeHtml(row[LINK_TEXT]);
    var html = row[LINK] ? '<a href="' + escapeHtml(row[LINK]) + '" rel="noreferrer">' + text + "</a>" : text;
    var ticket = row[TICKET];
    if (ticket && ticket[0]) {
      html += ' <span class="ticket-status ticket-' + escapeHtml(ticket[0]) + '">' + escapeHtml(ticket[0]) +
        (ticket[1] ? " " + escapeHtml(ticket[1]) : "") + "</span>";
    } else if (ticket && ticket[3]) {
      html += ' <span class="ticket-status ticket-missing">not in the export</span>';
    }
    if (ticket && ticket[2]) html += ' <strong class="ticket-disagrees">disagrees</strong>';
    return ' <span class="ticket">' + html + "</span>";
  }

  // A due day as a <time>; a month or a quarter (`2026-Q4`) as written,
  // which a <time> may not hold.
  function dueHtml(due) {
    if (!due) return "\u2014";
    return /^\d{4}-\d{2}-\d{2}$/.test(due) ? "<time>" + escapeHtml(due) + "</time>" : '<span class="due-period">' + escapeHtml(due) + "</span>";
  }

  function rowHtml(row) {
    var retro = root + "retros/" + encodeURIComponent(row[RETRO]) + ".html";
    var owner = manifest.owners[row[OWNER]];
    var ownerCell = owner ? '<a href="' + escapeHtml(root + owner.url) + '">' + escapeHtml(owner.name) + "</a>" : escapeHtml(row[OWNER]);
    var overdue = row[DAYS_OVERDUE] != null;
    var link = ticketHtml(row);
    var sev = row[SEVERITY] ? '<span class="badge sev sev-' + escapeHtml(row[SEVERITY].toLowerCase()) + '">' + escapeHtml(row[SEVERITY]) + "</span>" : "\u2014";
    // The same cells as the server-rendered rows (templates/components.html):
    // the column's class (which labels the phone layout's cards), "—" where
    // a field is empty.
    function cell(name, html) {
      return '<td class="col-' + name + '">' + html + "</td>";
    }
    function text(value) { return value ? escapeHtml(value) : "\u2014"; }
    return (overdue ? '<tr class="is-overdue">' : "<tr>") +
      '<td class="col-item"><a href="' + retro + "#" + escapeHtml(row[ID]) + '">' + escapeHtml(row[ID]) + "</a> " + row[TITLE] + link + "</td>" +
      cell("owner", ownerCell) +
      cell("retro", '<a href="' + retro + '">' + escapeHtml(row[RETRO_TITLE]) + "</a>") +
      cell("sev", sev) +
      cell("status", '<span class="status status-' + escapeHtml(row[STATUS]) + '">' + escapeHtml(row[STATUS]) + "</span>" +
        (overdue ? ' <strong class="overdue">' + row[DAYS_OVERDUE] + " d overdue</strong>" : "")) +
      cell("due", dueHtml(row[DUE])) +
      cell("priority", text(row[PRIORITY])) +
      cell("kind", text(row[KIND])) + "</tr>";
  }

  // One filtered scan: reads the streams' chunks in order until it has
  // `wanted` matches or nothing is left. A newer scan makes it stop.
  var scan = null;

  // Whether a stream can hold a match: the open and closed streams count
  // their items per severity, priority, kind and service, and those that
  // disagree with their ticket.
  function mayMatch(stream, s) {
    return !stream.facets || ["severity", "priority", "kind", "service", "tracker"].every(function (f) {
      return !s[f] || (stream.facets[f] && stream.facets[f][s[f]] > 0);
    });
  }

  function start(s) {
    s.ownerStream = Boolean(s.owner && manifest.owners[s.owner]);
    var streams = streamsFor(s).filter(function (stream) { return mayMatch(stream, s); });
    scan = { state: s, streams: streams, stream: 0, chunk: 1, found: [], done: streams.length === 0, wanted: PAGE };
    advance(scan);
  }

  function advance(current) {
    if (current !== scan) return;
    if (current.found.length >= current.wanted || current.done) return show(current);
    var stream = current.streams[current.stream];
    if (!stream || current.chunk > stream.chunks || stream.count === 0) {
      current.stream += 1;
      current.chunk = 1;
      if (current.stream >= current.streams.length) current.done = true;
      return advance(current);
    }
    load(stream.key, current.chunk, function (rows) {
      if (current !== scan) return;
      rows.forEach(function (row) { if (matches(row, current.state)) current.found.push(row); });
      current.chunk += 1;
      advance(current);
    });
  }

  function show(current) {
    var shown = current.found.slice(0, current.wanted);
    var n = current.done ? current.found.length : shown.length;
    var items = n + " matching action item" + (n === 1 ? "" : "s");
    var total = current.done ? items : "the first " + items;
    count.textContent = shown.length === 0 ? "No action item matches these filters." : "Showing " + total + ".";
    if (shown.length === 0) {
      results.innerHTML = "";
      return;
    }
    results.innerHTML = '<div class="table-scroll"><table class="actions-table"><thead><tr>' +
      '<th scope="col" class="col-item">Item</th><th scope="col" class="col-owner">Owner</th>' +
      '<th scope="col" class="col-retro">Retro</th><th scope="col" class="col-sev">Severity</th>' +
      '<th scope="col" class="col-status">Status</th><th scope="col" class="col-due">Due</th>' +
      '<th scope="col" class="col-priority">Priority</th><th scope="col" class="col-kind">Kind</th>' +
      "</tr></thead><tbody>" + shown.map(rowHtml).join("") + "</tbody></table></div>" +
      (current.done && current.found.length <= current.wanted ? "" : '<p><button type="button" class="more">Show more</button></p>');
    var more = results.querySelector("button.more");
    if (more) {
      more.addEventListener("click", function () {
        current.wanted += PAGE;
        advance(current);
      });
    }
  }

  function apply() {
    var s = readState();
    var active = isActive(s);
    results.hidden = !active;
    list.hidden = active;
    if (active) {
      start(s);
    } else {
      scan = null;
      count.textContent = "";
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

  function update() { writeUrl(apply()); }

  function restore() {
    var params = new URLSearchParams(location.search);
    FIELDS.forEach(function (name) { setValue(name, params.get(name) || ""); });
    // Old links: status=pending meant open or in progress, the default now.
    if (params.get("status") === "pending") setValue("status", "");
    if (!params.get("status") && location.hash === "#overdue") setValue("status", "overdue");
    apply();
  }

  form.hidden = false;
  form.addEventListener("change", update);
  form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
  form.addEventListener("reset", function () { setTimeout(update, 0); });
  window.addEventListener("popstate", restore);
  restore();
})();
