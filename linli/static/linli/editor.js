/* The notice editor's toolbar (no library, no CDN): a textarea[data-rich-text] gets an
 * editable area with bold, italic, headings, lists, links and the notice's own
 * pictures; the HTML is written back to the textarea, which the form sends (the server
 * sanitises it: nh3 is the guard, not this script). Without JavaScript the textarea
 * stays and takes plain text. The toolbar is one tab stop: arrow keys, Home and End
 * move between its buttons (WAI-ARIA toolbar pattern); Ctrl+B / Ctrl+I work in the
 * text; Escape closes the link or picture panel. */
(function () {
  "use strict";
  document.querySelectorAll("textarea[data-rich-text]").forEach((textarea) => {
    const editor = textarea.parentElement.querySelector("[data-rich-editor]");
    if (!editor || !document.execCommand) return;
    const area = editor.querySelector("[contenteditable]");
    const toolbar = editor.querySelector("[role=toolbar]");
    const buttons = Array.from(toolbar.querySelectorAll("button"));
    const looksLikeHtml = /<[a-z][\s\S]*>/i.test(textarea.value);
    if (looksLikeHtml) {
      area.innerHTML = textarea.value;
    } else {
      textarea.value.split(/\n\s*\n/).filter((b) => b.trim()).forEach((block) => {
        const p = document.createElement("p");
        block.split("\n").forEach((line, i) => { if (i) p.appendChild(document.createElement("br")); p.appendChild(document.createTextNode(line)); });
        area.appendChild(p);
      });
    }
    if (!area.innerHTML) area.innerHTML = "<p><br></p>";
    editor.hidden = false;
    textarea.hidden = true;
    textarea.setAttribute("aria-hidden", "true");
    textarea.tabIndex = -1;
    const label = document.querySelector(`label[for="${textarea.id}"]`);
    if (label) label.addEventListener("click", (e) => { e.preventDefault(); area.focus(); });
    document.execCommand("defaultParagraphSeparator", false, "p");
    const sync = () => { textarea.value = area.innerHTML.trim() === "<p><br></p>" ? "" : area.innerHTML; };
    area.addEventListener("input", sync);
    textarea.form.addEventListener("submit", sync);

    // Remember where the caret was, so a panel's input can take the focus meanwhile.
    let saved = null;
    const remember = () => {
      const sel = window.getSelection();
      if (sel.rangeCount && area.contains(sel.getRangeAt(0).commonAncestorContainer)) saved = sel.getRangeAt(0).cloneRange();
    };
    const restore = () => {
      area.focus();
      if (saved) { const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(saved); }
    };
    area.addEventListener("keyup", remember);
    area.addEventListener("mouseup", remember);
    area.addEventListener("blur", remember);

    const block = () => {
      const sel = window.getSelection();
      let node = sel.rangeCount ? sel.getRangeAt(0).startContainer : null;
      while (node && node !== area) {
        if (node.nodeType === 1 && /^(H2|H3|P)$/.test(node.tagName)) return node.tagName.toLowerCase();
        node = node.parentNode;
      }
      return "";
    };
    const state = () => {
      buttons.forEach((b) => {
        const command = b.dataset.command;
        if (!command) return;
        const on = command === "formatBlock" ? block() === b.dataset.value : document.queryCommandState(command);
        b.setAttribute("aria-pressed", on ? "true" : "false");
      });
    };
    document.addEventListener("selectionchange", () => { if (document.activeElement === area) state(); });

    const run = (command, value) => {
      restore();
      document.execCommand(command, false, value || null);
      remember();
      sync();
      state();
    };
    const panels = Array.from(editor.querySelectorAll("[data-panel-for]"));
    const open = (name) => {
      panels.forEach((p) => { p.hidden = p.dataset.panelFor !== name || !p.hidden; });
      buttons.filter((b) => b.dataset.panel).forEach((b) => {
        const shown = !editor.querySelector(`[data-panel-for="${b.dataset.panel}"]`).hidden;
        b.setAttribute("aria-expanded", shown ? "true" : "false");
      });
      const panel = panels.find((p) => p.dataset.panelFor === name && !p.hidden);
      if (panel) (panel.querySelector("input") || panel.querySelector("button") || panel).focus();
    };
    const close = (back) => { panels.forEach((p) => { p.hidden = true; }); buttons.forEach((b) => { if (b.dataset.panel) b.setAttribute("aria-expanded", "false"); }); if (back) back.focus(); };

    // Roving tabindex: the toolbar is one tab stop.
    buttons.forEach((b, i) => { b.tabIndex = i === 0 ? 0 : -1; });
    toolbar.addEventListener("keydown", (e) => {
      const i = buttons.indexOf(document.activeElement);
      if (i < 0) return;
      const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: buttons.length - 1 }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      const next = buttons[(to + buttons.length) % buttons.length];
      buttons.forEach((b) => { b.tabIndex = -1; });
      next.tabIndex = 0;
      next.focus();
    });
    buttons.forEach((b) => {
      b.addEventListener("mousedown", (e) => e.preventDefault()); // keep the selection
      b.addEventListener("click", () => {
        buttons.forEach((x) => { x.tabIndex = -1; });
        b.tabIndex = 0;
        if (b.dataset.command) run(b.dataset.command, b.dataset.value && `<${b.dataset.value}>`);
        else open(b.dataset.panel);
      });
    });

    const url = editor.querySelector("input[type=url]");
    const error = editor.querySelector("[data-link-error]");
    const addLink = () => {
      const href = url.value.trim();
      if (!/^(https?:\/\/|mailto:|tel:)\S+$/i.test(href)) { error.hidden = false; url.setAttribute("aria-invalid", "true"); url.focus(); return; }
      error.hidden = true;
      url.removeAttribute("aria-invalid");
      close();
      restore();
      const sel = window.getSelection();
      if (sel.isCollapsed) document.execCommand("insertText", false, href);
      if (sel.isCollapsed) {
        // select what was just typed, then make it the link
        const r = sel.getRangeAt(0);
        r.setStart(r.endContainer, Math.max(0, r.endOffset - href.length));
        sel.removeAllRanges();
        sel.addRange(r);
      }
      document.execCommand("createLink", false, href);
      sel.collapseToEnd();
      url.value = "";
      remember();
      sync();
    };
    editor.querySelector("[data-insert=link]").addEventListener("click", addLink);
    url.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); addLink(); } });
    editor.querySelectorAll("[data-insert=picture]").forEach((b) => {
      b.addEventListener("click", () => {
        close();
        restore();
        const img = document.createElement("img");
        img.src = b.dataset.src;
        img.alt = b.dataset.alt;
        document.execCommand("insertHTML", false, img.outerHTML);
        remember();
        sync();
      });
    });
    editor.addEventListener("keydown", (e) => {
      if (e.key !== "Escape" || panels.every((p) => p.hidden)) return;
      const opener = buttons.find((b) => b.getAttribute("aria-expanded") === "true");
      close(opener);
    });
  });
})();
