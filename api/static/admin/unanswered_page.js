// Unanswered questions, grouped and counted; each can become an alias of a procedure through a draft.
import { api, query } from "./api.js";
import { $, clear, el, formatDateTime, showStatus } from "./dom.js";
import { canEdit, startPage } from "./shell.js";
import { DECISION_NAMES, T } from "./strings.js";

let names = new Map(); // procedure id -> name
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
      el("label", { for: selectId }, T.chooseProcedure), el("div", { class: "row" }, el("div", { class: "spacer" }, select), open)));
}

function row(item) {
  return el("tr", {},
    el("td", { "data-label": "Người dân gõ" }, el("q", {}, item.text)),
    el("td", { "data-label": "Số lần", class: "nowrap" }, el("strong", {}, T.times(item.count))),
    el("td", { "data-label": "Lần gần nhất", class: "nowrap" }, formatDateTime(item.last_at)),
    el("td", { "data-label": "Chuyện gì xảy ra" }, DECISION_NAMES[item.decision] || item.decision || ""),
    el("td", { "data-label": "Thêm làm cách gọi khác" }, aliasCell(item)));
}

async function main() {
  me = await startPage("unanswered");
  try {
    const [questions, procedures] = await Promise.all([api("unanswered"), api("procedures")]);
    names = new Map((procedures.items || []).map((p) => [p.id, p.name]));
    const items = [...(questions.items || [])].sort((a, b) => b.count - a.count);
    clear($("#list tbody"), items.map(row));
    $("#count").textContent = items.length ? `${items.length} câu hỏi` : T.noUnanswered;
    $("#list").hidden = !items.length;
  } catch (err) {
    showStatus($("#page-status"), err.message, "error");
  }
}

main();
