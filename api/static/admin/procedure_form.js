// The quick-edit form: the handful of facts officials change most (name, fee, processing time, notes on
// documents, date of last check). It never writes YAML itself: each change goes to POST /admin/api/form,
// which edits those fields in the YAML text and keeps everything else (comments, layout) as it was.
import { el, clear, todayIso } from "./dom.js";
import { T } from "./strings.js";
import { valueAt } from "./yaml_read.js";

const FIELDS = [
  { group: "basics", legend: "Thông tin chung", fields: [
    { path: "name", kind: "text", label: "Tên thủ tục", hint: "Tên đầy đủ, như trên Cổng Dịch vụ công quốc gia." },
  ] },
  { group: "fee", legend: "Lệ phí", fields: [
    { path: "fee.free", kind: "check", label: "Miễn lệ phí (người dân không phải nộp tiền)" },
    { path: "fee.text", kind: "textarea", label: "Câu nói về lệ phí",
      hint: "Bot đọc nguyên văn câu này cho người dân. Ví dụ: “50.000 đồng; nộp trực tuyến được giảm 50%”." },
    { path: "fee.amount", kind: "money", label: "Số tiền nộp tại cơ quan (đồng)", hint: T.emptyMeansNone, optional: true },
    { path: "fee.online_amount", kind: "money", label: "Số tiền khi nộp trực tuyến (đồng)",
      hint: "Nếu nộp trực tuyến được giảm. " + T.emptyMeansNone, optional: true },
  ] },
  { group: "processing_time", legend: "Thời gian giải quyết", fields: [
    { path: "processing_time.text", kind: "textarea", label: "Thời gian giải quyết (câu nói cho người dân)" },
    { path: "processing_time.working_days", kind: "number", label: "Số ngày làm việc",
      hint: "Chỉ gõ số, ví dụ 3 hoặc 0,5. " + T.emptyMeansNone, optional: true },
  ] },
  { group: "documents", legend: "Ghi chú về giấy tờ", documents: true },
  { group: "last_verified", legend: "Kiểm tra thông tin", fields: [
    { path: "last_verified", kind: "date", label: "Ngày kiểm tra gần nhất",
      hint: "Ngày bạn đối chiếu thủ tục với văn bản chính thức.", optional: true },
  ] },
];

const inputId = (path) => "f-" + path.replace(/\./g, "-");

/** The value to send for what was typed: numbers as numbers, empty optional fields as null (removed). */
export function changeValue(spec, input) {
  if (spec.kind === "check") return input.checked;
  const raw = input.value.trim();
  if (raw === "") return spec.optional ? null : "";
  if (spec.kind === "money") {
    const digits = raw.replace(/\s|\.|,|đồng|đ|vnd/gi, "");
    return /^\d+$/.test(digits) ? Number(digits) : raw; // anything else goes as typed: the server explains
  }
  if (spec.kind === "number") {
    const n = raw.replace(",", ".");
    return /^\d+(\.\d+)?$/.test(n) ? Number(n) : raw;
  }
  return raw;
}

function shown(spec, value) {
  if (value === null || value === undefined) return "";
  if (spec.kind === "number") return String(value).replace(".", ",");
  return String(value);
}

export class QuickForm {
  constructor(form, { onChange, onCommit }) {
    this.form = form;
    this.onChange = onChange; // (path, value) while typing
    this.onCommit = onCommit; // (path, value) when a field is left or a box ticked
    this.specs = new Map();
  }

  field(spec) {
    const id = inputId(spec.path);
    const errorId = id + "-error";
    const hintId = id + "-hint";
    let input;
    if (spec.kind === "textarea") input = el("textarea", { id, rows: 3 });
    else if (spec.kind === "check") input = el("input", { id, type: "checkbox" });
    else if (spec.kind === "date") input = el("input", { id, type: "date" });
    else input = el("input", { id, type: "text", inputmode: spec.kind === "text" ? null : spec.kind === "money" ? "numeric" : "decimal" });
    input.dataset.path = spec.path;
    input.setAttribute("aria-describedby", `${spec.hint ? hintId : ""} ${errorId}`.trim());
    const hint = spec.hint ? el("span", { class: "hint", id: hintId }, spec.hint) : null;
    const extra = spec.kind === "money" ? el("span", { class: "hint money", id: id + "-money", "aria-live": "polite" }) : null;
    const error = el("div", { class: "field-error", id: errorId, hidden: true });
    this.specs.set(spec.path, { spec, input, error, extra });
    const typed = () => { this.showMoney(spec.path); this.onChange(spec.path, changeValue(spec, input)); };
    const committed = () => this.onCommit(spec.path, changeValue(spec, input));
    input.addEventListener(spec.kind === "check" ? "change" : "input", spec.kind === "check" ? committed : typed);
    if (spec.kind !== "check") input.addEventListener("change", committed);
    if (spec.kind === "check") return el("div", { class: "field" }, el("label", { class: "check", for: id }, input, spec.label), error);
    const today = spec.kind === "date"
      ? el("button", { type: "button", class: "btn btn--ghost btn--small", onclick: () => { input.value = todayIso(); committed(); } }, T.today)
      : null;
    return el("div", { class: "field" }, el("label", { for: id }, spec.label, hint),
      today ? el("div", { class: "row" }, el("div", { class: "spacer" }, input), today) : input, extra, error);
  }

