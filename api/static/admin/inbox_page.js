// The inbox: conversations handed to a person, polled every few seconds. Claiming one silences the bot for
// that citizen; replies go out on the citizen's own channel; "hand back" gives the conversation to the bot.
import { api } from "./api.js";
import { $, announce, clear, el, formatDateTime, formatTime, minutesSince, showStatus } from "./dom.js";
import { startPage } from "./shell.js";
import { CHANNEL_NAMES, STATUS_NAMES, T, WHO_NAMES } from "./strings.js";

const POLL_MS = 4000;
const s = { me: null, items: [], selected: null, shownKey: "", waiting: null, timer: null, busy: false };

const mine = (item) => item && item.status === "active" && item.claimed_by === s.me.name;

function listButton(item) {
  const last = (item.transcript || []).filter((m) => m.who === "citizen").pop();
  return el("li", {}, el("button", {
    type: "button", class: item.status, "aria-current": item.id === s.selected ? "true" : "false",
    onclick: () => select(item.id),
  },
  el("strong", {}, `${CHANNEL_NAMES[item.channel] || item.channel}${item.ward ? " · " + item.ward : ""}`),
  item.procedure ? el("span", { class: "small" }, item.procedure_name || item.procedure) : null,
  last ? el("span", { class: "small muted" }, `“${last.text.slice(0, 80)}”`) : null,
  el("span", { class: "small" }, item.status === "waiting"
    ? T.waitingFor(T.minutesAgo(minutesSince(item.waiting_since)))
    : item.claimed_by ? T.claimedBy(item.claimed_by) : STATUS_NAMES[item.status])));
}

function renderList() {
  const waiting = s.items.filter((i) => i.status === "waiting");
  const active = s.items.filter((i) => i.status === "active");
  clear($("#waiting"), waiting.map(listButton));
  clear($("#active"), active.map(listButton));
  $("#n-waiting").textContent = String(waiting.length);
  $("#n-active").textContent = String(active.length);
  $("#empty").hidden = waiting.length + active.length > 0;
  document.title = (waiting.length ? `(${waiting.length}) ` : "") + "Hỗ trợ người dân · Một Cửa";
  if (s.waiting !== null && waiting.length > s.waiting) announce(T.newWaiting(waiting.length));
  s.waiting = waiting.length;
}

function bubble(m) {
  // A deep link or "get started" is recorded as the command the channel sent; say what it means.
  const started = m.who === "citizen" && /^\/start(\s|$)/.test(m.text);
  return el("div", { class: `msg msg--${m.who}` },
    el("span", { class: "msg__who" }, m.who === "person" ? m.by || WHO_NAMES.person : WHO_NAMES[m.who] || m.who),
    started ? el("em", {}, T.startedChat) : m.text, m.at ? el("time", { datetime: m.at }, formatDateTime(m.at)) : null);
}

function renderConversation() {
  const item = s.items.find((i) => i.id === s.selected);
  const box = $("#transcript");
  if (!item) {
    $("#conv-heading").textContent = "Cuộc trò chuyện";
    $("#conv-meta").textContent = T.selectConversation;
    for (const id of ["#transcript", "#conv-actions", "#reply-form", "#conv-status"]) $(id).hidden = true;
    return;
  }
  $("#conv-heading").textContent = `${CHANNEL_NAMES[item.channel] || item.channel} · ${STATUS_NAMES[item.status] || item.status}`;
  $("#conv-meta").textContent = [
    item.procedure ? `${T.procedureLabel}: ${item.procedure_name || item.procedure}` : "",
    item.ward ? `${T.wardLabel}: ${item.ward}` : "",
    item.waiting_since ? `Từ ${formatDateTime(item.waiting_since)}` : "",
  ].filter(Boolean).join(" · ");
  const transcript = item.transcript || [];
  const key = `${item.id}|${transcript.length}|${transcript.length ? transcript[transcript.length - 1].at : ""}`;
  box.hidden = false; // visible before drawing: a hidden box cannot be scrolled to its end
  if (key !== s.shownKey) { // redraw only when something new arrived, so reading is never interrupted
    const sameConversation = s.shownKey.startsWith(`${item.id}|`);
    const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    clear(box, transcript.map(bubble));
    if (!sameConversation || nearBottom) box.scrollTop = box.scrollHeight;
    s.shownKey = key;
  }
  const status = item.status === "waiting" ? T.waitingHint : mine(item) ? T.claimedByYou
    : item.status === "active" ? T.claimedBy(item.claimed_by || "") : T.closedHint;
  showStatus($("#conv-status"), status, mine(item) ? "ok" : item.status === "waiting" ? "warn" : "info");
  $("#conv-actions").hidden = !(item.status === "waiting" || mine(item));
  $("#claim").hidden = item.status !== "waiting";
  $("#release").hidden = !(mine(item) || item.status === "waiting");
  $("#reply-form").hidden = !mine(item);
}

// Say which queue the list shows: an empty list of the wrong ward must not look like a quiet day.
function showQueue(queue) {
  if (!queue) return;
  const box = $("#queue-name");
  box.textContent = queue.every_ward ? T.queueEveryWard : queue.ward ? T.queueWard(queue.ward) : T.queueNoWard;
  box.classList.toggle("queue-name--none", !queue.every_ward && !queue.ward);
}

function select(id) {
  s.selected = id;
  s.shownKey = "";
  renderList();
  renderConversation();
  if (window.matchMedia("(max-width: 899px)").matches) $("#conv").scrollIntoView({ block: "start" });
  $("#conv-heading").focus({ preventScroll: true });
}

async function refresh() {
  try {
    const data = await api("inbox");
    s.items = data.items || [];
    showQueue(data.queue);
    $("#page-status").hidden = true;
    $("#updated").textContent = T.updatedAt(formatTime(new Date()));
  } catch (err) {
    showStatus($("#page-status"), err.message, "error");
  }
  renderList();
  renderConversation();
}

function schedule() {
  clearTimeout(s.timer);
  s.timer = setTimeout(async () => { if (!document.hidden) await refresh(); schedule(); }, POLL_MS);
}

async function act(path, body, done) {
  if (s.busy || !s.selected) return;
  s.busy = true;
  try {
    await api(`inbox/${encodeURIComponent(s.selected)}/${path}`, { method: "POST", body });
    if (done) announce(done);
    return true;
  } catch (err) {
    showStatus($("#conv-status"), err.message, "error");
    return false;
  } finally {
    s.busy = false;
    await refresh();
  }
}

async function main() {
  s.me = await startPage("inbox");
  $("#claim").addEventListener("click", async () => { if (await act("claim", {}, T.claimed)) $("#reply").focus(); });
  $("#release").addEventListener("click", () => act("release", {}, T.released));
  $("#reply-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = $("#reply").value.trim();
    if (!text) { $("#reply").focus(); return; }
    if (await act("reply", { text }, T.sent)) $("#reply").value = "";
    $("#reply").focus();
  });
  $("#reply").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); $("#reply-form").requestSubmit(); }
  });
  document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });
  const wanted = new URLSearchParams(location.search).get("id");
  await refresh();
  if (wanted && s.items.some((i) => String(i.id) === wanted)) select(s.items.find((i) => String(i.id) === wanted).id);
  schedule();
}

main();
