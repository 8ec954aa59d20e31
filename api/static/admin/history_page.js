// History: every published revision, a readable diff between any two, and a one-click rollback that
// publishes an old revision's files again as a new revision (nothing is ever deleted).
import { api, query } from "./api.js";
import { $, $$, announce, clear, el, formatDateTime, showStatus } from "./dom.js";
import { renderDiff } from "./diff_view.js";
import { canEdit, startPage } from "./shell.js";
import { T } from "./strings.js";

const params = new URLSearchParams(location.search);
const file = params.get("file") || "";
const VIEW_KEY = "motcua.admin.diffview";
let revisions = [];
let me = null;
let lastDiff = null;
let rollbackTarget = null;

const view = () => ($("input[name=view]:checked") || {}).value || "unified";
const picked = (name) => ($(`input[name=${name}]:checked`) || {}).value;

function revisionRow(rev, index) {
  const older = revisions[index + 1];
  const isCurrent = index === 0;
  const files = rev.files || [];
  const quick = older
    ? el("button", { type: "button", class: "btn btn--ghost btn--small", onclick: () => showDiff(older.id, rev.id) }, "Xem thay đổi")
    : null;
  const rollback = !isCurrent && canEdit(me)
    ? el("button", { type: "button", class: "btn btn--small", dataset: { revision: rev.id }, onclick: () => askRollback(rev) }, T.rollback)
    : null;
  return el("li", {},
    el("div", { class: "pick" },
      el("label", {}, el("input", { type: "radio", name: "from", value: rev.id, "aria-label": `Từ phiên bản ${rev.id}` }), "Từ"),
      el("label", {}, el("input", { type: "radio", name: "to", value: rev.id, "aria-label": `Đến phiên bản ${rev.id}` }), "Đến")),
    el("strong", {}, `#${rev.id}`, rev.restores ? el("span", { class: "badge badge--warn" }, T.restores(rev.restores)) : null),
    el("div", { class: "meta" },
      el("div", {}, rev.comment || el("span", { class: "muted" }, "(không có ghi chú)")),
      el("div", { class: "muted small" }, `${formatDateTime(rev.at)} · ${rev.author || ""}`,
        isCurrent ? el("span", { class: "badge badge--ok" }, T.current) : null),
      el("div", { class: "muted small" }, files.length > 3 ? T.files(files.length) : files.join(", "))),
    el("div", { class: "actions row" }, quick, rollback));
}

async function loadRevisions() {
  const data = await api("revisions" + query({ file, limit: 200 }));
  revisions = data.items || [];
  clear($("#revisions"), revisions.length ? revisions.map(revisionRow) : el("li", {}, T.noRevisions));
}

function selectPair(from, to) {
  for (const [name, value] of [["from", from], ["to", to]]) {
    const radio = $$(`input[name=${name}]`).find((r) => r.value === String(value));
    if (radio) radio.checked = true;
  }
}

async function showDiff(from, to) {
  selectPair(from, to);
  const card = $("#diff-card");
  card.hidden = false;
  $("#diff-range").textContent = `Từ phiên bản #${from} đến phiên bản #${to}${file ? ` · ${file}` : ""}`;
  clear($("#diff"), el("p", { class: "muted" }, T.loading));
  try {
    lastDiff = await api("diff" + query({ from, to, file }));
  } catch (err) {
    clear($("#diff"), el("p", { class: "notice notice--error", role: "alert" }, err.message));
    return;
  }
  drawDiff();
  history.replaceState(null, "", location.pathname + query({ file, from, to }));
  $("#diff").focus({ preventScroll: true });
  card.scrollIntoView({ block: "start" });
}

function drawDiff() {
  if (!lastDiff) return;
  const count = renderDiff($("#diff"), lastDiff.files || [], view());
  if (!count) clear($("#diff"), el("p", { class: "muted" }, T.noDiff));
}

/** A file's text on one side of a whole-file diff (every line is listed: see bot/admin/diffing.py). */
function sideText(fileDiff, side) {
  const skip = side === "from" ? "+" : "-";
  const lines = fileDiff.lines.filter((l) => l.op !== skip).map((l) => l.text);
  return lines.length ? lines.join("\n") + "\n" : null;
}

