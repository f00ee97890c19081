/* Home appointments, offline: the team's appointments come with their households in the
 * pull (h.appts: [id, starts_at, ends_at, status, note]; docs/sync-protocol.md), and the
 * walk list shows today's first, each with its window. A visit recorded on this phone at
 * the household on the appointment's day closes it here at once, as the push will on the
 * server (outreach/appointments/closing.py): change the two rules together. */

import { t, time } from "./i18n.js";
import { esc } from "./ui.js";

const sameDay = (a, b) => a.toDateString() === b.toDateString();
const capital = (s) => (s ? s[0].toUpperCase() + s.slice(1) : ""); // as the walk list writes an address

/** The appointment row as stored in the walk index, as an object. */
const fromRow = ([id, starts_at, ends_at, status, note]) =>
  ({ id, start: new Date(starts_at), end: new Date(ends_at), status, note });

/** Today's appointments among these walk entries ({h, g}), by start time: each
 * {entry, a, state}, state one of done | recorded (a visit on this phone, not yet back) |
 * due (its window now) | later | missed. `local`: the phone's latest visit per household. */
export function todays(entries, local, now = new Date()) {
  const out = [];
  for (const entry of entries) {
    for (const row of entry.h.appts || []) {
      const a = fromRow(row);
      if (!sameDay(a.start, now) || a.status === "cancelled") continue;
      const mine = local.get(entry.h.id);
      const recorded = mine && sameDay(new Date(mine.body.device_time), a.start);
      const state = a.status === "done" ? "done" : recorded ? "recorded"
        : now < a.start ? "later" : now < a.end ? "due" : "missed";
      out.push({ entry, a, state });
    }
  }
  return out.sort((x, y) => x.a.start - y.a.start);
}

const STATE = {
  done: "Đã đến", recorded: "Đã ghi lượt đến, chờ gửi", due: "Đang trong giờ hẹn", later: "Sắp tới",
  missed: "Đã quá giờ hẹn",
};

/** The block at the top of the walk list ("" with nothing booked today). */
export function todaysHtml(items) {
  if (!items.length) return "";
  const cards = items.map(({ entry, a, state }) =>
    `<li><a class="appt a-${state}" href="#/h/${encodeURIComponent(entry.h.id)}">` +
    `<span class="win">${esc(`${time(a.start)}–${time(a.end)}`)}</span>` +
    `<span class="addr">${esc(capital(entry.h.address))}</span>` +
    (a.note ? `<span class="note">${esc(a.note)}</span>` : "") +
    `<span class="st">${esc(t(STATE[state]))}</span></a></li>`).join("");
  return `<section class="appts" aria-labelledby="appts-title"><h2 id="appts-title">${esc(t("Hẹn tại nhà hôm nay"))}</h2>` +
    `<ol>${cards}</ol></section>`;
}
