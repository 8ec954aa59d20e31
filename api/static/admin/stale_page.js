// Stale content: never verified first, then the oldest check (the server already orders them).
import { api, query } from "./api.js";
import { $, clear, el, formatDate, showStatus } from "./dom.js";
import { differencesView } from "./portal_diff.js";
import { startPage } from "./shell.js";
import { T } from "./strings.js";

function row(item) {
  const never = !item.last_verified;
  return el("tr", {},
    el("td", { "data-label": "Thủ tục" }, el("a", { href: "/admin/procedure.html" + query({ id: item.id }) }, item.name)),
    el("td", { "data-label": "Kiểm tra gần nhất" },
      never ? el("span", { class: "badge badge--err" }, T.neverVerified) : formatDate(item.last_verified)),
    el("td", { "data-label": "Đã bao lâu" }, never ? "—" : T.daysAgo(item.days)),
    el("td", { "data-label": T.portalDiffers }, differencesView(item.portal, { compact: true }) || "—"));
}

async function main() {
  await startPage("stale");
  try {
    const data = await api("stale");
    const items = data.items || [];
    clear($("#list tbody"), items.map(row));
    $("#count").textContent = items.length ? T.countProcedures(items.length) : T.noStale;
    $("#list").hidden = !items.length;
  } catch (err) {
    showStatus($("#page-status"), err.message, "error");
  }
}

main();
