// The JSON API: one fetch helper that sends the token and turns an error answer into an
// ApiError with a readable message in the page's language.
import { pickLang, t } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details; // the error's extra fields: next_free, until, come_back_at, walk_in, field...
  }
}

/** Call the JSON API; throws ApiError with a readable message in the page's language. */
export async function api(method, path, { token, body, headers: extra } = {}) {
  const headers = { Accept: "application/json", ...extra };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "network", t("network_error"));
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = data && data.error;
    throw new ApiError(res.status, (err && err.code) || `http_${res.status}`,
      err && err.message ? pickLang(err.message) : t("server_error"), err || {});
  }
  return data;
}

/** A staff page's API token (the signed-in session's, in <meta name="api-token">). */
export function staffToken() {
  const meta = document.querySelector('meta[name="api-token"]');
  return meta ? meta.content : "";
}
