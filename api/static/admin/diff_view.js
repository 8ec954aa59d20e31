// Readable diffs of YAML: line numbers on both sides, long unchanged stretches folded away, and inside a
// changed line the part that really changed is marked (so "20.000" -> "25.000" jumps out).
import { el, clear } from "./dom.js";
import { T } from "./strings.js";

const CONTEXT = 3;

/** Add old/new line numbers to [{op, text}]. */
function numbered(lines) {
  let a = 0, b = 0;
  return lines.map((l) => {
    if (l.op === "-") return { ...l, a: ++a, b: null };
    if (l.op === "+") return { ...l, a: null, b: ++b };
    return { ...l, op: " ", a: ++a, b: ++b };
  });
}

/** The changed middle of two similar lines: [prefix, middle, suffix] for each side. */
function split(before, after) {
  let p = 0;
  while (p < before.length && p < after.length && before[p] === after[p]) p++;
  let s = 0;
  while (s < before.length - p && s < after.length - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
  const cut = (t) => [t.slice(0, p), t.slice(p, t.length - s), t.slice(t.length - s)];
  return [cut(before), cut(after)];
}

function text(parts, cls) {
  if (!parts) return null;
  if (typeof parts === "string") return parts;
  return [parts[0], parts[1] ? el("span", { class: cls }, parts[1]) : null, parts[2]];
}

const keyOf = (text) => { const m = /^\s*(?:-\s+)?([^\s:#][^:#]*?)\s*:(?:\s|$)/.exec(text); return m ? m[1] : null; };

/** Rows of a change block: a removed line faces the added line with the same YAML key ("text:" with
 * "text:"), in order; lines without a partner stand alone. [[removed|null, added|null], ...] */
function pairUp(del, add) {
  const rows = [];
  let j = 0;
  for (const d of del) {
    const key = keyOf(d.text);
    const k = add.findIndex((a, i) => i >= j && keyOf(a.text) === key);
    if (key === null || k < 0) {
      rows.push([d, null]);
      continue;
    }
    while (j < k) rows.push([null, add[j++]]);
    rows.push([d, add[j++]]);
  }
  while (j < add.length) rows.push([null, add[j++]]);
  // Lines without keys (wrapped text) that stand alone next to each other still share a row.
  const merged = [];
  for (const row of rows) {
    const last = merged[merged.length - 1];
    if (last && row[0] === null && last[1] === null && last[0] !== null && keyOf(last[0].text) === null) last[1] = row[1];
    else merged.push(row);
  }
  return merged;
}

/** Group lines into blocks: runs of unchanged lines, and changes (removed lines paired with added ones). */
function blocks(lines) {
  const out = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i].op === " ") {
      const run = [];
      while (i < lines.length && lines[i].op === " ") run.push(lines[i++]);
      out.push({ same: run });
    } else {
      const del = [], add = [];
      while (i < lines.length && lines[i].op === "-") del.push(lines[i++]);
      while (i < lines.length && lines[i].op === "+") add.push(lines[i++]);
      out.push({ del, add });
    }
  }
  return out;
}

function sameRows(run, first, last, makeRow, width) {
  const keepHead = first ? 0 : CONTEXT;
  const keepTail = last ? 0 : CONTEXT;
  if (run.length <= keepHead + keepTail + 1) return run.map(makeRow);
  const hidden = run.slice(keepHead, run.length - keepTail);
  const skip = el("tr", { class: "skip" }, el("td", { colspan: width },
    el("button", { type: "button" }, T.sameLines(hidden.length))));
  skip.querySelector("button").addEventListener("click", () => {
    skip.replaceWith(...hidden.map(makeRow));
  });
  return [...run.slice(0, keepHead).map(makeRow), skip, ...run.slice(run.length - keepTail).map(makeRow)];
}

function unifiedTable(lines) {
  const num = (n) => el("td", { class: "num" }, n === null ? "" : String(n));
  const line = (l, parts) => el("tr", { class: l.op === "+" ? "add" : l.op === "-" ? "del" : "" },
    num(l.a), num(l.b), el("td", { class: "op", "aria-label": l.op === "+" ? "thêm" : l.op === "-" ? "bỏ" : null }, l.op.trim()),
    el("td", {}, text(parts || l.text, l.op === "+" ? "chg-add" : "chg-del")));
  const all = blocks(numbered(lines));
  const rows = all.flatMap((b, i) => {
    if (b.same) return sameRows(b.same, i === 0, i === all.length - 1, (l) => line(l), 4);
    const parts = new Map();
    for (const [d, a] of pairUp(b.del, b.add)) {
      if (d && a) { const [pd, pa] = split(d.text, a.text); parts.set(d, pd); parts.set(a, pa); }
    }
    return [...b.del.map((d) => line(d, parts.get(d))), ...b.add.map((a) => line(a, parts.get(a)))];
  });
  return el("table", {}, el("tbody", {}, rows));
}

function sideTable(lines) {
  const num = (n) => el("td", { class: "num" }, n === null || n === undefined ? "" : String(n));
  const cell = (l, parts, cls) => (l ? el("td", { class: cls }, text(parts || l.text, cls === "add" ? "chg-add" : "chg-del")) : el("td", { class: "empty" }));
  const all = blocks(numbered(lines));
  const head = el("thead", {}, el("tr", {}, el("th", { class: "num", scope: "col" }), el("th", { scope: "col" }, T.before),
    el("th", { class: "num", scope: "col" }), el("th", { scope: "col" }, T.after)));
  const rows = all.flatMap((b, i) => {
    if (b.same) return sameRows(b.same, i === 0, i === all.length - 1,
      (l) => el("tr", {}, num(l.a), el("td", {}, l.text), num(l.b), el("td", {}, l.text)), 4);
    return pairUp(b.del, b.add).map(([d, a]) => {
      const [pd, pa] = d && a ? split(d.text, a.text) : [null, null];
      return el("tr", {}, num(d && d.a), cell(d, pd, "del"), num(a && a.b), cell(a, pa, "add"));
    });
  });
  return el("table", {}, head, el("tbody", {}, rows));
}

/** Draw {files: [{file, lines}]} into box, as "unified" or "side". Returns how many files changed. */
export function renderDiff(box, files, mode) {
  const changed = (files || []).filter((f) => f.lines.some((l) => l.op !== " "));
  clear(box, changed.map((f) => el("section", { class: "diff", "aria-label": f.file },
    el("h3", { class: "diff__file" }, f.file), mode === "side" ? sideTable(f.lines) : unifiedTable(f.lines))));
  return changed.length;
}
