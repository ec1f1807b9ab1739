// retrobook search: the client of the index in search/ (see src/search).
// Index files are scripts that hand their data to window.__rbs, so search
// works over HTTP and from file:// alike. Results are built with DOM text
// APIs only: indexed text is never parsed as HTML.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var base = script.src.replace(/static\/search\.js(\?.*)?$/, "");
  var STOP = ("a an and are as at be been but by for from had has have in into is it its of on or that the their " +
    "then there this to was were which while with").split(" ");
  var JOIN = /[-_.]/;

  var meta = null, shardSet = null;
  var shards = {}, chunks = {}, facetData = {}, loading = {};

  window.__rbs = {
    m: function (m) { meta = m; shardSet = {}; m.shards.forEach(function (k) { shardSet[k] = true; }); },
    s: function (key, terms) { shards[key] = terms; },
    d: function (n, rows) { chunks[n] = rows; },
    f: function (kind, values) {
      var sets = {};
      Object.keys(values).forEach(function (v) { sets[v] = decodeDocs(values[v]); });
      facetData[kind] = sets;
    }
  };

  function load(path) {
    if (!loading[path]) {
      loading[path] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = base + path;
        s.onload = resolve;
        s.onerror = function () { reject(new Error("cannot load " + path)); };
        document.head.appendChild(s);
      });
    }
    return loading[path];
  }

  function decodeDocs(text) {
    var set = {}, doc = 0;
    if (text) { text.split(",").forEach(function (gap) { doc += parseInt(gap, 36); set[doc] = true; }); }
    return set;
  }

  function decodePostings(text) {
    var out = [], doc = 0;
    text.split(",").forEach(function (p) {
      doc += parseInt(p.slice(0, -1), 36);
      out.push([doc, parseInt(p.slice(-1), 36)]);
    });
    return out;
  }

  // --- tokenizing, as src/search/tokenize.rs does for queries -------------
  function keep(w) {
    var chars = Array.from(w);
    var singleLetter = chars.length === 1 && /\p{L}/u.test(chars[0]);
    return !singleLetter && STOP.indexOf(w) < 0;
  }

  function queryTerms(q) {
    var out = [];
    q.toLowerCase().split(/[^\p{L}\p{N}\-_.]+/u).forEach(function (raw) {
      var w = raw.replace(/^[-_.]+|[-_.]+$/g, "");
      if (w && keep(w) && out.indexOf(w) < 0) { out.push(w); }
    });
    return out;
  }

  function prefixKey(term, len) {
    return Array.from(term).slice(0, len).map(function (c) { return /[a-z0-9]/.test(c) ? c : "_"; }).join("");
  }

  // The shard that holds `term`: the longest shard key it starts with.
  function shardFor(term) {
    for (var len = Math.min(Array.from(term).length, meta.prefix); len >= 1; len--) {
      var key = prefixKey(term, len);
      if (shardSet[key]) { return key; }
    }
    return null;
  }

  // Shards to load for a term; for a prefix, also every shard under it,
  // unless that is many (a short prefix of a big index): then the term is
  // matched whole until more is typed.
  var MAX_PREFIX_SHARDS = 4;
  function shardsFor(term, prefix) {
    var keys = [], own = shardFor(term);
    if (own) { keys.push(own); }
    if (prefix) {
      var p = prefixKey(term, Math.min(Array.from(term).length, meta.prefix));
      var under = meta.shards.filter(function (k) { return k.indexOf(p) === 0 && keys.indexOf(k) < 0; });
      if (under.length <= MAX_PREFIX_SHARDS) { keys = keys.concat(under); }
    }
    return keys;
  }

  function ready() {
    return meta ? Promise.resolve() : load("search/meta.js");
  }

  // --- ranking, as SearchIndex::query in src/search/mod.rs ----------------
  function search(q, facets, prefixLast) {
    return ready().then(function () {
      var terms = queryTerms(q);
      var wanted = [];
      terms.forEach(function (t, i) {
        var prefix = prefixLast && i === terms.length - 1 && Array.from(t).length >= 2;
        shardsFor(t, prefix).forEach(function (k) { wanted.push(load("search/s-" + k + ".js")); });
      });
      Object.keys(facets).forEach(function (kind) { if (facets[kind]) { wanted.push(load("search/f-" + kind + ".js")); } });
      return Promise.all(wanted).then(function () { return rank(terms, facets, prefixLast); });
    });
  }

  function rank(terms, facets, prefixLast) {
    var n = meta.n;
    var perTerm = terms.map(function (t, i) {
      var prefix = prefixLast && i === terms.length - 1 && Array.from(t).length >= 2;
      var scores = {};
      shardsFor(t, prefix).forEach(function (k) {
        var shard = shards[k] || {};
        Object.keys(shard).forEach(function (term) {
          if (prefix ? term.indexOf(t) !== 0 : term !== t) { return; }
          var list = decodePostings(shard[term]);
          var idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
          list.forEach(function (p) {
            var s = idf * p[1];
            if (!(p[0] in scores) || scores[p[0]] < s) { scores[p[0]] = s; }
          });
        });
      });
      return scores;
    });
    var kinds = Object.keys(facets).filter(function (k) { return facets[k]; });
    function allowed(doc) {
      return kinds.every(function (k) { var set = (facetData[k] || {})[facets[k]]; return !!(set && set[doc]); });
    }
    var results = [];
    if (!perTerm.length) {
      if (kinds.length) { for (var d = 0; d < n; d++) { if (allowed(d)) { results.push([d, 0]); } } }
    } else {
      Object.keys(perTerm[0]).forEach(function (key) {
        var doc = +key;
        if (!perTerm.every(function (t) { return doc in t; }) || !allowed(doc)) { return; }
        results.push([doc, perTerm.reduce(function (sum, t) { return sum + t[doc]; }, 0)]);
      });
      if (!results.length) {
        var any = {};
        perTerm.forEach(function (t) { Object.keys(t).forEach(function (k) { any[k] = (any[k] || 0) + t[k]; }); });
        Object.keys(any).forEach(function (k) { if (allowed(+k)) { results.push([+k, any[k]]); } });
      }
    }
    results.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return { terms: terms, docs: results.map(function (r) { return r[0]; }) };
  }

  // The catalog entries of some documents, loading their chunks.
  function describe(ids) {
    return Promise.all(ids.map(function (id) { return load("search/d-" + Math.floor(id / meta.chunk) + ".js"); }))
      .then(function () {
        return ids.map(function (id) {
          var row = chunks[Math.floor(id / meta.chunk)][id % meta.chunk];
          return { title: row[0], url: row[1], date: row[2], severity: row[3], status: row[4], services: row[5], open: row[6], summary: row[7] };
        });
      });
  }

  // --- rendering results, text only --------------------------------------
  // `text` with the words that start with a query term wrapped in <mark>.
  function highlighted(text, terms) {
    var frag = document.createDocumentFragment();
    text.split(/([\p{L}\p{N}][\p{L}\p{N}\-_.]*)/u).forEach(function (part, i) {
      var lower = part.toLowerCase();
      var hit = i % 2 === 1 && terms.some(function (t) { return lower.indexOf(t) === 0 || lower.split(JOIN).indexOf(t) >= 0; });
      if (hit) {
        var mark = document.createElement("mark");
        mark.textContent = part;
        frag.appendChild(mark);
      } else if (part) {
        frag.appendChild(document.createTextNode(part));
      }
    });
    return frag;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function resultItem(doc, terms, tag) {
    var item = el(tag, "search-result");
    var link = el("a", "search-result-title");
    link.href = base + doc.url;
    link.appendChild(highlighted(doc.title, terms));
    var head = el("div", "search-result-head");
    head.appendChild(el("span", "badge sev sev-" + doc.severity.toLowerCase(), doc.severity));
    head.appendChild(document.createTextNode(" "));
    head.appendChild(link);
    item.appendChild(head);
    var meta = doc.date + " · " + doc.status + (doc.services ? " · " + doc.services.split(" ").join(", ") : "") +
      (doc.open ? " · " + doc.open + " open action item" + (doc.open === 1 ? "" : "s") : "");
    item.appendChild(el("p", "meta", meta));
    if (doc.summary) {
      var snippet = el("p", "search-snippet");
      snippet.appendChild(highlighted(doc.summary, terms));
      item.appendChild(snippet);
    }
    return item;
  }

  // --- the header box: results as you type --------------------------------
  function headerBox() {
    var input = document.getElementById("site-search");
    var list = document.getElementById("site-search-results");
    if (!input || !list) { return; }
    var seq = 0, active = -1;
    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; input.removeAttribute("aria-activedescendant"); }
    function setActive(i) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) { return; }
      active = (i + items.length) % items.length;
      items.forEach(function (it, j) { it.setAttribute("aria-selected", j === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }
    input.addEventListener("input", function () {
      var q = input.value, mine = ++seq;
      if (!q.trim()) { close(); return; }
      search(q, {}, true).then(function (r) {
        return describe(r.docs.slice(0, 8)).then(function (docs) {
          if (mine !== seq) { return; }
          list.textContent = "";
          docs.forEach(function (doc, i) {
            var item = resultItem(doc, r.terms, "div");
            item.id = "site-search-option-" + i;
            item.setAttribute("role", "option");
            item.setAttribute("aria-selected", "false");
            list.appendChild(item);
          });
          var all = el("a", "search-all", r.docs.length ? "All " + r.docs.length + " results" : "No results");
          all.href = base + "search.html?q=" + encodeURIComponent(q);
          list.appendChild(all);
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
          active = -1;
        });
      }).catch(function () {});
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); setActive(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); setActive(active - 1); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        var link = list.querySelectorAll("[role=option]")[active].querySelector("a");
        if (link) { location.href = link.href; }
      }
    });
    document.addEventListener("click", function (e) { if (!input.form.contains(e.target)) { close(); } });
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      var typing = t && (t.isContentEditable || /^(input|textarea|select)$/i.test(t.tagName));
      if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); input.focus(); }
    });
  }

  // --- the results page ------------------------------------------------------
  var FACETS = [["severity", "Severity"], ["status", "Status"], ["service", "Service"], ["tag", "Tag"], ["year", "Year"]];

  function resultsPage() {
    var form = document.getElementById("search-page");
    if (!form) { return; }
    form.hidden = false;
    var noJs = document.getElementById("search-no-js");
    if (noJs) { noJs.hidden = true; }
    var input = form.elements.q;
    var list = document.getElementById("search-results");
    var count = document.getElementById("search-count");
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    var seq = 0;
    ready().then(function () {
      var box = document.getElementById("search-facets");
      FACETS.forEach(function (f) {
        var label = el("label", null, f[1] + " ");
        var select = el("select");
        select.name = f[0];
        select.appendChild(el("option", null, "Any")).value = "";
        (meta.facets[f[0]] || []).forEach(function (v) { select.appendChild(el("option", null, v)).value = v; });
        select.value = params.get(f[0]) || "";
        label.appendChild(select);
        box.appendChild(label);
        select.addEventListener("change", run);
      });
      run();
    });
    input.addEventListener("input", run);
    form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
    function run() {
      var mine = ++seq, facets = {}, query = new URLSearchParams();
      if (input.value) { query.set("q", input.value); }
      FACETS.forEach(function (f) {
        var s = form.elements[f[0]];
        if (s && s.value) { facets[f[0]] = s.value; query.set(f[0], s.value); }
      });
      try { history.replaceState(null, "", "?" + query.toString()); } catch (e) { /* file:// in some browsers */ }
      if (!input.value.trim() && !Object.keys(facets).length) { list.textContent = ""; count.textContent = ""; return; }
      search(input.value, facets, true).then(function (r) {
        return describe(r.docs.slice(0, 50)).then(function (docs) {
          if (mine !== seq) { return; }
          list.textContent = "";
          docs.forEach(function (doc) { list.appendChild(resultItem(doc, r.terms, "li")); });
          count.textContent = r.docs.length + " result" + (r.docs.length === 1 ? "" : "s") + (r.docs.length > 50 ? ", showing the first 50" : "");
        });
      }).catch(function (e) { count.textContent = "Search failed: " + e.message; });
    }
  }

  function start() { headerBox(); resultsPage(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
