// Unanswered questions, grouped and counted; each can become an alias of a procedure through a draft, or a
// phrasing of a topic of flows.yaml (general guidance such as OTP, postal return), published from here.
import { api, query } from "./api.js";
import { $, clear, el, formatDateTime, showStatus } from "./dom.js";
import { canEdit, startPage } from "./shell.js";
import { DECISION_NAMES, T } from "./strings.js";

let names = new Map(); // procedure id -> name
let topics = new Map(); // topic id -> title
let me = null;
let rowCount = 0;

const draftUrl = (id, alias) => "/admin/procedure.html" + query({ id, alias });

function aliasCell(item) {
  if (!canEdit(me)) return el("span", { class: "muted small" }, T.formReadOnly);
  const n = ++rowCount;
  const candidates = (item.candidates || []).filter((id) => names.has(id)).slice(0, 3); // the likeliest; the rest are in the list
  const links = candidates.map((id) =>
    el("a", { class: "btn btn--ghost btn--small", href: draftUrl(id, item.text) }, T.addAlias(names.get(id))));
  const selectId = `pick-${n}`;
  const select = el("select", { id: selectId },
    el("option", { value: "" }, "—"),
    [...names].map(([id, name]) => el("option", { value: id }, name)));
  const open = el("button", { type: "button", class: "btn btn--small" }, T.openDraft);
  open.addEventListener("click", () => { if (select.value) location.assign(draftUrl(select.value, item.text)); else select.focus(); });
  return el("div", { class: "row" }, links,
    el("details", {}, el("summary", {}, T.addAliasOther),
      el("label", { for: selectId }, T.chooseProcedure), el("div", { class: "row" }, el("div", { class: "spacer" }, select), open)),
    topicDetails(item, n));
}

// A phrasing of a topic: draft flows.yaml on the server, say what will change, publish on a second press.
function topicDetails(item, n) {
  const selectId = `topic-${n}`;
  const select = el("select", { id: selectId },
    el("option", { value: "" }, "—"),
    [...topics].map(([id, title]) => el("option", { value: id, selected: id === item.topic }, title)));
  const status = el("div", { hidden: true });
  const draft = el("button", { type: "button", class: "btn btn--small" }, T.topicDraft);
  const publish = el("button", { type: "button", class: "btn btn--small", hidden: true }, T.topicPublish);
  let pending = null;
  const title = () => topics.get(select.value) || select.value;
  select.addEventListener("change", () => { pending = null; publish.hidden = true; status.hidden = true; });
  draft.addEventListener("click", async () => {
    if (!select.value) { select.focus(); return; }
    try {
      const out = await api("topic-draft", { method: "POST", body: { topic: select.value, phrasing: item.text } });
      pending = out.added ? out : null;
      publish.hidden = !out.added;
      showStatus(status, out.added ? T.topicAdded(item.text, title()) : T.topicExists(item.text, title()), "info");
    } catch (err) { showStatus(status, err.message, "error"); }
  });
  publish.addEventListener("click", async () => {
    if (!pending) return;
    try {
      await api("publish", { method: "POST", body: {
        file: "flows.yaml", yaml: pending.yaml, comment: T.topicComment(item.text, title()), base_revision: pending.revision } });
      pending = null;
      publish.hidden = true;
      showStatus(status, T.topicPublished(title()), "ok");
    } catch (err) { showStatus(status, err.message, "error"); }
  });
  const near = item.topic && topics.has(item.topic) ? el("p", { class: "muted small" }, T.topicNear(topics.get(item.topic))) : null;
  return el("details", { open: item.topic ? true : undefined }, el("summary", {}, T.addToTopic), near,
    el("label", { for: selectId }, T.chooseTopic),
    el("div", { class: "row" }, el("div", { class: "spacer" }, select), draft, publish), status);
}

function row(item) {
  return el("tr", {},
    el("td", { "data-label": "Người dân gõ" }, el("q", {}, item.text)),
    el("td", { "data-label": "Số lần", class: "nowrap" }, el("strong", {}, T.times(item.count))),
    el("td", { "data-label": "Lần gần nhất", class: "nowrap" }, formatDateTime(item.last_at)),
    el("td", { "data-label": "Chuyện gì xảy ra" }, DECISION_NAMES[item.decision] || item.decision || ""),
    el("td", { "data-label": "Thêm làm cách gọi khác, cách nói" }, aliasCell(item)));
}

async function main() {
  me = await startPage("unanswered");
  try {
    const [questions, procedures] = await Promise.all([api("unanswered"), api("procedures")]);
    names = new Map((procedures.items || []).map((p) => [p.id, p.name]));
    topics = new Map((questions.topics || []).map((t) => [t.id, t.title]));
    const items = [...(questions.items || [])].sort((a, b) => b.count - a.count);
    clear($("#list tbody"), items.map(row));
    $("#count").textContent = items.length ? `${items.length} câu hỏi` : T.noUnanswered;
    $("#list").hidden = !items.length;
  } catch (err) {
    showStatus($("#page-status"), err.message, "error");
  }
}

main();
