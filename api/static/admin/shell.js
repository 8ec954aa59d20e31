// The frame every admin page shares: brand, navigation, who is signed in, sign-out.
import { api, takeNext } from "./api.js";
import { el, clear } from "./dom.js";
import { ROLE_NAMES, T } from "./strings.js";

const LINKS = [
  ["procedures", "/admin/"],
  ["unanswered", "/admin/unanswered.html"],
  ["stale", "/admin/stale.html"],
  ["assist", "/admin/assist.html"],
  ["inbox", "/admin/inbox.html"],
  ["history", "/admin/history.html"],
];

function renderTopbar(current, me) {
  const bar = document.getElementById("topbar");
  const nav = el("nav", { class: "topbar__nav", "aria-label": "Các trang quản trị" },
    el("ul", {}, LINKS.map(([key, href]) =>
      el("li", {}, el("a", { href, "aria-current": key === current ? "page" : null }, T.nav[key])))));
  const logout = el("button", { type: "button", class: "btn btn--ghost btn--small", id: "logout" }, T.logout);
  logout.addEventListener("click", async () => {
    try { await api("logout", { method: "POST", redirectOn401: false }); } catch { /* already signed out */ }
    location.assign("/admin/login.html");
  });
  const who = el("div", { class: "topbar__user" },
    el("span", { class: "topbar__name", id: "me-name", title: me.ward || null }, me.name),
    el("span", { class: "badge badge--role" }, ROLE_NAMES[me.role] || me.role),
    me.ward ? el("span", { class: "topbar__ward" }, me.ward) : null,
    logout);
  clear(bar,
    el("a", { class: "topbar__brand", href: "/admin/" }, el("span", { class: "topbar__logo", "aria-hidden": "true" }, "MC"),
      el("span", {}, "Một Cửa", el("span", { class: "topbar__suffix" }, " · Quản trị"))),
    nav, who);
}

/** Check the session, draw the frame, and give the page the signed-in person ({name, role, ward}). */
export async function startPage(current) {
  const me = await api("me");
  const next = takeNext();
  if (next && next !== location.pathname + location.search) {
    location.replace(next);
    return new Promise(() => {}); // the page is going away
  }
  renderTopbar(current, me);
  document.body.dataset.role = me.role;
  return me;
}

export const canEdit = (me) => me.role === "official" || me.role === "admin";
