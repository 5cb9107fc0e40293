// Strings in the page's language: the one formatter for the `%(name)s` placeholders the server's
// gettext strings use, the translated blocks a template renders (web/render.py `js_strings` as
// #i18n; a page may add its own, e.g. the kiosk's #device-strings), and dates and times in the
// hall's time zone.
import { readJSON } from "./dom.js";

export const LANG = document.body.dataset.lang === "en" ? "en" : "zh";
export const LOCALE = LANG === "en" ? "en-GB" : "zh-CN";
export const TZ = "Asia/Shanghai";

/** Fill the %(name)s placeholders of a template. */
export function format(template, vars = {}) {
  let s = String(template);
  for (const [k, v] of Object.entries(vars)) s = s.split(`%(${k})s`).join(String(v));
  return s;
}

/** A lookup over one JSON block of strings: key -> the string with placeholders filled (the key when missing). */
export function stringsOf(id) {
  const block = readJSON(id);
  return (key, vars = {}) => format(block[key] ?? key, vars);
}

/** A translated string from the page's i18n block. */
export const t = stringsOf("i18n");

/** Core messages are written "中文 / English": keep the page's language. */
export function pickLang(message) {
  if (!message) return "";
  const i = message.indexOf(" / ");
  if (i < 0) return message;
  return LANG === "en" ? message.slice(i + 3) : message.slice(0, i);
}

export function formatTime(date, seconds = false) {
  const opts = { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: TZ };
  if (seconds) opts.second = "2-digit";
  return new Intl.DateTimeFormat(LOCALE, opts).format(date);
}

export function formatDateTime(date) {
  return new Intl.DateTimeFormat(LOCALE, {
    month: "long", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit", hour12: false, timeZone: TZ,
  }).format(date);
}
