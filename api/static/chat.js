// Motcua web chat: plain JavaScript, no build step. Talks to POST /api/chat; every word on the page comes
// from the server (GET /api/ui, taken from flows.yaml), so officials can change it without a programmer.
// The conversation token (made by the server on the first POST /api/chat, sent back in the
// X-Motcua-Conversation header) and the transcript live in localStorage, so a reload keeps the conversation.
(function () {
  "use strict";
  var API = new URL("api/chat", document.baseURI).toString();
  var UI_API = new URL("api/ui", document.baseURI).toString();
  var KEY_TOKEN = "motcua.token";
  var TOKEN_HEADER = "X-Motcua-Conversation";
  var KEY_LOG = "motcua.log";
  var MAX_KEPT = 200; // transcript entries kept across reloads

  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("input");
  var status = document.getElementById("status");
  var restart = document.getElementById("restart");
  var ui = {};
  var busy = false;

  // Only the holder of the token may read or write the conversation; the server hands it out once.
  function withToken(headers) {
    var token = localStorage.getItem(KEY_TOKEN);
    if (token) headers[TOKEN_HEADER] = token;
    return headers;
  }
  function keepToken(data) { if (data && typeof data.token === "string") localStorage.setItem(KEY_TOKEN, data.token); }
  function safeUrl(url) { return typeof url === "string" && /^https?:\/\//i.test(url); }

  function loadTranscript() {
    try { return JSON.parse(localStorage.getItem(KEY_LOG) || "[]"); } catch (e) { return []; }
  }
  function saveTranscript(entries) {
    localStorage.setItem(KEY_LOG, JSON.stringify(entries.slice(-MAX_KEPT)));
  }
  var transcript = loadTranscript();

  // Turn plain text into nodes, making web addresses clickable without ever inserting HTML.
  function linkify(parent, text) {
    // Group 1: a full address; group 2: a bare portal name, without the space or bracket before it.
    var re = /(https?:\/\/[^\s<>"')]+)|(?:^|[\s(])((?:dichvucong\.gov\.vn|vneid\.gov\.vn)[^\s<>"')]*)/g;
    var last = 0, m;
    while ((m = re.exec(text)) !== null) {
      var url = (m[1] || m[2]).replace(/[.,;:!?]+$/, ""); // the sentence's full stop is not the address's
      var start = m.index + m[0].indexOf(url);
      parent.appendChild(document.createTextNode(text.slice(last, start)));
      var a = document.createElement("a");
      a.href = /^https?:/.test(url) ? url : "https://" + url;
      a.textContent = url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      parent.appendChild(a);
      last = start + url.length;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function addBubble(who, text) {
    var div = document.createElement("div");
    div.className = "msg msg--" + who;
    linkify(div, text);
    log.appendChild(div);
    return div;
  }

  function addLinks(links) {
    if (!links || !links.length) return;
    var box = document.createElement("div");
    box.className = "links";
    links.forEach(function (l) {
      if (!safeUrl(l.url)) { box.appendChild(document.createTextNode(l.label)); return; } // javascript:, data:...
      var a = document.createElement("a");
      a.href = l.url; a.textContent = l.label; a.target = "_blank"; a.rel = "noopener noreferrer";
      box.appendChild(a);
    });
    log.appendChild(box);
  }

  function addChips(buttons, live) {
    if (!buttons || !buttons.length) return;
    var box = document.createElement("div");
    box.className = "chips";
    box.setAttribute("role", "group");
    box.tabIndex = -1; // focus lands on the group, so no button looks chosen before the citizen picks one
    buttons.forEach(function (b) {
      var chip = document.createElement("button");
      chip.type = "button";
      chip.className = "chip";
      chip.textContent = b.label;
      chip.dataset.id = b.id;
      if (!live) chip.disabled = true;
      chip.addEventListener("click", function () { press(b); });
      box.appendChild(chip);
    });
    log.appendChild(box);
  }

  function disableOldChips() {
    Array.prototype.forEach.call(log.querySelectorAll(".chip"), function (c) { c.disabled = true; });
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function render(entry, live) {
    if (entry.who === "me") { addBubble("me", entry.text); return; }
    addBubble("bot", entry.text);
    addLinks(entry.links);
    addChips(entry.buttons, live);
  }

  function showReplies(messages) {
    disableOldChips();
    messages.forEach(function (m, i) {
      var entry = { who: "bot", text: m.text, buttons: m.buttons || [], links: m.links || [] };
      transcript.push(entry);
      render(entry, i === messages.length - 1);
    });
    saveTranscript(transcript);
    scrollDown();
    var first = log.querySelector(".chip:not([disabled])");
    if (first) first.parentNode.focus({ preventScroll: true }); else input.focus({ preventScroll: true });
  }

  function send(body, echo) {
    if (busy) return Promise.resolve();
    busy = true;
    status.textContent = ui.typing || "";
    if (echo) {
      disableOldChips();
      var mine = { who: "me", text: echo };
      transcript.push(mine);
      render(mine, false);
      saveTranscript(transcript);
      scrollDown();
    }
    return fetch(API, { method: "POST", headers: withToken({ "Content-Type": "application/json" }), body: JSON.stringify(body) })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (data) { keepToken(data); status.textContent = ""; showReplies(data.messages || []); })
      .catch(function () { status.textContent = ui.offline || "…"; })
      .then(function () { busy = false; checkUpdates(); });
  }

  // A person who takes the conversation over writes between turns: ask GET /api/chat/updates once after
  // each turn, and every few seconds while the server says a handoff is open. The cursor survives reloads.
  var UPDATES_API = new URL("api/chat/updates", document.baseURI).toString();
  var KEY_AFTER = "motcua.after";
  var POLL_MS = 4000;
  var pollTimer = null;
  var inHandoff = false;

  function checkUpdates() {
    clearTimeout(pollTimer);
    pollTimer = null;
    var after = localStorage.getItem(KEY_AFTER);
    if (!localStorage.getItem(KEY_TOKEN)) return Promise.resolve(); // no conversation yet
    var url = UPDATES_API + (after ? "?after=" + encodeURIComponent(after) : "");
    return fetch(url, { headers: withToken({}) })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (data) {
        if (data.messages && data.messages.length) showReplies(data.messages);
        if (typeof data.after === "number") localStorage.setItem(KEY_AFTER, String(data.after));
        inHandoff = !!data.handoff;
        if (inHandoff) pollTimer = setTimeout(checkUpdates, POLL_MS);
      })
      .catch(function () { if (inHandoff) pollTimer = setTimeout(checkUpdates, POLL_MS * 3); });
  }

  function press(button) { send({ button: button.id }, button.label); }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    autoGrow();
    send({ text: text }, text);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });
  // Empty, the box is as tall as its hint typed in would be, so the hint's second line is never cut.
  function autoGrow() {
    input.style.height = "auto";
    var empty = !input.value;
    if (empty) input.value = input.placeholder;
    var needed = input.scrollHeight + input.offsetHeight - input.clientHeight;
    if (empty) input.value = "";
    input.style.height = Math.min(needed, 140) + "px";
  }
  input.addEventListener("input", autoGrow);
  window.addEventListener("resize", autoGrow);
  restart.addEventListener("click", function () {
    transcript = []; saveTranscript(transcript);
    log.textContent = "";
    send({ start: "" }, null);
  });

  function applyUi(texts) {
    ui = texts || {};
    Array.prototype.forEach.call(document.querySelectorAll("[data-ui]"), function (el) {
      var t = ui[el.getAttribute("data-ui")]; if (t) el.textContent = t;
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-ui-placeholder]"), function (el) {
      var t = ui[el.getAttribute("data-ui-placeholder")]; if (t) el.placeholder = t;
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-ui-label]"), function (el) {
      var t = ui[el.getAttribute("data-ui-label")]; if (t) el.setAttribute("aria-label", t);
    });
    if (ui.restart_label) restart.setAttribute("aria-label", ui.restart_label);
    if (ui.send_label) document.getElementById("send").setAttribute("aria-label", ui.send_label);
    autoGrow();
  }

  function begin() {
    var params = new URLSearchParams(location.search);
    var deepLink = params.get("p");
    if (transcript.length && !deepLink) {
      transcript.forEach(function (entry, i) { render(entry, i === transcript.length - 1); });
      scrollDown();
      checkUpdates();
      return;
    }
    send({ start: deepLink || "" }, null);
    if (deepLink) forgetDeepLink(params);
  }

  // A short link or QR opens the procedure once; a reload (phones reload the tab after the citizen
  // switches to VNeID) must then show the conversation as it stands, not open the procedure again.
  function forgetDeepLink(params) {
    params.delete("p");
    var rest = params.toString();
    history.replaceState(null, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
  }

  fetch(UI_API).then(function (r) { return r.ok ? r.json() : {}; }).catch(function () { return {}; })
    .then(applyUi).then(begin);
})();
