// The procedure page: quick form or YAML editor over one draft text, checked by the server as the official
// types, previewed in the chat simulator, published with a comment. The draft is the single truth: the form
// edits it through /form, the YAML editor edits it directly, and both show the same server problems.
import { api, query } from "./api.js";
import { $, announce, clear, debounce, el, formatDate, formatDateTime, minutesSince, showStatus } from "./dom.js";
import { dropDraft, loadDraft, saveDraft } from "./drafts.js";
import { feeSentence, feeWarnings } from "./fee_check.js";
import { QuickForm } from "./procedure_form.js";
import { differencesView } from "./portal_diff.js";
import { describeField, problemText, renderProblemList } from "./problems.js";
import { canEdit, startPage } from "./shell.js";
import { Simulator } from "./simulator.js";
import { T } from "./strings.js";
import { readYaml } from "./yaml_read.js";
import { YamlEditor } from "./yaml_editor.js";

const params = new URLSearchParams(location.search);
const id = params.get("id") || "";
const file = `procedures/${id}.yaml`;
const s = { published: "", base: null, draft: "", problems: [], checked: null, previewed: null, mode: "form", me: null, fresh: false };

const editor = new YamlEditor($("#yaml"), {
  onChange: (yaml) => setDraft(yaml, { fromEditor: true }),
  caretBox: $("#caret"), caretProblem: $("#caret-problem"),
});
const form = new QuickForm($("#quick-form"), {
  onChange: (path, value) => { pending[path] = value; flushSoon(); },
  onCommit: (path, value) => { pending[path] = value; flushSoon.cancel(); flushForm(); },
});
const sim = new Simulator($("#sim"), {
  procedureId: id, getYaml: () => s.draft,
  highlight: () => form.changedTexts(readYaml(s.draft) || {}, readYaml(s.published) || {}),
});

// --- the draft ---------------------------------------------------------------------------------------
const keepDraft = debounce(() => {
  if (s.draft === s.published) dropDraft(id); else saveDraft(id, s.draft, s.base);
}, 400);

function setDraft(yaml, { fromEditor = false, fromForm = false } = {}) {
  if (yaml !== s.draft) $("#publish-status").hidden = true; // an older "published" or "fix first" is stale now
  s.draft = yaml;
  if (!fromEditor) editor.value = yaml;
  if (!fromForm && s.mode === "form") showFormFrom(yaml);
  keepDraft();
  renderChangeState();
  checkSoon();
}

function renderChangeState() {
  $("#change-state").textContent = s.draft === s.published ? T.unchanged : T.changed;
  $("#draft-status").hidden = s.draft === s.published || !$("#draft-text").textContent;
}

// --- the quick form -----------------------------------------------------------------------------------
let pending = {};
let flushing = null;
const flushSoon = debounce(() => flushForm(), 700);

async function flushForm() {
  if (flushing) { await flushing; if (!Object.keys(pending).length) return; }
  if (!Object.keys(pending).length) return;
  const changes = pending;
  pending = {};
  flushing = (async () => {
    try {
      const out = await api("form", { method: "POST", body: { id, yaml: s.draft, changes } });
      setDraft(out.yaml, { fromForm: true });
      // The form answer is checked already: no second round trip to /validate.
      if (Array.isArray(out.problems)) { checkSoon.cancel(); applyCheck(out.yaml, out.problems); }
    } catch (err) {
      // A field the form cannot set (422 names it): say so next to the field itself.
      if (err.status === 422 && err.data.field) showProblems([...s.problems, { field: err.data.field, message: err.message }]);
      else showStatus($("#page-status"), err.message, "error");
    }
  })();
  await flushing;
  flushing = null;
  if (Object.keys(pending).length) flushForm();
}

function showFormFrom(yaml) {
  const data = readYaml(yaml);
  const notice = $("#form-notice");
  if (!data) {
    showStatus(notice, T.yamlBroken, "warn");
    form.setDisabled(true);
    return;
  }
  notice.hidden = true;
  if (!form.matches(data)) form.render(data); else form.fill(data);
  form.setDisabled(!canEdit(s.me));
  form.showProblems(s.problems, (p) => problemText(p, { withLine: false }));
  form.showWarnings(feeWarnings(data), feeSentence(data));
}

// --- checking ------------------------------------------------------------------------------------------
const checkSoon = debounce(() => check(), 500);
const CHECK_RETRY_MS = 2000;

async function check() {
  const yaml = s.draft;
  if (yaml === s.checked) return;
  $("#check-status").textContent = T.checking;
  let out;
  try {
    out = await api("validate", { method: "POST", body: { file, yaml } });
  } catch (err) {
    $("#check-status").textContent = err.message;
    // A check lost on the way (no answer, the server busy or restarting) is asked again while the text
    // is unchanged: otherwise the draft would stay unchecked, its mistakes unmarked, until the next key.
    const transient = err.status === 0 || err.status === 429 || err.status >= 500;
    if (transient) setTimeout(() => { if (s.draft === yaml) check(); }, CHECK_RETRY_MS);
    return;
  }
  applyCheck(yaml, out.problems || []);
}

