/* Search and walk-order keys, the same as households/text.py: NFC with single spaces,
 * every mark dropped (so Hoà and Hòa match), đ/Đ mapped by hand (decomposition leaves
 * them alone), lowercase; numbers zero-padded so "Ngõ 9" walks before "Ngõ 12". */

const D = { "đ": "d", "Đ": "D", "ð": "d", "Ð": "D" };

export const nfc = (s) => (s || "").normalize("NFC").replace(/\s+/g, " ").trim();

export const searchKey = (s) =>
  nfc(s).normalize("NFD").replace(/\p{Mn}/gu, "").replace(/[đĐðÐ]/g, (c) => D[c]).toLowerCase();

export const naturalKey = (s) => searchKey(s).replace(/\d+/g, (m) => m.padStart(6, "0"));

/** Household.walk_key for a household added at the door, until the server sends its own. */
export const walkKey = (h) =>
  [h.street, h.lane, h.building, h.house_number, h.floor, h.unit].map(naturalKey).join("|").slice(0, 200);

/** Household.compose_address */
export function composeAddress(h) {
  const parts = [];
  if (h.unit) parts.push(`Căn ${h.unit}`);
  if (h.floor) parts.push(`tầng ${h.floor}`);
  if (h.building) parts.push(h.building);
  if (h.house_number) parts.push(`số ${h.house_number}`);
  if (h.lane) parts.push(h.lane);
  if (h.street) parts.push(h.street);
  return parts.join(", ");
}

/** A UUID for a visit, household or resident made on this phone. */
export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Local time with its UTC offset, as the protocol wants: 2026-11-20T18:30:00+07:00 */
export function isoLocal(d) {
  const p = (n) => String(Math.abs(n)).padStart(2, "0");
  const off = -d.getTimezoneOffset();
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:` +
    `${p(d.getSeconds())}${off >= 0 ? "+" : "-"}${p(Math.trunc(off / 60))}:${p(off % 60)}`;
}
