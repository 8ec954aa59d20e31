// The admin JSON API client: session cookie + CSRF header, plain-Vietnamese errors, 401 -> login page.
import { T } from "./strings.js";

const CSRF_COOKIE = "motcua_csrf";
const NEXT_KEY = "motcua.admin.next";

export class ApiError extends Error {
  constructor(status, message, data) {
    super(message);
    this.status = status; // 0 when the server could not be reached
    this.data = data || {};
  }
}

function cookie(name) {
  const pair = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  return pair ? decodeURIComponent(pair.slice(name.length + 1)) : "";
}

// Remember where the official was going, so the login page can bring them back after the one-time link.
export function goToLogin() {
  const here = location.pathname + location.search;
  if (here.startsWith("/admin/") && !here.startsWith("/admin/login")) sessionStorage.setItem(NEXT_KEY, here);
  location.assign("/admin/login.html");
}

export function takeNext() {
  const next = sessionStorage.getItem(NEXT_KEY);
  sessionStorage.removeItem(NEXT_KEY);
  // Only our own pages: never an open redirect.
  return next && /^\/admin\/[a-z_]+\.html(\?[^#]*)?$/.test(next) ? next : null;
}

function messageFor(status, data) {
  if (status === 403) return T.forbidden;
  if (status === 413) return T.tooLarge;
  if (status >= 500) return T.serverError;
  const detail = data && data.detail;
  if (typeof detail === "string") return detail;
  return T.serverError;
}

/** Call the API; resolves to the JSON body. Throws ApiError (status, data) for every non-2xx answer. */
export async function api(path, { method = "GET", body, redirectOn401 = true } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRF-Token"] = cookie(CSRF_COOKIE);
  let response;
  try {
    response = await fetch("/admin/api/" + path, {
      method, headers, credentials: "same-origin", cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, T.offline);
  }
  let data = null;
  try { data = await response.json(); } catch { data = null; }
  if (response.status === 401 && redirectOn401) {
    goToLogin();
    throw new ApiError(401, T.loggedOutSoon, data);
  }
  if (!response.ok) throw new ApiError(response.status, messageFor(response.status, data), data);
  return data;
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, v);
  const s = q.toString();
  return s ? "?" + s : "";
}