function applyCheck(yaml, problems) {
  if (yaml !== s.draft) return; // typed on meanwhile: a newer check is coming
  s.checked = yaml;
  showProblems(problems);
  sim.setBlocked(problems.length > 0);
  if (!problems.length && s.previewed !== yaml) { s.previewed = yaml; sim.replay(); }
}

function showProblems(all) {
  // Problems are about this file; a cross-check may also name another file, listed but not marked.
  const problems = all.map((p) => (p.file && p.file !== file ? { ...p, line: null, field: `${p.file}: ${p.field}` } : p));
  s.problems = problems;
  editor.setProblems(problems);
  const data = readYaml(s.draft);
  const warnings = feeWarnings(data); // valid, but contradicting what citizens read: said, not blocking
  const summary = $("#summary");
  summary.hidden = false;
  summary.className = `notice notice--${problems.length ? "error" : warnings.length ? "warn" : "ok"}`;
  $("#check-status").textContent = problems.length ? T.problemsCount(problems.length)
    : warnings.length ? T.feeWarnings(warnings.length)
    : s.draft === s.published ? T.noProblems : T.readyToPublish;
  renderProblemList($("#problems"), [...problems, ...warnings], pickProblem);
  form.showProblems(problems, (p) => problemText(p, { withLine: false }));
  form.showWarnings(warnings, feeSentence(data));
}

function pickProblem(p) {
  if (s.mode === "form" && form.hasField(p.field) && form.focusField(p.field)) return;
  setMode("yaml");
  if (p.line) editor.goToLine(p.line); else editor.text.focus();
}

// --- modes -----------------------------------------------------------------------------------------------
function setMode(mode) {
  s.mode = mode;
  for (const [tab, panel, name] of [["#tab-form", "#panel-form", "form"], ["#tab-yaml", "#panel-yaml", "yaml"]]) {
    const on = name === mode;
    $(tab).setAttribute("aria-selected", String(on));
    $(tab).tabIndex = on ? 0 : -1;
    $(panel).hidden = !on;
  }
  if (mode === "form") showFormFrom(s.draft);
  else { editor.renderGutter(); editor.renderBands(); }
}

for (const [tab, mode] of [["#tab-form", "form"], ["#tab-yaml", "yaml"]]) {
  $(tab).addEventListener("click", () => setMode(mode));
  $(tab).addEventListener("keydown", (e) => {
    if (!["ArrowLeft", "ArrowRight", "Home", "End"].includes(e.key)) return;
    e.preventDefault();
    const next = mode === "form" ? "yaml" : "form";
    setMode(next);
    $(next === "form" ? "#tab-form" : "#tab-yaml").focus();
  });
}

// --- publishing ----------------------------------------------------------------------------------------
function commentError(message) {
  const box = $("#comment-error");
  box.hidden = !message;
  box.textContent = message || "";
  if (message) $("#comment").setAttribute("aria-invalid", "true"); else $("#comment").removeAttribute("aria-invalid");
}

async function publish() {
  const status = $("#publish-status");
  $("#conflict").hidden = true;
  flushSoon.cancel();
  await flushForm();
  checkSoon.cancel();
  await check();
  if (s.problems.length) { showStatus(status, T.fixFirst, "error"); $("#summary").focus(); return; }
  if (s.draft === s.published) { showStatus(status, T.nothingToPublish, "warn"); return; }
  const comment = $("#comment").value.trim();
  if (comment.length < 3) { commentError(T.commentNeeded); $("#comment").focus(); return; }
  commentError("");
  $("#publish").disabled = true;
  showStatus(status, T.publishing);
  try {
    const out = await api("publish", { method: "POST", body: { file, yaml: s.draft, comment, base_revision: s.base } });
    if (out.unchanged) { showStatus(status, T.nothingToPublish, "warn"); return; }
    s.published = s.draft;
    s.base = out.revision;
    dropDraft(id);
    $("#comment").value = "";
    $("#draft-text").textContent = "";
    showRevision();
    renderChangeState();
    showStatus(status, T.published(out.revision), "ok");
    announce(T.published(out.revision));
  } catch (err) {
    if (err.status === 409) showConflict(err.data);
    else if (err.status === 422 && Array.isArray(err.data.problems)) { showProblems(err.data.problems); showStatus(status, T.fixFirst, "error"); }
    else showStatus(status, err.message, "error");
    if (err.status === 409) status.hidden = true;
  } finally {
    $("#publish").disabled = !canEdit(s.me);
  }
}

function showConflict(data) {
  $("#conflict").hidden = false;
  $("#conflict-text").textContent = T.conflict(data.changed_by, formatDateTime(data.changed_at) || "");
  $("#conflict-diff").href = "/admin/history.html" + query({ file, from: s.base, to: data.current_revision });
  $("#conflict-reload").focus();
}

function keep(yaml, summary) {
  $("#kept").hidden = false;
  $("#kept").open = true;
  $("#kept-summary").textContent = summary;
  $("#kept-text").value = yaml;
}

