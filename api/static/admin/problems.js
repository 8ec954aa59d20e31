// Turning a validation problem {line, field, message} into words and into a clickable list.
import { el, clear } from "./dom.js";
import { FIELD_NAMES, T } from "./strings.js";

const PART_NAMES = {
  note: "ghi chú", name: "tên", title: "tiêu đề", text: "nội dung", help: "hướng dẫn khi gặp khó khăn",
  kind: "loại giấy tờ", count: "số bản", required: "bắt buộc hay không", form: "số mẫu", amount: "số tiền",
  online_amount: "số tiền khi nộp trực tuyến", free: "miễn phí", where: "nơi nộp", level: "cấp",
  working_days: "số ngày làm việc", office: "nơi liên hệ", hotline: "đường dây nóng", officer: "người phụ trách",
  url: "địa chỉ web", vneid: "nộp trên VNeID", online: "nộp trực tuyến", post: "qua bưu điện",
  in_person: "nộp trực tiếp", send_dossier: "gửi hồ sơ qua bưu điện", return_result: "nhận kết quả qua bưu điện",
};

/** "documents.1.note" -> "giấy tờ thứ 2 › ghi chú" */
export function describeField(path) {
  if (!path) return "";
  if (FIELD_NAMES[path]) return FIELD_NAMES[path];
  const parts = path.split(".");
  const words = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const whole = parts.slice(0, i + 1).join(".");
    if (/^\d+$/.test(part)) { words[words.length - 1] += ` thứ ${Number(part) + 1}`; continue; }
    words.push(i === 0 ? FIELD_NAMES[whole] || part : FIELD_NAMES[whole] || PART_NAMES[part] || part);
  }
  return words.join(" › ");
}

/** One problem as a single sentence for lists: "Dòng 12 · lệ phí › số tiền: phải là số nguyên". */
export function problemText(p, { withLine = true } = {}) {
  const where = describeField(p.field);
  const head = [withLine && p.line ? T.line(p.line) : "", where].filter(Boolean).join(" · ");
  return head ? `${head}: ${p.message}` : p.message;
}

/** A list of problems, each a button that calls onPick(problem) (to jump to its line or field). */
export function renderProblemList(list, problems, onPick) {
  clear(list, problems.map((p) =>
    el("li", {}, el("button", { type: "button", onclick: () => onPick(p) },
      p.line ? el("strong", {}, T.line(p.line)) : null,
      problemText(p, { withLine: false })))));
  list.hidden = problems.length === 0;
}
