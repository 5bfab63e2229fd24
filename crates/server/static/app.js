// gongkai workspace scripts (no framework, no build step). Every page loads this file;
// each part below starts only if its elements are on the page.
"use strict";

// Forms that send files (multipart) carry the CSRF token in the header, as every
// script's request does: a browser cannot put it there for a plain form. The answer
// (a page) replaces this one; a download is saved.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-files")) {
    return;
  }
  event.preventDefault();
  const meta = document.querySelector("meta[name=csrf-token]");
  const button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  try {
    const answer = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-CSRF-Token": meta ? meta.content : "" },
      credentials: "same-origin",
    });
    const html = await answer.text();
    document.open();
    document.write(html);
    document.close();
  } catch (e) {
    if (button) button.disabled = false;
    alert("提交失败：" + e);
  }
});
