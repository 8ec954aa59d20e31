// Volunteer quick mode: search shows each procedure's whole checklist at once (printable), and
// "Gửi cho người dân" shows QR codes the citizen scans to continue on their own phone.
import { api, query } from "./api.js";
import { $, clear, el, showStatus } from "./dom.js";
import { startPage } from "./shell.js";

const S = {
  consent: "Người dân đồng ý được ghi nhận lượt hỗ trợ (không lưu thông tin cá nhân)",
  send: "Gửi cho người dân",
  print: "In trang này",
  documents: "Giấy tờ cần chuẩn bị",
  facts: "Thông tin chính",
  fee: "Lệ phí", time: "Thời gian giải quyết", where: "Nơi nộp trực tiếp", agency: "Cơ quan giải quyết",
  inPerson: "Vẫn phải đến trực tiếp", online: "Nộp trực tuyến", result: "Kết quả",
  onlineYes: (label, portal) => `Có${label ? " – " + label : ""}, tại ${portal}`,
  onlineNo: "Chưa nộp trực tuyến được",
  vneid: "Cũng nộp được trên ứng dụng VNeID.",
  count: (n) => ` · ${n} bản`,
  form: (f) => ` · ${f}`,
  optional: "Chỉ cần trong một số trường hợp.",
  found: (n) => `${n} thủ tục khớp`,
  none: "Không tìm thấy thủ tục nào. Thử gõ cách khác, ví dụ tên giấy tờ người dân cần.",
  searching: "Đang tìm…",
  channels: { web: "Trang web", telegram: "Telegram", zalo: "Zalo", messenger: "Messenger" },
  zaloNote: "Trên Zalo, người dân gõ tên thủ tục sau khi mở.",
  recorded: "Đã ghi nhận một lượt hỗ trợ (không lưu thông tin của người dân).",
  notRecorded: "Không ghi nhận lượt này vì người dân chưa đồng ý.",
};

function svgNode(markup) {
  // The server makes the SVG (segno); parse it as SVG rather than set innerHTML.
  const doc = new DOMParser().parseFromString(markup, "image/svg+xml");
  return document.importNode(doc.documentElement, true);
}

function documentItem(doc) {
  return el("li", {},
    el("span", {}, doc.name, " "),
    el("span", { class: "doc-kind" }, "(" + doc.kind_label + ")"),
    doc.count > 1 ? S.count(doc.count) : null,
    doc.form ? S.form(doc.form) : null,
    !doc.required ? el("div", { class: "muted" }, S.optional) : null,
    doc.note ? el("div", { class: "muted" }, doc.note) : null);
}

function fact(label, value) {
  return value ? [el("dt", {}, label), el("dd", {}, value)] : [];
}

function card(item) {
  const consent = el("input", { type: "checkbox", id: "consent-" + item.id });
  const send = el("button", { type: "button", class: "btn", onclick: () => handOver(item, consent.checked, send) }, S.send);
  const online = item.online.available ? S.onlineYes(item.online.level_label, item.online.portal) : S.onlineNo;
  return el("article", { class: "assist-card", "aria-labelledby": "t-" + item.id },
    el("h2", { id: "t-" + item.id }, item.name),
    el("p", {}, item.summary),
    el("h3", {}, S.documents),
    el("ol", {}, item.documents.map(documentItem)),
    el("h3", {}, S.facts),
    el("dl", {},
      fact(S.fee, item.fee), fact(S.time, item.time),
      fact(S.agency, item.where.agency), fact(S.where, item.where.place),
      fact(S.inPerson, item.in_person),
      fact(S.online, online + (item.online.vneid ? " " + S.vneid : "")),
      fact(S.result, item.result)),
    el("div", { class: "assist__actions" },
      el("label", { class: "check", for: consent.id }, consent, " ", S.consent),
      send,
      el("button", { type: "button", class: "btn btn--ghost", onclick: (e) => printOne(e.target) }, S.print)),
    el("div", { "data-card-error": "", hidden: true }));
}

// Print the procedure the volunteer chose, not every search result: the other cards are left out of the
// printout (assist.css) until the browser says printing is over.
function printOne(button) {
  const chosen = button.closest(".assist-card");
  document.body.classList.add("print-one");
  for (const c of document.querySelectorAll(".assist-card")) c.classList.toggle("print-this", c === chosen);
  window.addEventListener("afterprint", () => document.body.classList.remove("print-one"), { once: true });
  window.print();
}

// An error about one card is shown under its buttons, where the volunteer is looking.
function cardError(button, message) {
  const box = button.closest(".assist-card").querySelector("[data-card-error]");
  showStatus(box, message, "error");
  if (message) box.scrollIntoView({ block: "nearest" });
}

async function handOver(item, consent, button) {
  button.disabled = true;
  cardError(button, "");
  try {
    const data = await api("assist/handover", { method: "POST", body: { procedure: item.id, consent } });
    $("#handover-name").textContent = data.name;
    clear($("#handover-links"), data.links.map((link) =>
      el("figure", { class: "assist__qr" }, svgNode(link.qr_svg),
        el("figcaption", {}, el("strong", {}, S.channels[link.channel] || link.channel),
          el("div", { class: "url" }, link.url),
          link.opens_procedure ? null : el("div", { class: "muted" }, S.zaloNote)))));
    $("#handover-note").textContent = data.recorded ? S.recorded : S.notRecorded;
    $("#handover").showModal();
  } catch (err) {
    cardError(button, err.message);
  } finally {
    button.disabled = false;
  }
}

async function search(q) {
  showStatus($("#page-status"), "");
  $("#count").textContent = S.searching;
  try {
    const data = await api("assist/search" + query({ q }));
    clear($("#results"), data.items.map(card));
    $("#count").textContent = data.items.length ? S.found(data.items.length) : S.none;
  } catch (err) {
    $("#count").textContent = "";
    showStatus($("#page-status"), err.message, "error");
  }
}

async function main() {
  await startPage("assist");
  $("#search").addEventListener("submit", (event) => {
    event.preventDefault();
    const q = $("#q").value.trim();
    if (q) search(q);
  });
  $("#handover-close").addEventListener("click", () => $("#handover").close());
  const start = new URLSearchParams(location.search).get("q");
  if (start) { $("#q").value = start; search(start); }
}

main();