async function reloadLatest() {
  const mine = s.draft;
  await load();
  setDraft(s.published);
  dropDraft(id);
  keep(mine, T.yourDraftKept);
  $("#conflict").hidden = true;
}

// --- loading ---------------------------------------------------------------------------------------------
function showRevision() {
  const badge = $("#revision");
  badge.hidden = s.base === null || s.base === undefined;
  badge.textContent = T.revision(s.base);
}

// A procedure adopted from the national portal has no file yet: its draft (saved by portal_page.js) is all.
async function fetchProcedure() {
  try {
    return await api(`procedures/${encodeURIComponent(id)}`);
  } catch (err) {
    const saved = loadDraft(id);
    if (err.status !== 404 || !params.get("adopt") || !saved) throw err;
    s.fresh = true;
    return { yaml: "", revision: saved.base_revision, fields: readYaml(saved.yaml) || {}, portal: null };
  }
}

function showPortal(portal) {
  $("#portal-card").hidden = !portal;
  if (portal) clear($("#portal-diff"), differencesView(portal));
  $("#portal-heading").textContent = portal && !portal.differences.length ? T.portalSide : T.portalDiffers;
}

async function load() {
  const proc = await fetchProcedure();
  const f = proc.fields || {};
  showPortal(proc.portal);
  s.published = proc.yaml;
  s.base = proc.revision;
  document.title = `${f.name || id} · Một Cửa`;
  $("#title").textContent = f.name || id;
  if (s.fresh) $("#revision").after(el("span", { class: "badge badge--warn" }, T.newProcedure));
  $("#code").hidden = !f.code;
  $("#code").textContent = f.code ? `Mã ${f.code}` : "";
  $("#file-name").textContent = file;
  $("#history-link").href = "/admin/history.html" + query({ file });
  const verified = f.last_verified
    ? `Kiểm tra lần cuối: ${formatDate(f.last_verified)} (${T.daysAgo(Math.floor(minutesSince(f.last_verified) / 1440))}).`
    : `${T.neverVerified}.`;
  const unverified = (f.unverified || []).map(describeField);
  $("#verified-line").textContent = unverified.length ? `${verified} Chưa kiểm chứng: ${unverified.join(", ")}.` : verified;
  showRevision();
  return proc;
}

async function startDraft() {
  const alias = params.get("alias");
  const saved = loadDraft(id);
  if (alias) {
    const out = await api("alias-draft", { method: "POST", body: { id, alias } });
    history.replaceState(null, "", location.pathname + query({ id }));
    sim.startPayload = ""; // from the main menu, as the citizen who typed it
    sim.inputs = [[{ text: alias }, alias]];
    if (out.added === false) {
      showStatus($("#page-status"), T.aliasExists(alias), "info");
      return saved && saved.yaml !== s.published ? saved.yaml : s.published;
    }
    if (saved && saved.yaml !== s.published && saved.yaml !== out.yaml) keep(saved.yaml, T.yourDraftKept);
    $("#draft-text").textContent = T.aliasAdded(alias);
    $("#comment").value = T.aliasComment(alias);
    return out.yaml;
  }
  if (saved && s.fresh) { // adopted from the portal: say what is left to do
    $("#draft-text").textContent = T.adoptDraft;
    $("#comment").value = T.adoptComment((readYaml(saved.yaml) || {}).code || "");
    return saved.yaml;
  }
  if (saved && saved.yaml !== s.published) {
    s.base = saved.base_revision ?? s.base; // publish will tell if the file changed since the draft began
    $("#draft-text").textContent = T.draftRestored(formatDateTime(saved.saved_at));
    return saved.yaml;
  }
  return s.published;
}

$("#discard").addEventListener("click", async () => {
  dropDraft(id);
  if (s.fresh && params.get("adopt")) { location.href = "/admin/portal.html" + query({ id: params.get("adopt") }); return; }
  $("#draft-text").textContent = "";
  await load();
  setDraft(s.published);
  announce(T.draftDiscarded);
});
$("#publish").addEventListener("click", publish);
$("#conflict-reload").addEventListener("click", reloadLatest);
$("#comment").addEventListener("input", () => { if ($("#comment").value.trim().length >= 3) commentError(""); });

async function main() {
  s.me = await startPage("procedures");
  if (!id) { location.replace("/admin/"); return; }
  try {
    await load();
  } catch (err) {
    showStatus($("#page-status"), err.message, "error");
    $("#title").textContent = id;
    return;
  }
  if (!canEdit(s.me)) {
    showStatus($("#page-status"), T.formReadOnly, "warn");
    $("#publish-card").hidden = true;
    editor.text.readOnly = true;
  }
  let draft = s.published;
  try { draft = await startDraft(); } catch (err) { showStatus($("#page-status"), err.message, "error"); }
  form.render(readYaml(draft) || {});
  setDraft(draft);
  editor.setProblems([]);
  $("#draft-status").hidden = draft === s.published;
}

main();
