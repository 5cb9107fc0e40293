// Days and times on the booking pages, in the hall's time zone: "5月18日 周一", "10:00–10:30".
import { LANG, LOCALE, TZ } from "../lib/i18n.js";

const dayFmt = new Intl.DateTimeFormat(LOCALE, { month: "long", day: "numeric", weekday: "short", timeZone: TZ });
const fullDayFmt = new Intl.DateTimeFormat(LOCALE, {
  year: "numeric", month: "long", day: "numeric", weekday: "short", timeZone: TZ,
});
const timeFmt = new Intl.DateTimeFormat(LOCALE, { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: TZ });
const weekdayFmt = new Intl.DateTimeFormat(LOCALE, { weekday: "short", timeZone: TZ });
const shortEnFmt = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: TZ });
const isoDateFmt = new Intl.DateTimeFormat("en-CA", { timeZone: TZ });

export const noon = (isoDate) => new Date(`${isoDate}T12:00:00+08:00`);
export const dayLabel = (isoDate) => dayFmt.format(noon(isoDate));
export const fullDay = (isoDate) => fullDayFmt.format(noon(isoDate));
export const weekday = (isoDate) => weekdayFmt.format(noon(isoDate));
export const hhmm = (iso) => timeFmt.format(new Date(iso));
export const localDate = (iso) => isoDateFmt.format(new Date(iso));

/** "5月18日" / "18 May" */
export function shortDay(isoDate) {
  if (LANG === "en") return shortEnFmt.format(noon(isoDate));
  const [, m, d] = isoDate.split("-").map(Number);
  return `${m}月${d}日`;
}

/** "2026年5月18日 周一 10:00–10:30" */
export const slotWhen = (start, end) => `${fullDay(localDate(start))} ${hhmm(start)}${end ? `–${hhmm(end)}` : ""}`;
export const dateTime = (iso) => `${fullDay(localDate(iso))} ${hhmm(iso)}`;
