// "Sao chép" on the group-chat report and on the editions page: the Clipboard API where
// the page is a secure context, else select the text and fall back to execCommand (older
// Android WebViews). Each button copies the textarea named by data-target (the report's
// own button: #chat-text).
const status = document.getElementById("copy-status");

async function copy(button, area) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(area.value);
      return true;
    }
  } catch (e) {
    // fall through to the selection copy
  }
  area.focus();
  area.select();
  try {
    return document.execCommand("copy");
  } catch (e) {
    return false;
  }
}

for (const button of document.querySelectorAll("#copy-chat, .copy-edition")) {
  const area = document.getElementById(button.dataset.target || "chat-text");
  if (!area) continue;
  button.addEventListener("click", async () => {
    const ok = await copy(button, area);
    status.textContent = ok ? button.dataset.done : button.dataset.failed;
  });
}
