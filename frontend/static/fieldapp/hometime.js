/* When someone is usually home, offline: from the figures the pull sends per household
 * (h.home: rates per window in percents, the sentence's window `best` with the
 * household's own counts there, its own counts in all, `tried`, `never`; docs/sync-protocol.md),
 * the sentence on the household, the suggested revisit time and "likely home now" for the
 * walk list's "Nên đến bây giờ". The rules are the server's (outreach/hometime/windows.py,
 * estimate.py, explain.py): change them together. */

import { t, tn, mark, time, date } from "./i18n.js";

// [first hour, end hour (exclusive), hour a revisit is suggested for]; weekdays 0–5, weekend 6–11.
const SLOTS = [[0, 11, 8], [11, 14, 11], [14, 17, 14], [17, 19, 17], [19, 21, 19], [21, 24, 21]];
const NAMES = [
  mark("buổi sáng ngày thường"), mark("buổi trưa ngày thường"), mark("buổi chiều ngày thường"),
  mark("17:00–19:00 ngày thường"), mark("sau 19:00 ngày thường"), mark("sau 21:00 ngày thường"),
  mark("buổi sáng cuối tuần"), mark("buổi trưa cuối tuần"), mark("buổi chiều cuối tuần"),
  mark("17:00–19:00 cuối tuần"), mark("sau 19:00 cuối tuần"), mark("sau 21:00 cuối tuần"),
];
const DAYS = [mark("Chủ nhật"), mark("Thứ Hai"), mark("Thứ Ba"), mark("Thứ Tư"), mark("Thứ Năm"), mark("Thứ Sáu"), mark("Thứ Bảy")];
const LIKELY = 50; // percent, estimate.LIKELY
const WAIT_COST = 3; // percent a day, estimate.WAIT_COST_PER_DAY
const DAY_MS = 86400000;

const weekend = (d) => d.getDay() === 0 || d.getDay() === 6;

/** The window of the week `d` falls in (windows.window_of). */
export const windowOf = (d) => (weekend(d) ? 6 : 0) + SLOTS.findIndex(([a, b]) => a <= d.getHours() && d.getHours() < b);

/** The household's sentence, or "" with nothing learned (explain.explain). */
export function sentence(home) {
  if (!home) return "";
  if (home.never) {
    return tn("Chưa gặp được ai ở nhà trong {n} lần đến — có thể không ở đây (KT2)", home.visits, { n: home.visits });
  }
  const when = t(NAMES[home.best]);
  // "Thường" (usually) only on two visits or more of its own there: one is not a habit.
  const usually = home.rates[home.best] >= LIKELY && (home.best_visits >= 2 || !home.best_home);
  if (home.best_home) {
    const params = { when, h: home.best_home, n: home.best_visits };
    return usually ? tn("Thường có người ở nhà {when} — {h} trên {n} lần", home.best_visits, params)
      : tn("Dễ gặp người ở nhà nhất {when} — {h} trên {n} lần", home.best_visits, params);
  }
  return t(usually ? "Hộ quanh đây thường có người ở nhà {when}" : "Hộ quanh đây dễ gặp người ở nhà nhất {when}", { when });
}

/** "Hôm nay 21:00", "Ngày mai 17:00", "Thứ Bảy 08:00": a suggested time as a chip says it. */
function whenText(at, now) {
  const days = Math.round((new Date(at).setHours(0, 0, 0, 0) - new Date(now).setHours(0, 0, 0, 0)) / DAY_MS);
  const day = days === 0 ? t("Hôm nay") : days === 1 ? t("Ngày mai") : t(DAYS[at.getDay()]);
  return `${day} ${time(at)}`;
}

/** When to come back (estimate.suggest): the next start of the window worth most in the
 * coming week, a day's wait costing WAIT_COST. Null with nothing learned (today's chips
 * stand) or for a household never found home (ask the group leader instead). */
export function suggestion(home, now = new Date()) {
  if (!home || home.never) return null;
  let best = null;
  for (let offset = 0; offset <= 7; offset++) {
    for (const [slot, [, , hour]] of SLOTS.entries()) {
      const at = new Date(now);
      at.setDate(at.getDate() + offset);
      at.setHours(hour, 0, 0, 0);
      const wait = (at - now) / DAY_MS;
      if (at <= now || wait > 7) continue;
      const worth = home.rates[(weekend(at) ? 6 : 0) + slot] - WAIT_COST * wait;
      if (!best || worth > best.worth + 1e-9) best = { at, worth };
    }
  }
  if (!best) return null;
  // The chip says it from today; the visit's note keeps the date, read days later.
  const chip = whenText(best.at, now);
  return { kind: "learned", at: best.at, chip, label: `${chip} (${date(best.at).slice(0, 5)})` };
}

/** Likely someone is home in the window we are in now, on evidence: some visit tried this
 * window (estimate.likely_now). */
export function likelyNow(home, now = new Date()) {
  const w = windowOf(now);
  return !!home && !home.never && !!(home.tried & (1 << w)) && home.rates[w] >= LIKELY;
}
