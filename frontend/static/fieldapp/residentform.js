/* A resident found at the door: name, birth date or year, sex, ID number (checked as the
 * server checks it, idnumber.js), phone, home-support needs. The new resident joins the
 * visit being recorded and reaches the server with it (new_resident, with a client UUID). */

import { t } from "./i18n.js";
import { checkIdNumber, checkPhone } from "./idnumber.js";
import { nfc, uuid } from "./text.js";
import { esc } from "./ui.js";

/** "04/05/1990" -> {birth_date: "1990-05-04"}, "1990" -> {birth_year: 1990}, or {error}. */
export function parseBirth(text, today = new Date()) {
  const s = text.trim();
  if (!s) return {};
  let m = s.match(/^(\d{4})$/);
  if (m) {
    const year = Number(m[1]);
    return year >= 1900 && year <= today.getFullYear() ? { birth_year: year } : { error: t("Năm sinh không hợp lệ.") };
  }
  m = s.match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/);
  if (!m) return { error: t("Ngày sinh ghi theo dạng ngày/tháng/năm, ví dụ 04/05/1990, hoặc chỉ năm sinh.") };
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(y, mo - 1, d);
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d || date > today || y < 1900) {
    return { error: t("Ngày sinh không hợp lệ.") };
  }
  return { birth_date: `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`, birth_year: y };
}

const SUPPORT_FIELDS = [["elderly_alone", 1, "Người cao tuổi sống một mình"], ["disabled", 2, "Khuyết tật"], ["sick", 4, "Ốm đau"]];

export function residentForm(container, household, onAdd) {
  // A <div>, not a <form>: it sits inside the visit form, and forms cannot nest.
  container.innerHTML = formHtml();
  const form = container.firstElementChild;
  const input = (name) => form.querySelector(`[name="${name}"]`);
  let sex = null;
  const field = (name) => input(name).value;
  const show = (name, text) => { form.querySelector(`[data-for="${name}"]`).textContent = text || ""; };
  const check = () => checkResident(field, sex);

  // Say what is wrong while typing: as soon as an ID number or phone number is complete,
  // and clear a message the moment the field is right. Not on blur: a message appearing
  // or vanishing on blur moves the button the thumb is landing on, and the tap is lost.
  form.addEventListener("input", (e) => {
    const name = e.target.name;
    const message = form.querySelector(`[data-for="${name}"]`);
    if (!message) return;
    const digits = e.target.value.replace(/\D/g, "").length;
    const complete = (name === "id_number" && digits >= 12) || (name === "phone" && digits >= 10);
    if (message.textContent || complete) show(name, check().errors[name]);
  });
  form.addEventListener("click", (e) => {
    const b = e.target.closest("button[type=button]");
    if (!b) return;
    if (b.dataset.sex) {
      sex = b.dataset.sex;
      form.querySelectorAll("[data-sex]").forEach((x) => x.setAttribute("aria-pressed", String(x === b)));
      if (field("id_number")) show("id_number", check().errors.id_number);
    } else if (b.hasAttribute("data-cancel")) {
      container.innerHTML = "";
    } else if (b.hasAttribute("data-add")) {
      add();
    }
  });
  // Enter adds the resident; it must not submit the visit form around us.
  form.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      add();
    }
  });
  function add() {
    const { errors, birth, id, phone } = check();
    Object.entries(errors).forEach(([name, text]) => show(name, text));
    const bad = Object.keys(errors).find((k) => errors[k]);
    if (bad) {
      input(bad).focus();
      return;
    }
    const checked = (name) => input(name).checked;
    const resident = newResident(household, { fullName: field("full_name"), birth, sex, id, phone, checked });
    container.innerHTML = "";
    onAdd(resident);
  }
  input("full_name").focus();
}

function formHtml() {
  return `<div class="card editing"><h3>${esc(t("Thêm người ở hộ này"))}</h3>` +
    `<label>${esc(t("Họ và tên"))}<input name="full_name" autocomplete="off" autocapitalize="words" maxlength="200"></label>` +
    `<p class="err" data-for="full_name"></p>` +
    `<label>${esc(t("Ngày sinh (ngày/tháng/năm) hoặc năm sinh"))}<input name="birth" inputmode="numeric" placeholder="04/05/1990"></label>` +
    `<p class="err" data-for="birth"></p>` +
    `<fieldset><legend>${esc(t("Giới tính"))}</legend><div class="chips">` +
    `<button type="button" data-sex="M" aria-pressed="false">${esc(t("Nam"))}</button>` +
    `<button type="button" data-sex="F" aria-pressed="false">${esc(t("Nữ"))}</button></div></fieldset>` +
    `<label>${esc(t("Số định danh (12 chữ số)"))}<input name="id_number" inputmode="numeric" maxlength="15" autocomplete="off"></label>` +
    `<p class="err" data-for="id_number"></p>` +
    `<label>${esc(t("Số điện thoại"))}<input name="phone" type="tel" inputmode="tel" maxlength="16"></label>` +
    `<p class="err" data-for="phone"></p>` +
    `<fieldset><legend>${esc(t("Cần hỗ trợ tại nhà"))}</legend>${SUPPORT_FIELDS.map(([name, , text]) =>
      `<label class="check"><input type="checkbox" name="${name}"> ${esc(t(text))}</label>`).join("")}</fieldset>` +
    `<div class="row"><button type="button" data-add>${esc(t("Thêm người này"))}</button>` +
    `<button type="button" class="ghost" data-cancel>${esc(t("Huỷ"))}</button></div></div>`;
}

/** The form's values checked as the server checks them: {errors (a message per field, ""
 * when right), birth (parseBirth's), id, phone (normalised, or null / "" when empty)}.
 * `field(name)` reads a field; the ID number is checked against the birth year and `sex`. */
function checkResident(field, sex) {
  const birth = parseBirth(field("birth"));
  const errors = { full_name: nfc(field("full_name")) ? "" : t("Cần có họ và tên."), birth: birth.error || "" };
  const id = field("id_number").trim();
  const idCheck = id ? checkIdNumber(id, { birthYear: birth.birth_year ?? null, sex }) : { ok: true, value: null };
  errors.id_number = idCheck.ok ? "" : idCheck.message;
  const phone = field("phone").trim();
  const phoneCheck = phone ? checkPhone(phone) : { ok: true, value: "" };
  errors.phone = phoneCheck.ok ? "" : phoneCheck.message;
  return { errors, birth, id: idCheck.value, phone: phoneCheck.value };
}

/** The resident as the household screen shows it ("u:<client uuid>" until the server's
 * copy comes back), carrying the payload the visit sends as new_resident. `checked(name)`
 * reads a home-support checkbox. */
function newResident(household, { fullName, birth, sex, id, phone, checked }) {
  const clientUuid = uuid();
  const payload = { client_uuid: clientUuid, full_name: nfc(fullName), ...birth };
  if (sex) payload.sex = sex;
  if (id) payload.id_number = id;
  if (phone) payload.phone = phone;
  let support = 0;
  for (const [name, bit] of SUPPORT_FIELDS) {
    payload[name] = checked(name);
    if (payload[name]) support |= bit;
  }
  return { id: `u:${clientUuid}`, household: household.id, local: true, full_name: payload.full_name,
    birth_date: payload.birth_date || null, birth_year: payload.birth_year || null, sex: sex || "", id_number: id || "",
    phone, residence_status: "permanent", support, vneid1: 0, vneid2: 0, interest: "", payload };
}