  /** Build the fields for this procedure's data (documents differ between procedures). */
  render(data) {
    this.specs.clear();
    const sets = FIELDS.map((group) => {
      let fields = group.fields || [];
      if (group.documents) {
        fields = (valueAt(data, "documents") || []).map((doc, i) => ({
          path: `documents.${i}.note`, kind: "textarea", optional: true,
          label: T.docNote(doc && doc.name ? doc.name : String(i + 1)),
        }));
        if (!fields.length) return null;
      }
      return el("fieldset", { dataset: { group: group.group } }, el("legend", {}, group.legend), fields.map((f) => this.field(f)));
    });
    clear(this.form, sets);
    this.fill(data);
  }

  /** Show the values of data; fields the official is typing in keep their text. */
  fill(data) {
    for (const [path, { spec, input }] of this.specs) {
      if (document.activeElement === input) continue;
      const value = valueAt(data, path);
      if (spec.kind === "check") input.checked = value === true;
      else input.value = shown(spec, value);
      this.showMoney(path);
    }
  }

  /** The document list changed shape (a document added or removed in YAML): the form must be rebuilt. */
  matches(data) {
    const docs = valueAt(data, "documents") || [];
    const have = [...this.specs.keys()].filter((p) => p.startsWith("documents.")).length;
    return Array.isArray(docs) && docs.length === have;
  }

  showMoney(path) {
    const entry = this.specs.get(path);
    if (!entry || !entry.extra) return;
    const value = changeValue(entry.spec, entry.input);
    entry.extra.textContent = typeof value === "number" ? T.money(value) : "";
  }

  setDisabled(disabled) {
    for (const { input } of this.specs.values()) input.disabled = disabled;
  }

  /** Put each problem next to its field (or its group); return the problems that have no place here. */
  showProblems(problems, describe) {
    for (const { input, error } of this.specs.values()) { error.hidden = true; input.removeAttribute("aria-invalid"); }
    for (const set of this.form.querySelectorAll("fieldset")) {
      set.removeAttribute("aria-invalid");
      const old = set.querySelector(":scope > .field-error");
      if (old) old.remove();
    }
    const elsewhere = [];
    for (const p of problems) {
      const entry = this.specs.get(p.field);
      if (entry) {
        entry.error.hidden = false;
        entry.error.textContent = p.message;
        entry.input.setAttribute("aria-invalid", "true");
        continue;
      }
      const group = this.form.querySelector(`fieldset[data-group="${CSS.escape(String(p.field).split(".")[0])}"]`);
      if (group && !/^documents\./.test(p.field)) {
        group.setAttribute("aria-invalid", "true");
        group.appendChild(el("div", { class: "field-error", role: "note" }, describe(p)));
        continue;
      }
      elsewhere.push(p);
    }
    return elsewhere;
  }

  /** Warnings (valid, but worth a second look) under their field; `sentence` rebuilds the fee sentence. */
  showWarnings(warnings, sentence) {
    const shown = new Set([...this.form.querySelectorAll(".field-warn")].map((w) => w.textContent));
    for (const old of this.form.querySelectorAll(".field-warn")) old.remove();
    for (const w of warnings) {
      const entry = this.specs.get(w.field);
      if (!entry) continue;
      const rewrite = sentence && w.field === "fee.text"
        ? el("button", { type: "button", class: "btn btn--ghost btn--small", onclick: () => {
          entry.input.value = sentence; this.onCommit(w.field, sentence);
        } }, T.feeRewrite)
        : null;
      const box = el("div", { class: "field-warn", role: "status" }, el("span", {}, w.message), rewrite);
      entry.error.after(box);
      // A new warning comes into view where the official is typing (the amount boxes are just below).
      if (!shown.has(box.textContent)) box.scrollIntoView({ block: "nearest" });
    }
  }

  focusField(path) {
    const entry = this.specs.get(path);
    if (entry) { entry.input.focus(); return true; }
    const group = this.form.querySelector(`fieldset[data-group="${CSS.escape(String(path).split(".")[0])}"]`);
    const first = group && group.querySelector("input, textarea");
    if (first) { first.focus(); return true; }
    return false;
  }

  hasField(path) {
    return this.specs.has(path) || (!/^documents\./.test(path) &&
      Boolean(this.form.querySelector(`fieldset[data-group="${CSS.escape(String(path).split(".")[0])}"]`)));
  }

  /** Texts in the form that differ from the published data: marked in the simulator. */
  changedTexts(draft, published) {
    const out = [];
    for (const [path] of this.specs) {
      const now = valueAt(draft, path);
      if (typeof now === "string" && now !== valueAt(published, path)) {
        // The short card shows a fact's first sentence only: mark each sentence too, so it is found there.
        out.push(now.trim(), ...now.split(/(?<=[.;!?])\s+/).map((part) => part.replace(/[.;!?]$/, "").trim()));
      }
    }
    return out;
  }
}
