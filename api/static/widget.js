// Embed the Motcua chat in any provincial portal or ward page with one tag:
//   <script src="https://<motcua host>/widget.js" defer></script>
// It adds a chat bubble in the corner that opens the chat panel (an iframe of the chat page on the
// Motcua host, so the page's own scripts and styles are untouched). Words come from GET /api/ui.
// The conversation token (X-Motcua-Conversation) lives inside that iframe, on the Motcua origin: this
// script and the page embedding it never see it, and never talk to /api/chat themselves.
(function () {
  "use strict";
  if (window.__motcuaWidget) return;
  window.__motcuaWidget = true;
  var script = document.currentScript;
  var base = new URL(".", script.src).toString();
  var css = [
    ".motcua-bubble{position:fixed;right:16px;bottom:16px;z-index:2147483000;width:60px;height:60px;",
    "border-radius:50%;border:0;background:#b3261e;color:#fff;font:600 15px/1 sans-serif;cursor:pointer;",
    "box-shadow:0 4px 14px rgba(0,0,0,.25)}",
    ".motcua-bubble:focus-visible{outline:3px solid #1a56db;outline-offset:3px}",
    ".motcua-panel{position:fixed;right:16px;bottom:88px;z-index:2147483000;width:min(400px,calc(100vw - 32px));",
    "height:min(640px,calc(100vh - 120px));border:1px solid #cac4d0;border-radius:14px;overflow:hidden;",
    "box-shadow:0 8px 28px rgba(0,0,0,.25);background:#fff;display:none}",
    ".motcua-panel.open{display:block}.motcua-panel iframe{width:100%;height:100%;border:0}"
  ].join("");
  var style = document.createElement("style");
  style.textContent = css;
  document.head.appendChild(style);

  var bubble = document.createElement("button");
  bubble.type = "button";
  bubble.className = "motcua-bubble";
  bubble.textContent = "MC";
  bubble.setAttribute("aria-expanded", "false");
  bubble.setAttribute("aria-controls", "motcua-panel");
  var panel = document.createElement("div");
  panel.className = "motcua-panel";
  panel.id = "motcua-panel";
  panel.setAttribute("role", "dialog");
  var frame = null;

  bubble.addEventListener("click", function () {
    var open = !panel.classList.contains("open");
    if (open && !frame) {
      frame = document.createElement("iframe");
      frame.src = base;
      frame.title = bubble.getAttribute("aria-label") || "Motcua";
      panel.appendChild(frame);
    }
    panel.classList.toggle("open", open);
    bubble.setAttribute("aria-expanded", String(open));
    if (open && frame) frame.focus();
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && panel.classList.contains("open")) { bubble.click(); bubble.focus(); }
  });

  fetch(base + "api/ui").then(function (r) { return r.ok ? r.json() : {}; }).catch(function () { return {}; })
    .then(function (ui) {
      if (ui.widget_label) { bubble.setAttribute("aria-label", ui.widget_label); bubble.title = ui.widget_label; }
      if (ui.title) panel.setAttribute("aria-label", ui.title);
    });
  document.body.appendChild(panel);
  document.body.appendChild(bubble);
})();
