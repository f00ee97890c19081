/* Vietnamese first. The UI strings in the code are the Vietnamese source text; the
 * English catalog arrives in the shell page (templates/fieldapp/strings.html, translated
 * with Django's {% translate %}) only when the session's language is not Vietnamese.
 * Dates are dd/mm/yyyy and times HH:MM in both languages, as on every Vietnamese document. */

const catalog = new Map();
const pluralCatalog = new Map();
for (const entry of document.getElementById("strings")?.children || []) {
  if ("one" in entry.dataset) pluralCatalog.set(entry.dataset.vi, [entry.dataset.one, entry.textContent]);
  else catalog.set(entry.dataset.vi, entry.textContent);
}

export const lang = document.documentElement.lang || "vi";
export const isVi = !lang.startsWith("en");

const fill = (s, params) => (params ? s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? params[k] : m)) : s);

/** t("Chờ gửi: {n}", {n: 3}) */
export function t(text, params) {
  return fill(catalog.get(text) || text, params);
}

/** A count's words: tn("{n} lượt", 21, {n: "21"}) is "21 lượt", in English "21 visits"
 * (Vietnamese has one form; strings.html carries the English singular and plural). */
export function tn(text, count, params) {
  const forms = pluralCatalog.get(text);
  return fill(forms ? forms[count === 1 ? 0 : 1] : text, params);
}

/** Marks a literal for the catalog and returns it as it is, as Django's gettext_noop: for
 * tables of labels handed to t() later whose text has no Vietnamese letter ("Sau 19:00"),
 * which tests/e2e/app_files.py would otherwise not find. */
export const mark = (text) => text;

const pad = (n) => String(n).padStart(2, "0");
/** 1.234.567 in Vietnamese, 1,234,567 in English (outreach/formats). */
export const num = (n) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, isVi ? "." : ",");
export const date = (d) => `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
export const time = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;
export const dateTime = (d) => `${time(d)} ${date(d)}`;
/** "2026-11-20" (a birth date as the server sends it) -> "20/11/2026" */
export const isoDate = (s) => (s ? s.split("-").reverse().join("/") : "");

/** A code's label in the UI language (codes come from the pull with both labels). */
export const label = (code) => (code ? (isVi ? code.label_vi : code.label_en || code.label_vi) : "");
/** A server rejection's message in the UI language. */
export const message = (error) => (isVi ? error.message_vi : error.message_en || error.message_vi) || error.code || "";
