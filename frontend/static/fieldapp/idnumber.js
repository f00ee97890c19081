/* The personal ID number (CCCD / số định danh), checked as the server checks it
 * (households/idnumber.py): 12 digits = province-of-birth code, century/sex digit, two
 * digits of the birth year, six serial digits. No checksum exists, so the cross-checks are
 * the province list and the century/sex/year digits against the birth year and sex. */

import { t } from "./i18n.js";

// Circular 07/2016/TT-BCA: the 63 old provinces (people born before the 2025 merger keep them).
export const PROVINCE_CODES = new Set(
  ("001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037 038 " +
   "040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 080 082 " +
   "083 084 086 087 089 091 092 093 094 095 096").split(" "));

/** 0/1 the 1900s, 2/3 the 2000s, ... (even: male, odd: female). */
export const idBirthYear = (id) => 1900 + Math.floor(Number(id[3]) / 2) * 100 + Number(id.slice(4, 6));
export const idSex = (id) => (Number(id[3]) % 2 ? "F" : "M");

/** {ok: true, value} with the 12 digits, or {ok: false, code, message}. */
export function checkIdNumber(raw, { birthYear = null, sex = null } = {}) {
  const text = String(raw ?? "").trim().replace(/[ .]/g, "");
  const fail = (code, message) => ({ ok: false, code, message });
  if (!/^[0-9]+$/.test(text)) return fail("id_not_digits", t("Số định danh chỉ gồm chữ số (nhận được “{value}”).", { value: raw }));
  if (text.length !== 12) {
    if (text.length >= 9 && text.length < 12) {
      return fail("id_leading_zeros", t("Số định danh phải có 12 chữ số, “{value}” có {n}: có thể đã mất số 0 ở đầu.",
        { value: text, n: text.length }));
    }
    return fail("id_length", t("Số định danh phải có 12 chữ số, “{value}” có {n}.", { value: text, n: text.length }));
  }
  if (!PROVINCE_CODES.has(text.slice(0, 3))) {
    return fail("id_province", t("Mã tỉnh nơi đăng ký khai sinh “{code}” không tồn tại.", { code: text.slice(0, 3) }));
  }
  if (birthYear != null && idBirthYear(text) !== birthYear) {
    return fail("id_birth_year", t("Số định danh ghi năm sinh {id_year} nhưng năm sinh là {year}.",
      { id_year: idBirthYear(text), year: birthYear }));
  }
  if ((sex === "M" || sex === "F") && idSex(text) !== sex) {
    return fail("id_sex", t("Chữ số giới tính trong số định danh không khớp với giới tính đã khai."));
  }
  return { ok: true, value: text };
}

/** Vietnamese phone numbers as people type them: 10 digits, mobiles 03/05/07/08/09, or
 * +84; the server normalises to E.164 (households/phones.py) and has the last word. */
export function checkPhone(raw) {
  let text = String(raw ?? "").replace(/[^\d+]/g, "");
  if (text.startsWith("+84")) text = "0" + text.slice(3).replace(/^0+/, "");
  if (/^0[35789]\d{8}$/.test(text) || /^02\d{9}$/.test(text)) return { ok: true, value: text };
  return { ok: false, message: t("“{value}” không phải số điện thoại Việt Nam hợp lệ.", { value: raw }) };
}
