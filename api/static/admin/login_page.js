// The sign-in page: a one-time link pasted here is confirmed with POST /admin/login (token=...), which
// sets the session cookie and comes back to /admin/. Already signed in: straight on.
import { api } from "./api.js";
import { $, showStatus } from "./dom.js";
import { T } from "./strings.js";

function tokenFrom(text) {
  const value = text.trim();
  if (!value) return "";
  if (/^https?:\/\//i.test(value)) {
    try { return new URL(value).searchParams.get("token") || ""; } catch { return ""; }
  }
  return /^[A-Za-z0-9_\-.~]{16,}$/.test(value) ? value : "";
}

$("#login-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const token = tokenFrom($("#link").value);
  const error = $("#link-error");
  if (!token) {
    error.hidden = false;
    error.textContent = T.pasteInvalid;
    $("#link").setAttribute("aria-invalid", "true");
    $("#link").focus();
    return;
  }
  // POST spends the link (a GET only shows the confirm page, so link previews cannot spend it).
  const form = document.createElement("form");
  form.method = "post";
  form.action = "/admin/login";
  const field = document.createElement("input");
  field.type = "hidden";
  field.name = "token";
  field.value = token;
  form.append(field);
  document.body.append(form);
  form.submit();
});

async function main() {
  const params = new URLSearchParams(location.search);
  if (params.get("error")) showStatus($("#login-status"), T.linkInvalid, "error");
  // Where the official was going: the pages go there once signed in (only our own pages; see api.js).
  const next = params.get("next");
  if (next && /^\/admin\/[a-z_]*(\.html)?(\?[^#]*)?$/.test(next)) sessionStorage.setItem("motcua.admin.next", next);
  try {
    await api("me", { redirectOn401: false });
    location.replace("/admin/");
  } catch {
    $("#link").focus();
  }
}

main();
