// A procedure of the national portal, read-only: the facts the importer read from its page, with "see the
// page" where it could not read them, and "adopt" to start a curated procedure pre-filled with them.
import { api, query } from "./api.js";
import { $, clear, el, showStatus } from "./dom.js";
import { saveDraft } from "./drafts.js";
import { canEdit, startPage } from "./shell.js";
import { T } from "./strings.js";

const id = new URLSearchParams(location.search).get("id") || "";
const SEE_PAGE = () => el("span", { class: "muted" }, T.notStated);

function fact(label, value) {
  return [el("dt", {}, label), el("dd", {}, value || SEE_PAGE())];
}

function show(data) {
  const page = data.page;
  document.title = `${data.name} · Một Cửa`;
  $("#title").textContent = data.name;
  $("#code").hidden = !data.code;
  $("#code").textContent = `Mã ${data.code}`;
  clear($("#captured"), T.portalCaptured(page.captured), " · ",
    el("a", { href: page.url, target: "_blank", rel: "noopener" }, T.portalOpen));
  clear($("#facts"),
    ...fact("Cấp thực hiện", page.level_text), ...fact("Lĩnh vực", page.sector), ...fact("Ai làm", page.who),
    ...fact("Cơ quan thực hiện", page.agency), ...fact("Cơ quan có thẩm quyền", page.competent),
    ...fact("Kết quả", (page.results || []).join("; ")));
  const channels = page.channels;
  clear($("#channels tbody"), ...(channels === null
    ? [el("tr", {}, el("td", { colspan: "3" }, SEE_PAGE()))]
    : channels.map((c) => el("tr", {},
      el("td", { "data-label": "Cách nộp" }, T.channelNames[c.kind]),
      el("td", { "data-label": "Thời gian" }, c.time || SEE_PAGE()),
      el("td", { "data-label": "Phí, lệ phí" }, c.fee || SEE_PAGE())))));
  const documents = page.documents;
  clear($("#documents"), documents === null ? el("p", {}, SEE_PAGE()) : el("ol", {}, ...documents.map((d) =>
    el("li", {}, d.name,
      el("span", { class: "muted small" }, " · ", T.formCount(d.originals, d.copies)),
      d.form ? el("div", { class: "small" }, `Mẫu: ${d.form}`) : null,
      d.case ? el("div", { class: "small muted" }, d.case) : null))));
  const laws = page.legal_basis;
  clear($("#legal"), ...(laws === null ? [el("li", {}, SEE_PAGE())]
    : laws.map((l) => el("li", {}, l.title, l.number && !l.title.includes(l.number) ? ` (${l.number})` : ""))));
}

async function adopt() {
  $("#adopt").disabled = true;
  try {
    const draft = await api(`portal/${encodeURIComponent(id)}/adopt`, { method: "POST" });
    saveDraft(draft.id, draft.yaml, draft.revision, "adopted");
    location.href = "/admin/procedure.html" + query({ id: draft.id, adopt: id });
  } catch (err) {
    showStatus($("#page-status"), err.message, "error");
    $("#adopt").disabled = false;
  }
}

async function main() {
  const me = await startPage("procedures");
  let data;
  try {
    data = await api(`portal/${encodeURIComponent(id)}`);
  } catch (err) {
    showStatus($("#page-status"), err.message, "error");
    $("#title").textContent = id;
    return;
  }
  show(data);
  if (data.curated) {
    $("#curated-line").hidden = false;
    clear($("#curated-line"), T.adoptedAlready(data.curated), " ",
      el("a", { href: "/admin/procedure.html" + query({ id: data.curated }) }, "Mở thủ tục"));
  } else if (canEdit(me)) {
    $("#adopt-card").hidden = false;
    $("#adopt-hint").textContent = T.adoptHint;
    $("#adopt").textContent = T.adopt;
    $("#adopt").addEventListener("click", adopt);
  }
}

main();
