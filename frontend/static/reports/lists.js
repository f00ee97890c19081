// On a phone the list chips scroll sideways: bring the current list into view.
const current = document.querySelector(".subtabs [aria-current=page]");
if (current) current.scrollIntoView({ block: "nearest", inline: "center" });
