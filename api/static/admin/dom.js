// Small DOM helpers. Text always goes in as text nodes, never as HTML, so nothing typed by a citizen or
// an official can run as code on these pages.

/** el("a", {href: "x", class: "btn"}, "text", otherNode) */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
}

export function clear(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

export function debounce(fn, ms) {
  let timer = null;
  const wrapped = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  wrapped.cancel = () => clearTimeout(timer);
  return wrapped;
}

// 05/03/2026 and 14:05 05/03/2026: full years, leading zeros, as on Vietnamese official papers.
const DAY = { day: "2-digit", month: "2-digit", year: "numeric" };
const DATE_TIME = new Intl.DateTimeFormat("vi-VN", { ...DAY, hour: "2-digit", minute: "2-digit" });
const DATE = new Intl.DateTimeFormat("vi-VN", DAY);
const TIME = new Intl.DateTimeFormat("vi-VN", { timeStyle: "medium" });

export function formatDateTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : DATE_TIME.format(d);
}

export function formatDate(iso) {
  if (!iso) return "";
  // A bare date (YYYY-MM-DD) is a calendar day, not midnight UTC: build it in local time.
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const d = m ? new Date(+m[1], +m[2] - 1, +m[3]) : new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : DATE.format(d);
}

export const formatTime = (d) => TIME.format(d);

export function minutesSince(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? 0 : Math.max(0, Math.floor((Date.now() - d.getTime()) / 60000));
}

export function todayIso() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Say something to screen-reader users (and show it) through the page's polite live region. */
export function announce(message, kind = "info") {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.dataset.kind = kind;
  region.textContent = "";
  // A fresh text node after a tick makes screen readers read a repeated message again.
  setTimeout(() => { region.textContent = message; }, 30);
}

/** A status box (role=status or alert) that keeps one message at a time. */
export function showStatus(box, message, kind = "info") {
  box.hidden = !message;
  box.className = `notice notice--${kind}`;
  box.setAttribute("role", kind === "error" ? "alert" : "status");
  clear(box, message || "");
}
