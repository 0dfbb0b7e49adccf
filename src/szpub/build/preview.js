// szpub serve: reloads the page when its language is published again, shows a failed build on top of it.
(() => {
  "use strict";
  const OVERLAY = "szpub-preview-error";
  const folder = location.pathname.split("/")[1] || "";  // en, zh-cn; "" or index.html for the site's root
  const concerns = (folders) => !folder || folder.endsWith(".html") || folders.includes(folder);
  const show = (errors) => {
    let overlay = document.getElementById(OVERLAY);
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = OVERLAY;
      overlay.setAttribute("role", "alert");
      overlay.append(document.createElement("strong"), document.createElement("pre"));
      document.body.append(overlay);
    }
    overlay.firstChild.textContent = "The preview is out of date: the build failed";
    overlay.lastChild.textContent = errors.join("\n");  // text, never markup: msgstrs are quoted here
  };
  const style = document.createElement("style");
  style.textContent = `#${OVERLAY} { position: fixed; inset: auto 0 0 0; z-index: 2147483647; max-height: 50vh;
    overflow: auto; margin: 0; padding: 0.75em 1em; background: #fff3f3; color: #5c0000;
    border-top: 3px solid #b00020; font: 14px/1.4 monospace; }
  #${OVERLAY} pre { margin: 0.5em 0 0; white-space: pre-wrap; font: inherit; }`;
  document.head.append(style);
  const events = new EventSource("/_szpub/events");
  events.addEventListener("reload", (event) => {
    const folders = JSON.parse(event.data);
    if (concerns(folders) || document.getElementById(OVERLAY)) location.reload();
  });
  events.addEventListener("failed", (event) => show(JSON.parse(event.data)));
})();
