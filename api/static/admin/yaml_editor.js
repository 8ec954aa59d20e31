// A YAML editor without libraries: a plain <textarea> (so typing, undo, copy and screen readers all work as
// usual) over a layer that paints a band behind each line with an error, beside a line-number gutter.
// Lines never wrap, so line N always sits at the same height in the textarea, the layer and the gutter.
import { el, clear } from "./dom.js";
import { T } from "./strings.js";

export class YamlEditor {
  /** root: an element with .yaml__gutter, .yaml__layer and a textarea inside; status: caret/problem line. */
  constructor(root, { onChange, caretBox, caretProblem }) {
    this.root = root;
    this.text = root.querySelector("textarea");
    this.gutter = root.querySelector(".yaml__gutter");
    this.layer = root.querySelector(".yaml__layer");
    this.caretBox = caretBox;
    this.caretProblem = caretProblem;
    this.onChange = onChange;
    this.byLine = new Map(); // line number -> [problem messages]
    this.lineCount = 0;
    this.dirtyMarks = false;
    this.escaped = false; // Esc then Tab leaves the editor (keyboard users must never be trapped)
    this.text.addEventListener("input", () => { this.renderGutter(); this.renderCaret(); this.onChange(this.value); });
    this.text.addEventListener("scroll", () => this.syncScroll());
    for (const evt of ["keyup", "click", "focus", "select"]) this.text.addEventListener(evt, () => this.renderCaret());
    this.text.addEventListener("keydown", (e) => this.onKey(e));
  }

  get value() { return this.text.value; }

  set value(yaml) {
    this.text.value = yaml;
    this.renderGutter();
    this.renderCaret();
  }

  lineHeight() {
    return parseFloat(getComputedStyle(this.text).lineHeight) || 21;
  }

  onKey(e) {
    if (e.key === "Escape") { this.escaped = true; return; }
    if (e.key === "Tab" && !e.shiftKey && !this.escaped && !e.ctrlKey && !e.altKey && !e.metaKey) {
      // YAML forbids tab characters for indentation: insert two spaces, through the undo-friendly path.
      e.preventDefault();
      if (!document.execCommand || !document.execCommand("insertText", false, "  ")) {
        this.text.setRangeText("  ", this.text.selectionStart, this.text.selectionEnd, "end");
        this.text.dispatchEvent(new Event("input"));
      }
    }
    if (e.key !== "Escape") this.escaped = false;
  }

  renderGutter() {
    const count = this.text.value.split("\n").length;
    if (count === this.lineCount && !this.dirtyMarks) return;
    this.lineCount = count;
    this.dirtyMarks = false;
    const spans = [];
    for (let n = 1; n <= count; n++) {
      const msgs = this.byLine.get(n);
      spans.push(el("span", msgs ? { class: "is-err", title: msgs.join("\n") } : {}, String(n)));
    }
    spans.push(el("span", {}, "")); // room for the horizontal scrollbar
    clear(this.gutter, spans);
    this.syncScroll();
  }

  renderBands() {
    const lh = this.lineHeight();
    const bands = [];
    for (const line of this.byLine.keys()) bands.push(el("div", { class: "yaml__band", dataset: { line } }));
    clear(this.layer, bands);
    for (const band of bands) band.style.top = `${8 + (Number(band.dataset.line) - 1) * lh}px`;
    this.syncScroll();
  }

  syncScroll() {
    this.gutter.scrollTop = this.text.scrollTop;
    this.layer.style.transform = `translateY(${-this.text.scrollTop}px)`;
  }

  /** problems: [{line, field, message}] with line counted from 1; lines past the end mark the last line. */
  setProblems(problems) {
    this.byLine = new Map();
    const last = Math.max(1, this.text.value.split("\n").length);
    for (const p of problems) {
      if (!p.line) continue;
      const line = Math.min(Math.max(1, p.line), last);
      const list = this.byLine.get(line) || [];
      list.push(p.text || p.message);
      this.byLine.set(line, list);
    }
    this.text.setAttribute("aria-invalid", this.byLine.size ? "true" : "false");
    this.dirtyMarks = true;
    this.renderGutter();
    this.renderBands();
    this.renderCaret();
  }

  caretLine() {
    const before = this.text.value.slice(0, this.text.selectionStart);
    const line = before.split("\n").length;
    return { line, col: before.length - before.lastIndexOf("\n") };
  }

  renderCaret() {
    if (!this.caretBox) return;
    const { line, col } = this.caretLine();
    this.caretBox.textContent = T.caretLine(line, col);
    const msgs = this.byLine.get(line);
    this.caretProblem.textContent = msgs ? msgs.join(" · ") : "";
  }

  /** Put the caret on a line, select it and scroll it to the middle of the editor. */
  goToLine(line) {
    const lines = this.text.value.split("\n");
    const n = Math.min(Math.max(1, line), lines.length);
    let start = 0;
    for (let i = 0; i < n - 1; i++) start += lines[i].length + 1;
    this.text.focus({ preventScroll: true });
    this.text.setSelectionRange(start, start + lines[n - 1].length);
    this.text.scrollTop = Math.max(0, (n - 1) * this.lineHeight() - this.text.clientHeight / 2);
    this.text.scrollLeft = 0;
    this.syncScroll();
    this.renderCaret();
  }
}
