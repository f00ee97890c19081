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

// Vietnam's number formats as libphonenumber has them (metadata for region VN, in its
// order): [leading digits, whole national number, national prefix "0" before the first
// group]. One national format everywhere, the same as the reports' phonenumbers NATIONAL.
const VN_FORMATS = [
  [/^[17]99/, /^(\d{3})(\d{4})$/, true],
  [/^69/, /^(\d{3})(\d{4,5})$/, true],
  [/^1(?:2[02]|[89])/, /^(\d{4})(\d{4,6})$/, false],
  [/^(?:1[26]|6)/, /^(\d{2})(\d{3})(\d{2})(\d{2})$/, true],
  [/^[1357-9]/, /^(\d{3})(\d{3})(\d{3})$/, true],
  [/^2[48]/, /^(\d{2})(\d{4})(\d{4})$/, true],
  [/^2/, /^(\d{3})(\d{4})(\d{3})$/, true],
];

/** "+84974363407" -> "0974 363 407", "+842438221234" -> "024 3822 1234". A number of
 * another country, or one no format fits, is shown as stored (less the +84). */
export function phoneNational(phone) {
  const s = String(phone || "").replace(/[\s.-]/g, "");
  const m = s.match(/^(?:\+84|0)(\d+)$/);
  if (!m) return String(phone || "");
  const digits = m[1];
  for (const [leading, whole, prefix] of VN_FORMATS) {
    const groups = leading.test(digits) && digits.match(whole);
    if (groups) return (prefix ? "0" : "") + groups.slice(1).join(" ");
  }
  return digits;
}

/** The tel: link for a stored phone number (E.164, +84...). */
export const telHref = (phone) => {
  const s = String(phone || "").replace(/[^\d+]/g, "");
  return `tel:${s.startsWith("0") ? `+84${s.slice(1)}` : s}`;
};
