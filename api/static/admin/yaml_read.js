// Reads the block-style YAML of a procedure file into plain objects, so the quick-edit form can show what
// an official just typed in the YAML editor. Only for display: the server parses and validates for real
// (and rejects anchors, tags and the like). Returns null when the text is beyond this small reader.

function stripComment(line) {
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) { if (c === quote) quote = null; continue; }
    if (c === '"' || c === "'") { if (i === 0 || /[\s:\-[,{]/.test(line[i - 1])) quote = c; continue; }
    if (c === "#" && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

function scalar(raw) {
  const v = raw.trim();
  if (v === "" || v === "~" || v === "null") return null;
  if (v === "true") return true;
  if (v === "false") return false;
  if (/^-?\d+$/.test(v)) return Number(v);
  if (/^-?\d+\.\d+$/.test(v)) return Number(v);
  if (v.startsWith('"') && v.endsWith('"') && v.length > 1) {
    return JSON.parse(v.replace(/\\x([0-9a-fA-F]{2})/g, "\\u00$1").replace(/\n/g, "\\n"));
  }
  if (v.startsWith("'") && v.endsWith("'") && v.length > 1) return v.slice(1, -1).replace(/''/g, "'");
  if (v.startsWith("[") && v.endsWith("]")) {
    const inner = v.slice(1, -1).trim();
    return inner ? inner.split(",").map((s) => scalar(s)) : [];
  }
  if (/^["'[{&*!|>]/.test(v)) throw new Error("unsupported scalar");
  return v;
}

/** Does this quoted text end with its closing quote ('' and \" inside do not count)? */
function closed(text) {
  const q = text[0];
  const body = text.slice(1);
  if (q === "'") return /^(?:[^']|'')*'$/.test(body);
  return /^(?:[^"\\]|\\.)*"$/.test(body);
}

const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s"'#][^:#]*?)\s*:(?:\s+(.*))?$/;

class Reader {
  constructor(text) {
    this.raw = text.replace(/\r\n?/g, "\n").replace(/\t/g, "  ").split("\n");
    this.lines = this.raw.map((line) => {
      const body = stripComment(line);
      return { indent: body.length - body.trimStart().length, text: body.trim() };
    });
    this.i = 0;
  }

  skipBlank() { while (this.i < this.lines.length && !this.lines[this.i].text) this.i++; }

  peek() { this.skipBlank(); return this.i < this.lines.length ? this.lines[this.i] : null; }

  block(indent) {
    const line = this.peek();
    if (!line || line.indent < indent) return null;
    return line.text.startsWith("- ") || line.text === "-" ? this.sequence(line.indent) : this.mapping(line.indent);
  }

  mapping(indent, first = null) {
    const out = {};
    let entry = first;
    for (;;) {
      if (!entry) {
        const line = this.peek();
        if (!line || line.indent !== indent || line.text.startsWith("- ")) break;
        this.i++;
        entry = line.text;
      }
      const m = KEY.exec(entry);
      if (!m) throw new Error("not a mapping line");
      out[String(scalar(m[1]))] = this.value(m[2] || "", indent);
      entry = null;
    }
    return out;
  }

  sequence(indent) {
    const out = [];
    for (;;) {
      const line = this.peek();
      if (!line || line.indent !== indent || !(line.text.startsWith("- ") || line.text === "-")) break;
      this.i++;
      const rest = line.text.slice(1).trimStart();
      if (!rest) out.push(this.block(indent + 1));
      else if (KEY.test(rest) && !/^["']/.test(rest)) out.push(this.mapping(indent + 2, rest));
      else out.push(this.value(rest, indent));
    }
    return out;
  }

  value(rest, indent) {
    if (/^[>|][+-]?$/.test(rest)) return this.blockScalar(rest, indent);
    if (rest === "") {
      const next = this.peek();
      if (next && (next.indent > indent || (next.indent === indent && next.text.startsWith("- ")))) return this.block(next.indent);
      return null;
    }
    if (/^["']/.test(rest) && !closed(rest)) return this.quoted(rest);
    // A plain scalar may go on over more-indented lines; they join with spaces.
    let text = rest;
    for (;;) {
      const next = this.peek();
      if (!next || next.indent <= indent || /^["']/.test(rest)) break;
      text += " " + next.text;
      this.i++;
    }
    return scalar(text);
  }

  // A quoted scalar over several lines: line breaks fold to spaces (an empty line is a real line break).
  quoted(first) {
    let text = first;
    while (this.i < this.raw.length && !closed(text)) {
      const line = this.raw[this.i++].trim();
      text += line ? (/\n$/.test(text) ? "" : " ") + line : "\n";
    }
    if (!closed(text)) throw new Error("unclosed quote");
    return scalar(text.replace(/ ?\n ?/g, "\n"));
  }

  blockScalar(header, indent) {
    const folded = header[0] === ">";
    const chomp = header[1] || "";
    const body = [];
    let own = null;
    while (this.i < this.raw.length) {
      const raw = this.raw[this.i];
      const lead = raw.length - raw.trimStart().length;
      if (raw.trim() && lead <= indent) break;
      if (raw.trim() && own === null) own = lead;
      body.push(raw.trim() ? raw.slice(own) : "");
      this.i++;
    }
    while (body.length && body[body.length - 1] === "") body.pop();
    let text = folded ? body.join("\n").replace(/([^\n])\n(?=[^\n])/g, "$1 ") : body.join("\n");
    if (folded) text = text.replace(/\n\n/g, "\n");
    return chomp === "-" ? text : text + "\n";
  }
}

export function readYaml(text) {
  try {
    const reader = new Reader(text);
    const data = reader.block(0);
    return reader.peek() ? null : data;
  } catch {
    return null;
  }
}

/** The value at a dotted path ("fee.amount", "documents.1.note"), or undefined. */
export function valueAt(data, path) {
  let node = data;
  for (const part of path.split(".")) {
    if (node === null || node === undefined || typeof node !== "object") return undefined;
    node = node[part];
  }
  return node;
}
