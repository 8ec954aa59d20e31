// The chat simulator: the draft procedure as a citizen will see it. Every turn goes to POST /admin/api/preview
// with the draft text; the conversation state stays here in the page, and nothing is stored on the server.
// When the draft changes, the same inputs are played again, so the official sees the same point of the
// conversation with the new words.
import { api } from "./api.js";
import { el, clear } from "./dom.js";
import { T } from "./strings.js";

const MAX_REPLAY = 15; // inputs replayed after an edit; older ones are dropped

export class Simulator {
  constructor(root, { procedureId, getYaml, highlight }) {
    this.log = root.querySelector(".sim__log");
    this.status = root.querySelector(".sim__status");
    this.form = root.querySelector(".sim__form");
    this.input = this.form.querySelector("input");
    this.procedureId = procedureId;
    this.getYaml = getYaml;
    this.highlight = highlight || (() => []); // words to mark in the replies (what the official changed)
    this.inputs = []; // [[input, echo]] since the start, replayed after every edit
    this.state = null;
    this.startPayload = procedureId; // the deep link of this procedure; "" starts at the main menu
    this.generation = 0; // a newer replay makes the answers of an older one stale
    this.blocked = false;
    root.querySelector(".sim__restart").addEventListener("click", () => { this.inputs = []; this.replay(); });
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      const text = this.input.value.trim();
      if (!text || this.blocked) return;
      this.input.value = "";
      this.send({ text }, text);
    });
  }

  /** Problems in the draft: the simulator waits rather than show an error for every keystroke. */
  setBlocked(blocked) {
    this.blocked = blocked;
    this.input.disabled = blocked;
    if (blocked) this.status.textContent = T.simFixFirst;
  }

  async turn(state, input) {
    return api("preview", { method: "POST", body: { yaml: this.getYaml(), id: this.procedureId, state, input } });
  }

  async send(input, echo) {
    const generation = this.generation;
    this.status.textContent = T.simBusy;
    if (echo) this.bubble("me", echo);
    this.disableChips();
    try {
      const out = await this.turn(this.state, input);
      if (generation !== this.generation) return;
      this.inputs.push([input, echo]);
      this.state = out.state;
      this.show(out.messages || []);
      this.status.textContent = "";
    } catch (err) {
      if (generation === this.generation) this.status.textContent = err.status === 422 ? T.simFixFirst : T.simFailed;
    }
  }

  /** Start again from the procedure's deep link and play the remembered inputs through the current draft. */
  async replay() {
    if (this.blocked) return;
    const generation = ++this.generation;
    const inputs = this.inputs.slice(-MAX_REPLAY);
    this.status.textContent = T.simBusy;
    try {
      let out = await this.turn(null, { start: this.startPayload });
      const rendered = [[null, out.messages || []]];
      for (const [input, echo] of inputs) {
        out = await this.turn(out.state, input);
        rendered.push([echo, out.messages || []]);
      }
      if (generation !== this.generation) return;
      this.inputs = inputs;
      this.state = out.state;
      clear(this.log);
      rendered.forEach(([echo, messages], i) => {
        if (echo) this.bubble("me", echo);
        this.show(messages, i === rendered.length - 1);
      });
      this.status.textContent = "";
      // Bring the official's change into view (else the latest question and its answer), not the very end.
      const mark = this.log.querySelector("mark");
      const anchor = mark ? mark.closest(".msg") : [...this.log.querySelectorAll(".msg--me")].pop();
      if (anchor) this.log.scrollTop = Math.max(0, anchor.offsetTop - 12);
    } catch (err) {
      if (generation === this.generation) this.status.textContent = err.status === 422 ? T.simFixFirst : T.simFailed;
    }
  }

  bubble(who, text) {
    const node = el("div", { class: `msg msg--${who}` });
    this.fill(node, text, who === "bot" ? this.highlight() : []);
    this.log.appendChild(node);
    this.log.scrollTop = this.log.scrollHeight;
  }

  // Text only (never HTML); the official's changed words are wrapped in <mark> so they can find them.
  fill(node, text, marks) {
    const words = marks.filter((w) => w && w.length >= 3);
    if (!words.length) { node.textContent = text; return; }
    const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    const parts = text.split(new RegExp(`(${escaped.join("|")})`, "g"));
    parts.forEach((part, i) => node.appendChild(i % 2 ? el("mark", {}, part) : document.createTextNode(part)));
  }

  show(messages, live = true) {
    messages.forEach((m, i) => {
      this.bubble("bot", m.text);
      if (m.links && m.links.length) {
        this.log.appendChild(el("div", { class: "links" }, m.links.map((l) =>
          el("a", { href: l.url, target: "_blank", rel: "noopener noreferrer" }, l.label))));
      }
      if (m.buttons && m.buttons.length) {
        const last = live && i === messages.length - 1;
        this.log.appendChild(el("div", { class: "chips", role: "group" }, m.buttons.map((b) =>
          el("button", { type: "button", class: "chip", disabled: !last, onclick: () => this.send({ button: b.id }, b.label) },
            b.label))));
      }
    });
    this.log.scrollTop = this.log.scrollHeight;
  }

  disableChips() {
    for (const chip of this.log.querySelectorAll(".chip")) chip.disabled = true;
  }
}
