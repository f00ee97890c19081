// Progressive help on the leaders' pages; every form works without it.
// - "chọn cả" on a street frontage, lane or building ticks its households (the server
//   takes the whole section from the section box anyway);
// - the sticky bar counts what is ticked;
// - the new-turf name and kind show only when "+ Tạo khu vực mới" is the target.

for (const form of document.querySelectorAll("[data-move]")) {
  const count = form.querySelector("[data-count]");
  const boxes = () => [...form.querySelectorAll("[data-household]")];
  const update = () => {
    if (!count) return;
    const n = boxes().filter((b) => b.checked).length;
    const number = n.toLocaleString(document.documentElement.lang || "vi");
    count.textContent = n ? count.dataset.picked.replace("{n}", number) : count.dataset.empty;
  };
  if (count) count.dataset.empty = count.textContent;

  form.addEventListener("change", (event) => {
    const box = event.target;
    const section = box.closest("[data-section]");
    if (box.matches("[data-section-box]") && section) {
      for (const b of section.querySelectorAll("[data-household]")) b.checked = box.checked;
    } else if (box.matches("[data-household]") && section) {
      const head = section.querySelector("[data-section-box]");
      if (head && !box.checked) head.checked = false;
    }
    update();
  });

  const target = form.querySelector("[data-target]");
  if (target) {
    const toggle = () => {
      const isNew = target.value === "new";
      for (const field of form.querySelectorAll("[data-new-turf]")) {
        field.hidden = !isNew;
        const input = field.querySelector("input");
        if (input) input.required = isNew;
      }
    };
    target.addEventListener("change", toggle);
    toggle();
  }
  update();
}
