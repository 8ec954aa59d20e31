// "Khác với Cổng DVCQG": a curated procedure's facts beside its national portal page, field by field.
// The server sends both sides as data (bot/admin/portal_diff.py); the words are here and in strings.js.
import { el } from "./dom.js";
import { LEVEL_NAMES, T } from "./strings.js";

function perChannel(rows) {
  return el("ul", { class: "plain" }, ...rows.map((r) =>
    el("li", {}, `${T.channelNames[r.kind] || r.kind}: ${r.value ?? T.notStated}`)));
}

function names(list, labels) {
  return list.map((v) => labels[v] || v).join(", ");
}

function documents(list) {
  return el("details", {}, el("summary", {}, T.documentsCount(list.length)),
    el("ol", {}, ...list.map((name) => el("li", {}, name))));
}

function side(field, value, ours) {
  if (field === "fee" || field === "time") return ours ? value : perChannel(value);
  if (field === "channels") return names(value, T.channelNames);
  if (field === "level") return ours ? (LEVEL_NAMES[value] || String(value)) : T.portalOnline[value];
  if (field === "agency_level") return ours ? T.agencyLevels[value] : names(value, T.agencyLevels);
  if (field === "documents") return documents(value);
  return String(value);
}

// A table: field | Danh mục Một Cửa | Cổng DVCQG. `portal` is the "portal" object of the API, or null.
export function differencesView(portal, { compact = false } = {}) {
  if (!portal) return compact ? null : el("p", { class: "muted" }, T.portalNoPage);
  const link = el("a", { href: portal.url, target: "_blank", rel: "noopener" }, T.portalOpen);
  if (!portal.differences.length) return compact ? null : el("p", {}, T.portalSame, " ", link);
  return el("div", { class: "portal-diff" },
    compact ? null : el("p", { class: "small muted" }, T.portalCaptured(portal.captured), " · ", link),
    el("table", { class: "table table--diff" },
      el("caption", { class: "visually-hidden" }, T.portalDiffers),
      el("thead", {}, el("tr", {},
        el("th", { scope: "col" }, ""), el("th", { scope: "col" }, T.ourSide), el("th", { scope: "col" }, T.portalSide))),
      el("tbody", {}, ...portal.differences.map((d) => el("tr", {},
        el("th", { scope: "row" }, T.diffFields[d.field] || d.field),
        el("td", { "data-label": T.ourSide }, side(d.field, d.curated, true)),
        el("td", { "data-label": T.portalSide }, side(d.field, d.portal, false)))))));
}
