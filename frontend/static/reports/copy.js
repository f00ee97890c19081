// "Sao chép" on the group-chat report: the Clipboard API where the page is a secure
// context, else select the text and fall back to execCommand (older Android WebViews).
const button = document.getElementById("copy-chat");
const area = document.getElementById("chat-text");
const status = document.getElementById("copy-status");

function done(ok) {
  status.textContent = ok ? button.dataset.done : button.dataset.failed;
}

if (button && area) {
  button.addEventListener("click", async () => {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(area.value);
        done(true);
        return;
      }
    } catch (e) {
      // fall through to the selection copy
    }
    area.focus();
    area.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    done(ok);
  });
}
