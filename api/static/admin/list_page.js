// The procedures list: search and filters kept in the address bar, so a filtered list can be bookmarked
// or sent to a colleague.
import { api, query } from "./api.js";
import { $, clear, debounce, el, formatDate, minutesSince, showStatus } from "./dom.js";
import { describeField } from "./problems.js";
import { startPage } from "./shell.js";
import { LEVEL_NAMES, T } from "./strings.js";

const FILTERS = ["q", "tier", "sector", "level", "verified", "unverified"];
let sectorsShown = false;
let sectorsFor = null; // the tier whose sectors the select lists
let wantedSector = ""; // from the address bar, until the list of sectors has arrived
let asked = 0;

function current() {
  const out = {};
  for (const name of FILTERS) out[name] = $("#" + name).value.trim();
  if (!sectorsShown) out.sector = wantedSector;
  return out;
}

function verifiedCell(item) {
  if (!item.last_verified) return el("span", { class: "badge badge--err" }, T.neverVerified);
  const days = Math.floor(minutesSince(item.last_verified) / 1440);
  return el("span", {}, formatDate(item.last_verified), " ", el("span", { class: "muted small" }, `(${T.daysAgo(days)})`));
}

function row(item) {
  const unverified = item.unverified || [];
  const portal = item.tier === "portal";
  const page = portal ? "/admin/portal.html" : "/admin/procedure.html";
  if (portal) {
    return el("tr", {},
      el("td", { "data-label": "Thủ tục" }, el("a", { href: page + query({ id: item.id }) }, item.name),
        el("div", { class: "muted small" }, `Mã ${item.code}`, " · ", el("span", { class: "badge" }, T.tierNames.portal))),
      el("td", { "data-label": "Lĩnh vực" }, item.sector || ""),
      el("td", { "data-label": "Mức độ" }, el("span", { class: "muted" }, T.notStated)),
      el("td", { "data-label": "Kiểm tra gần nhất" }, "—"),
      el("td", { "data-label": "Chưa kiểm chứng" }, "—"));
  }
  return el("tr", {},
    el("td", { "data-label": "Thủ tục" },
      el("a", { href: page + query({ id: item.id }) }, item.name),
      item.code ? el("div", { class: "muted small" }, `Mã ${item.code}`) : null),
    el("td", { "data-label": "Lĩnh vực" }, item.sector || ""),
    el("td", { "data-label": "Mức độ" }, LEVEL_NAMES[item.level] || String(item.level ?? "")),
    el("td", { "data-label": "Kiểm tra gần nhất" }, verifiedCell(item)),
    el("td", { "data-label": "Chưa kiểm chứng" }, unverified.length
      ? el("span", { class: "badge badge--warn", title: unverified.map(describeField).join(", ") }, T.unverifiedCount(unverified.length))
      : el("span", { class: "badge badge--ok" }, T.allVerified)));
}

async function refresh() {
  const filters = current();
  history.replaceState(null, "", location.pathname + query(filters));
  const ticket = ++asked;
  $("#count").textContent = T.loading;
  let data;
  try {
    data = await api("procedures" + query(filters));
  } catch (err) {
    showStatus($("#page-status"), err.message, "error");
    return;
  }
  if (ticket !== asked) return; // an answer to an older search
  $("#page-status").hidden = true;
  if (sectorsFor !== filters.tier && Array.isArray(data.sectors)) { // each tier has its own sectors
    const select = $("#sector");
    clear(select, el("option", { value: "" }, "Tất cả"));
    sectorsShown = false;
    sectorsFor = filters.tier;
  }
  if (!sectorsShown && Array.isArray(data.sectors)) {
    const select = $("#sector");
    for (const sector of data.sectors) select.appendChild(el("option", { value: sector }, sector));
    select.value = wantedSector;
    sectorsShown = true;
  }
  const items = data.items || [];
  clear($("#list tbody"), items.map(row));
  const total = data.total ?? items.length;
  $("#count").textContent = !items.length ? T.noResults
    : items.length < total ? T.countShown(items.length, total) : T.countProcedures(items.length);
}

async function main() {
  await startPage("procedures");
  const params = new URLSearchParams(location.search);
  for (const name of FILTERS) if (params.get(name)) $("#" + name).value = params.get(name);
  wantedSector = params.get("sector") || "";
  $("#filters").addEventListener("submit", (e) => { e.preventDefault(); refresh(); });
  $("#q").addEventListener("input", debounce(refresh, 300));
  $("#tier").addEventListener("change", () => { $("#sector").value = ""; wantedSector = ""; }); // before refresh
  for (const name of FILTERS.slice(1)) $("#" + name).addEventListener("change", refresh);
  await refresh();
}

main();
