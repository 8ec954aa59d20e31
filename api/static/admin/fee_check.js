// Citizens read the fee sentence (fee.text), never the amount boxes: an amount the sentence does not say
// is a contradiction the checker cannot see (both are valid on their own), so it is warned about here,
// beside the sentence, with a way to rebuild the sentence from the amounts.
import { T } from "./strings.js";
import { valueAt } from "./yaml_read.js";

const AMOUNTS = [["fee.amount", () => T.feeAtCounter], ["fee.online_amount", () => T.feeOnline]];

/** Every sum of money a sentence says: "15.000", "15,000", "15000", "15 nghìn", "1,5 triệu". */
export function amountsSaid(text) {
  const found = new Set();
  const money = /(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?)(?:\s*(nghìn|ngàn|triệu))?/gi;
  for (const m of String(text || "").matchAll(money)) {
    const unit = m[2] ? (/triệu/i.test(m[2]) ? 1e6 : 1e3) : 1;
    const grouped = /^\d{1,3}(?:[.,]\d{3})+$/.test(m[1]);
    const n = grouped ? Number(m[1].replace(/[.,]/g, "")) : Number(m[1].replace(",", "."));
    found.add(Math.round(n * unit));
  }
  return found;
}

/** The amounts set in the boxes that the sentence does not say, as warnings: [{field, message}]. */
export function feeWarnings(data) {
  if (!data || valueAt(data, "fee.free") === true) return [];
  const said = amountsSaid(valueAt(data, "fee.text"));
  return AMOUNTS
    .map(([path, label]) => [valueAt(data, path), label()])
    .filter(([value]) => typeof value === "number" && !said.has(value))
    .map(([value, label]) => ({ field: "fee.text", message: T.feeNotSaid(value, label) }));
}

/** A sentence that says exactly the amounts: what "Viết lại câu theo số tiền" puts in fee.text. */
export function feeSentence(data) {
  const amount = valueAt(data, "fee.amount");
  const online = valueAt(data, "fee.online_amount");
  if (typeof amount !== "number") return null;
  return typeof online === "number" ? T.feeSentenceWithOnline(amount, online) : T.feeSentence(amount);
}
