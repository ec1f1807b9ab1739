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

  var meta = null;
  // Loaded data: shard number -> { text: term -> entry, facets: term ->
  // bitmap }; "term piece" -> postings; document -> row.
  var shards = {}, tails = {}, rows = {}, loading = {};
  // Query words that name a facet value: value -> { kind, how }.
  var facetWords = {};

  window.__rbs = {
    m: function (m) {
      meta = m;
      // The first term of shard n + 1 starts with keys[n]; shard 0 has none.
      meta.keys = decodeKeys(m.shards);
      m.codes.forEach(function (c) {
        if (c[2] === "Text") { return; }
        (m.facets[c[0]] || []).forEach(function (v) {
          var word = v.toLowerCase();
          if (!(word in facetWords)) { facetWords[word] = { kind: c[0], how: c[2] }; }
        });
      });
    },
    // A shard: [text terms front-coded, their entries, rows, facet terms].
    s: function (n, data) {
      var text = {};
      decodeKeys(data[0]).forEach(function (term, i) { text[term] = data[1][i]; });
      shards[n] = { text: text, facets: data[3] };
      data[2].forEach(function (row) { if (!rows[row[0]]) { rows[row[0]] = row.slice(1); } });
    },
    // Tail pieces: term, piece, postings, term, …
    t: function (n, list) { for (var i = 0; i < list.length; i += 3) { tails[list[i] + " " + list[i + 1]] = list[i + 2]; } },
    d: function (n, list) { list.forEach(function (row, i) { rows[n * meta.chunk + i] = row; }); },
    // For the tests: the query tokenizer, to compare with the Rust one.
    terms: function (q) { return queryTerms(q); }
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

  // Numbers as files.rs writes them: base 45 in printable characters, the
  // leading digits from the second half of DIGITS, the last from the first.
  var DIGITS = "#$%&'()*+,-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";
  var BASE = 45, VALUE = [];
  for (var i = 0; i < DIGITS.length; i++) { VALUE[DIGITS.charCodeAt(i)] = i; }

  // Front-coded words: each the length it shares with the previous one
  // (a digit, in UTF-16 units), then the rest; space-separated.
  function decodeKeys(text) {
    var out = [], last = "";
    text.split(" ").forEach(function (p) {
      if (!p) { return; }
      last = last.slice(0, VALUE[p.charCodeAt(0)]) + p.slice(1);
      out.push(last);
    });
    return out;
  }

  // Postings in impact order: `;`-separated groups of one weight followed
  // by document ids as gaps, each a number.
  function decodeImpact(text, out) {
    var w = -1, doc = 0, n = 0;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c === 59) { w = -1; continue; } // ";": a new group
      var v = VALUE[c];
      if (v >= BASE) { n = n * BASE + v - BASE; continue; }
      n = n * BASE + v;
      if (w < 0) { w = n; doc = 0; } else { doc += n; out.push([doc, w]); }
      n = 0;
    }
    return out;
  }

  // A facet term's documents: five a base-32 digit, lowest id lowest bit.
  function inBitmap(bitmap, doc) {
    var i = Math.floor(doc / 5);
    return i < bitmap.length && ((parseInt(bitmap[i], 32) >> (doc % 5)) & 1) === 1;
  }

  // --- tokenizing, as src/search/tokenize.rs does for queries -------------
  // Word characters as Rust's char::is_alphanumeric: Alphabetic or Numeric.
  function keep(w) {
    var chars = Array.from(w);
    var singleLetter = chars.length === 1 && /\p{Alphabetic}/u.test(chars[0]);
    return !singleLetter && STOP.indexOf(w) < 0;
  }

  function queryTerms(q) {
    var out = [];
    q.toLowerCase().split(/[^\p{Alphabetic}\p{N}\-_.]+/u).forEach(function (raw) {
      var w = raw.replace(/^[-_.]+|[-_.]+$/g, "");
      if (w && keep(w) && out.indexOf(w) < 0) { out.push(w); }
    });
    return out;
  }

  // Strings in code point order, as Rust sorts the terms (JavaScript's `<`
  // compares UTF-16 units, which differs beyond U+FFFF).
  function compare(a, b) {
    for (var i = 0; i < a.length && i < b.length;) {
      var x = a.codePointAt(i), y = b.codePointAt(i);
      if (x !== y) { return x < y ? -1 : 1; }
      i += x > 0xffff ? 2 : 1;
    }
    return a.length - b.length;
  }

  // The shard that holds `term`: the number of keys up to it.
  function shardFor(term) {
    var lo = 0, hi = meta.keys.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (compare(meta.keys[mid], term) <= 0) { lo = mid + 1; } else { hi = mid; }
    }
    return lo;
  }

  // Shards to load for a term; for a prefix, also the shards after its own
  // whose keys start with it, unless that is many (a short prefix of a big
  // index): then the term is matched whole until more is typed.
  function shardsFor(term, prefix) {
    var own = shardFor(term), last = own;
    if (prefix) {
      while (last < meta.keys.length && meta.keys[last].indexOf(term) === 0) { last++; }
      if (last - own > meta.prefixShards) { last = own; }
    }
    var out = [];
    for (var n = own; n <= last; n++) { out.push(n); }
    return out;
  }

  function ready() {
    return meta ? Promise.resolve() : load("search/meta.js");
  }

  // --- ranking, as SearchIndex::query in src/search/mod.rs ----------------
  function facetTerm(kind, value) {
    var code = meta.codes.filter(function (c) { return c[0] === kind; })[0];
    return code ? "=" + code[1] + ":" + value.toLowerCase() : null;
  }

  // The query's words and filters: severity and status words are filters,
  // service and tag words match only where they are keys or in a title.
  function plan(q, facets, prefixLast) {
    var terms = queryTerms(q), words = [], filters = [];
    Object.keys(facets).forEach(function (kind) {
      var term = facets[kind] && facetTerm(kind, facets[kind]);
      if (term) { filters.push(term); }
    });
    terms.forEach(function (t, i) {
      var named = facetWords[t];
      if (named && named.how === "Filter") { filters.push(facetTerm(named.kind, t)); return; }
      // A whole service or tag name is that key, not a prefix.
      var prefix = prefixLast && i === terms.length - 1 && Array.from(t).length >= 2 && !named;
      words.push({ term: t, prefix: prefix, keyOnly: !!named });
    });
    return { terms: terms, words: words, filters: filters };
  }

  // A query's results, best first, reading the heads of long postings
  // lists and as many tail files as it takes to give `need` results.
  function search(q, facets, prefixLast, need) {
    return ready().then(function () {
      var p = plan(q, facets, prefixLast), wanted = [];
      p.words.forEach(function (w) {
        shardsFor(w.term, w.prefix).forEach(function (k) { wanted.push(load("search/s-" + k + ".js")); });
      });
      p.filters.forEach(function (f) { wanted.push(load("search/s-" + shardFor(f) + ".js")); });
      function step() {
        var r = rank(p);
        if (r.complete || r.docs.length >= need) { return r; }
        return Promise.all(r.pending.map(function (path) { return load(path); })).then(step);
      }
      return Promise.all(wanted).then(step);
    });
  }

  // A text term's entry in its shard: its postings when the head holds
  // them all, else [df, head, tail file of each piece…].
  function textEntry(term) {
    var shard = shards[shardFor(term)];
    return shard ? shard.text[term] : undefined;
  }

  // A text term's postings loaded so far, its document frequency, and the
  // next tail file if any.
  function postings(term, entry) {
    if (typeof entry === "string") {
      var all = decodeImpact(entry, []);
      return { df: all.length, list: all, next: null };
    }
    var list = decodeImpact(entry[1], []);
    for (var piece = 0; piece < entry.length - 2; piece++) {
      var text = tails[term + " " + piece];
      if (text === undefined) { return { df: entry[0], list: list, next: "search/t-" + entry[2 + piece] + ".js" }; }
      decodeImpact(text, list);
    }
    return { df: entry[0], list: list, next: null };
  }

  function wordScores(w, n, pending) {
    var scores = {};
    shardsFor(w.term, w.prefix).forEach(function (k) {
      var shard = shards[k] ? shards[k].text : {};
      Object.keys(shard).forEach(function (term) {
        if (w.prefix ? term.indexOf(w.term) !== 0 : term !== w.term) { return; }
        var got = postings(term, shard[term]);
        if (got.next && pending.indexOf(got.next) < 0) { pending.push(got.next); }
        var keyOnly = w.keyOnly && term === w.term;
        var idf = Math.log(1 + (n - got.df + 0.5) / (got.df + 0.5));
        got.list.forEach(function (p) {
          var tier = Math.floor(p[1] / meta.levels);
          if (keyOnly && tier < meta.keyTier) { return; }
          var s = tier * meta.tierScore + idf * (p[1] % meta.levels);
          if (!(p[0] in scores) || scores[p[0]] < s) { scores[p[0]] = s; }
        });
      });
    });
    return scores;
  }

  function rank(p) {
    var n = meta.n, pending = [];
    var perWord = p.words.map(function (w) { return wordScores(w, n, pending); });
    var bitmaps = p.filters.map(function (f) {
      var shard = shards[shardFor(f)];
      return (shard && shard.facets[f]) || "";
    });
    function allowed(doc) { return bitmaps.every(function (b) { return inBitmap(b, doc); }); }
    var results = [];
    if (!perWord.length) {
      if (bitmaps.length) { for (var d = 0; d < n; d++) { if (allowed(d)) { results.push([d, 0]); } } }
    } else {
      Object.keys(perWord[0]).forEach(function (key) {
        var doc = +key;
        if (!perWord.every(function (t) { return doc in t; }) || !allowed(doc)) { return; }
        results.push([doc, perWord.reduce(function (sum, t) { return sum + t[doc]; }, 0)]);
      });
      // Any word instead of all, once every list is known not to hold more.
      if (!results.length && !pending.length) {
        var any = {};
        perWord.forEach(function (t) { Object.keys(t).forEach(function (k) { any[k] = (any[k] || 0) + t[k]; }); });
        Object.keys(any).forEach(function (k) { if (allowed(+k)) { results.push([+k, any[k]]); } });
      }
    }
    results.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    var docs = results.map(function (r) { return r[0]; });
    // With tails unread the count is known for one whole word alone.
    var total = pending.length ? null : docs.length;
    if (total === null && p.words.length === 1 && !p.words[0].prefix && !p.words[0].keyOnly && !bitmaps.length) {
      var entry = textEntry(p.words[0].term);
      total = entry === undefined ? null : postings(p.words[0].term, entry).df;
    }
    return { terms: p.words.map(function (w) { return w.term; }), docs: docs, total: total, complete: !pending.length, pending: pending };
  }

  // The result rows of some documents: from the shards where they came
  // with their terms, else from the catalog chunks.
  function describe(ids) {
    var chunks = {};
    ids.forEach(function (id) { if (!rows[id]) { chunks[Math.floor(id / meta.chunk)] = true; } });
    return Promise.all(Object.keys(chunks).map(function (c) { return load("search/d-" + c + ".js"); }))
      .then(function () {
        return ids.map(function (id) { return expand(rows[id]); });
      });
  }

  // A row as files.rs writes it: title, id, date (0: the id's first ten
  // characters), severity, status and services by their place among the
  // facet values, open action items, and in the catalog the summary.
  function expand(row) {
    var f = meta.facets, services = row[5] ? row[5].split(" ") : [];
    return {
      title: row[0], url: "retros/" + row[1] + ".html", date: row[2] === 0 ? row[1].slice(0, 10) : row[2],
      severity: (f.severity || [])[row[3]] || "", status: (f.status || [])[row[4]] || "",
      services: services.map(function (i) { return f.service[+i]; }).join(" "), open: row[6], summary: row[7] || ""
    };
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

  // Results in the header's dropdown, and per screen of the results page.
  var DROPDOWN = 8, SCREEN = 10;

  // "12 results", or "10+ results" while the tails of long lists are unread.
  function countText(r) {
    var n = r.total === null ? r.docs.length : r.total;
    return n + (r.total === null ? "+" : "") + " result" + (n === 1 && r.total !== null ? "" : "s");
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
      search(q, {}, true, DROPDOWN).then(function (r) {
        return describe(r.docs.slice(0, DROPDOWN)).then(function (docs) {
          if (mine !== seq) { return; }
          list.textContent = "";
          docs.forEach(function (doc, i) {
            var item = resultItem(doc, r.terms, "div");
            item.id = "site-search-option-" + i;
            item.setAttribute("role", "option");
            item.setAttribute("aria-selected", "false");
            list.appendChild(item);
          });
          // Nothing to open when nothing matched: a line, not a link.
          var all = r.docs.length ? el("a", "search-all", "All " + countText(r)) : el("p", "search-all search-none", "No results");
          if (r.docs.length) { all.href = base + "search.html?q=" + encodeURIComponent(q); }
          list.appendChild(all);
          list.shownQuery = q; // what the list answers (tests wait for it)
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
    // One screen of results, more when asked: the first screen reads only
    // the shards of the query's words (their rows come with them).
    var more = document.getElementById("search-more"), shown = SCREEN;
    if (more) { more.addEventListener("click", function () { shown += SCREEN; show(seq, true); }); }
    function run() {
      var facets = {}, query = new URLSearchParams();
      if (input.value) { query.set("q", input.value); }
      FACETS.forEach(function (f) {
        var s = form.elements[f[0]];
        if (s && s.value) { facets[f[0]] = s.value; query.set(f[0], s.value); }
      });
      try { history.replaceState(null, "", "?" + query.toString()); } catch (e) { /* file:// in some browsers */ }
      shown = SCREEN;
      show(++seq, false);
    }
    function show(mine, moved) {
      var facets = {};
      FACETS.forEach(function (f) { var s = form.elements[f[0]]; if (s && s.value) { facets[f[0]] = s.value; } });
      if (!input.value.trim() && !Object.keys(facets).length) {
        list.textContent = ""; count.textContent = ""; if (more) { more.hidden = true; }
        return;
      }
      var before = list.children.length;
      search(input.value, facets, true, shown + 1).then(function (r) {
        return describe(r.docs.slice(0, shown)).then(function (docs) {
          if (mine !== seq) { return; }
          list.textContent = "";
          docs.forEach(function (doc) { list.appendChild(resultItem(doc, r.terms, "li")); });
          count.textContent = r.docs.length ? countText(r) + (r.docs.length > shown ? ", showing the first " + shown : "") : "No results";
          if (more) { more.hidden = r.docs.length <= shown; }
          list.shownQuery = input.value;
          // After "More results", keyboard users go on from the first new one.
          var next = moved && list.children[before] && list.children[before].querySelector("a");
          if (next) { next.focus(); }
        });
      }).catch(function (e) { count.textContent = "Search failed: " + e.message; });
    }
  }

  function start() { headerBox(); resultsPage(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