// A rollback brings back the whole content of that revision. Say exactly which files that changes; on a
// procedure's own history, offer to bring back only that procedure (published as a normal edit).
async function askRollback(rev) {
  rollbackTarget = { rev, impact: [], latest: revisions[0] ? revisions[0].id : null };
  $("#rollback-title").textContent = T.rollbackTitle(rev.id);
  $("#rollback-comment").value = T.rollbackComment(rev.id);
  $("#rollback-status").hidden = true;
  $("#rollback-scope").hidden = true;
  const impactBox = $("#rollback-impact");
  clear(impactBox, T.loading);
  $("#rollback-dialog").showModal();
  $("#rollback-comment").focus();
  try {
    const latest = (await api("revisions" + query({ limit: 1 }))).items[0].id;
    const diff = await api("diff" + query({ from: latest, to: rev.id }));
    rollbackTarget.latest = latest;
    rollbackTarget.impact = diff.files || [];
  } catch (err) {
    showStatus(impactBox, err.message, "error");
    return;
  }
  const files = rollbackTarget.impact.map((f) => f.file);
  if (!files.length) { showStatus(impactBox, T.rollbackNothing, "ok"); return; }
  clear(impactBox, T.rollbackImpact(rev.id), el("ul", {}, files.map((f) => el("li", {}, f))));
  const own = rollbackTarget.impact.find((f) => f.file === file);
  if (file && own && files.length > 1) {
    $("#rollback-scope").hidden = false;
    $("#scope-file").textContent = sideText(own, "to") !== null ? T.rollbackOnlyFile(file) : T.rollbackFileMissing;
    $("#scope-all").textContent = T.rollbackAll(files.length);
  }
}

async function rollbackOneFile(comment) {
  // The diff went from the newest revision to the old one, so the old text is its "to" side.
  const own = rollbackTarget.impact.find((f) => f.file === file);
  const old = sideText(own, "to");
  if (old === null) throw new Error(T.rollbackFileMissing);
  return api("publish", { method: "POST", body: { file, yaml: old, comment, base_revision: rollbackTarget.latest } });
}

async function doRollback(e) {
  e.preventDefault();
  const comment = $("#rollback-comment").value.trim();
  if (!comment) { $("#rollback-comment").focus(); return; }
  if (!rollbackTarget.impact.length) { $("#rollback-dialog").close(); return; }
  const button = $("#rollback-confirm");
  button.disabled = true;
  showStatus($("#rollback-status"), T.rolledBack);
  const onlyFile = !$("#rollback-scope").hidden && ($("input[name=scope]:checked") || {}).value === "file";
  try {
    const out = onlyFile
      ? await rollbackOneFile(comment)
      : await api("rollback", { method: "POST", body: { revision: rollbackTarget.rev.id, comment } });
    $("#rollback-dialog").close();
    showStatus($("#page-status"), T.rollbackDone(out.revision), "ok");
    announce(T.rollbackDone(out.revision));
    const previous = revisions[0] && revisions[0].id;
    await loadRevisions();
    if (previous !== undefined) await showDiff(previous, out.revision);
  } catch (err) {
    showStatus($("#rollback-status"), err.message, "error");
  } finally {
    button.disabled = false;
  }
}

async function main() {
  me = await startPage("history");
  if (file) {
    $("#title").textContent = `Lịch sử thay đổi: ${file}`;
    const scope = $("#scope");
    scope.hidden = false;
    clear(scope, "Chỉ hiện các phiên bản có sửa tệp này. ", el("a", { href: "/admin/history.html" }, "Xem mọi phiên bản"));
  }
  const saved = localStorage.getItem(VIEW_KEY);
  if (saved) $$("input[name=view]").forEach((r) => { r.checked = r.value === saved; });
  $$("input[name=view]").forEach((r) => r.addEventListener("change", () => { localStorage.setItem(VIEW_KEY, view()); drawDiff(); }));
  $("#compare").addEventListener("click", () => {
    const from = picked("from"), to = picked("to");
    if (!from || !to) { showStatus($("#page-status"), T.pickTwo, "warn"); return; }
    $("#page-status").hidden = true;
    showDiff(from, to);
  });
  $("#rollback-form").addEventListener("submit", doRollback);
  $("#rollback-cancel").addEventListener("click", () => $("#rollback-dialog").close());
  try {
    await loadRevisions();
  } catch (err) {
    showStatus($("#page-status"), err.message, "error");
    return;
  }
  const from = params.get("from"), to = params.get("to");
  if (from && to) await showDiff(from, to);
  else if (revisions.length > 1) selectPair(revisions[1].id, revisions[0].id);
}

main();
