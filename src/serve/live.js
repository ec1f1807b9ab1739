// retrobook serve: reload when the site is rebuilt, and show build errors
// over the page until they are fixed. Injected by the dev server only.
(function () {
  "use strict";
  var overlay = null;

  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  function show(errors) {
    hide();
    overlay = document.createElement("div");
    overlay.id = "retrobook-errors";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
      "background:#2b0b0b;color:#ffecec;font:14px/1.5 ui-monospace,monospace;padding:16px 20px;" +
      "border-top:4px solid #ff5c5c;box-shadow:0 -4px 16px rgba(0,0,0,.4)";
    var title = document.createElement("strong");
    title.textContent = errors.length + " error" + (errors.length === 1 ? "" : "s") + " in the retros: the site shows the last good state of these files";
    overlay.appendChild(title);
    var list = document.createElement("ul");
    list.style.cssText = "margin:8px 0 0;padding-left:20px";
    errors.forEach(function (e) {
      var item = document.createElement("li");
      item.textContent = e.file + ":" + e.line + ":" + e.column + " " + e.rule + ": " + e.message;
      list.appendChild(item);
    });
    overlay.appendChild(list);
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide";
    close.style.cssText = "position:absolute;top:12px;right:16px";
    close.addEventListener("click", hide);
    overlay.appendChild(close);
    document.body.appendChild(overlay);
  }

  function status() {
    fetch("/__retrobook/status", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) { if (s.errors.length) { show(s.errors); } else { hide(); } })
      .catch(function () {});
  }

  // This page's path in the site, as the server names files.
  function here() {
    var path = decodeURIComponent(location.pathname).replace(/^\//, "");
    if (path === "" || path.charAt(path.length - 1) === "/") { path += "index.html"; }
    return path;
  }

  status();
  var events = new EventSource("/__retrobook/events");
  events.addEventListener("update", function (event) {
    var update = JSON.parse(event.data);
    var path = here();
    if (update.full || update.paths.indexOf(path) >= 0 || update.paths.indexOf(path + ".html") >= 0) {
      location.reload();
    } else {
      status();
    }
  });
})();
