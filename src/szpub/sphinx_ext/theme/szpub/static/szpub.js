/* szpub: remembers the reader's explicit choice of language; the site's root sends readers to their language. */
"use strict";

const SZPUB_LANGUAGE_KEY = "szpub-language";

/* A click on a language link (the switcher on every page, the links of the root) is an explicit choice. */
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a[data-szpub-lang]");
  if (!link) return;
  /* the same part of the article in the other language: anchors are the sections' file names, shared */
  if (window.location.hash && !link.hash) link.hash = window.location.hash;
  try {
    localStorage.setItem(SZPUB_LANGUAGE_KEY, link.dataset.szpubLang);
  } catch (error) {
    /* storage disabled: the choice is simply not remembered */
  }
});

/* The published folder for the reader: a remembered choice, else the first preferred language
   published (exact tag, then the same script, then the same primary language), else the source. */
function szpubBestLanguage(choices, sourceFolder, preferred) {
  let remembered = null;
  try {
    remembered = localStorage.getItem(SZPUB_LANGUAGE_KEY);
  } catch (error) {
    remembered = null;
  }
  if (choices.some((choice) => choice.folder === remembered)) return remembered;
  for (const wanted of preferred.map((tag) => tag.toLowerCase())) {
    const exact = choices.find((choice) => choice.tag.toLowerCase() === wanted);
    if (exact) return exact.folder;
    /* same script or region group (zh-TW, zh-MO, zh-Hant-HK read zh-HK; zh-SG reads zh-CN): l10n.browser_tags */
    const wantedTags = [wanted, wanted.split("-").slice(0, 2).join("-")];
    const kin = choices.find((choice) => (choice.accepts || []).some((tag) => wantedTags.includes(tag)));
    if (kin) return kin.folder;
    const primary = wanted.split("-")[0];
    const close = choices.find((choice) => choice.tag.toLowerCase().split("-")[0] === primary);
    if (close) return close.folder;
  }
  return sourceFolder;
}

function szpubGoToBestLanguage(choices, sourceFolder) {
  const preferred = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""];
  const folder = szpubBestLanguage(choices, sourceFolder, Array.from(preferred));
  window.location.replace(folder + "/index.html" + window.location.hash);
}

/* A table that scrolls sideways (a phone) is reachable by keyboard (focusable; it keeps its table role). */
function szpubScrollableTables() {
  for (const table of document.querySelectorAll("main table")) {
    if (table.scrollWidth > table.clientWidth) table.tabIndex = 0;
    else table.removeAttribute("tabindex");
  }
}
document.addEventListener("DOMContentLoaded", szpubScrollableTables);
window.addEventListener("resize", szpubScrollableTables);
