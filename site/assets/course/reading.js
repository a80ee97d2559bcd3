/* Reading on a small screen (and on paper): see course.css, "Phone-first reading".
 *
 * - Inline code gets a line-break opportunity (<wbr>) after punctuation (. / _ , ( [ = and
 *   the like), so that a long name wraps between its parts, never in the middle of a word;
 *   course.css forbids the mid-word break.
 * - A formula, table or code block wider than its column scrolls on its own: each one that
 *   does becomes reachable by keyboard (tabindex, a role and a label), so it can be scrolled
 *   with the arrow keys.
 * - Before printing, every closed <details> (hints, solutions) is opened, and closed again
 *   after.
 * - Names the theme's markup leaves out: Material's search dialog, and every task-list box
 *   (a lesson's "- [ ]" lists and the generated homework checklist alike), named after its
 *   item's own text.
 */
(function () {
  "use strict";

  var BREAK_AFTER = /([.\/_,;:(\[{=])(?=[^\s.\/_,;:)\]}])/g;

  function breakable(root) {
    var codes = root.querySelectorAll(".md-typeset code");
    for (var i = 0; i < codes.length; i++) {
      var code = codes[i];
      if (code.closest("pre, td, .md-typeset__table th") || code.getAttribute("data-breaks")) {
        continue;
      }
      code.setAttribute("data-breaks", "1");
      var walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
      var nodes = [];
      for (var node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node);
      for (var j = 0; j < nodes.length; j++) {
        var text = nodes[j].data;
        BREAK_AFTER.lastIndex = 0;
        if (!BREAK_AFTER.test(text)) continue;
        var parts = text.split(BREAK_AFTER);
        // split() with a capturing group: [before, punct, after, punct, ...]
        var fragment = document.createDocumentFragment();
        for (var k = 0; k < parts.length; k++) {
          if (!parts[k]) continue;
          fragment.appendChild(document.createTextNode(parts[k]));
          if (k % 2 === 1) fragment.appendChild(document.createElement("wbr"));
        }
        nodes[j].parentNode.replaceChild(fragment, nodes[j]);
      }
    }
  }

  var SCROLLERS = [
    [".md-typeset div.arithmatex", "Formula, scrolls sideways"],
    [".md-typeset .md-typeset__scrollwrap", "Table, scrolls sideways"],
    [".md-typeset pre > code", "Code, scrolls sideways"],
  ];

  function focusable(root) {
    for (var s = 0; s < SCROLLERS.length; s++) {
      var boxes = root.querySelectorAll(SCROLLERS[s][0]);
      for (var i = 0; i < boxes.length; i++) {
        var box = boxes[i];
        if (box.scrollWidth <= box.clientWidth + 1 || box.hasAttribute("tabindex")) continue;
        box.setAttribute("tabindex", "0");
        if (!box.hasAttribute("role")) box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label")) box.setAttribute("aria-label", SCROLLERS[s][1]);
      }
    }
  }

  var opened = [];
  window.addEventListener("beforeprint", function () {
    var closed = document.querySelectorAll("details:not([open])");
    for (var i = 0; i < closed.length; i++) {
      closed[i].setAttribute("open", "");
      opened.push(closed[i]);
    }
  });
  window.addEventListener("afterprint", function () {
    while (opened.length) opened.pop().removeAttribute("open");
  });

  // Names that the theme's markup leaves out: Material's search dialog (Zensical's has one)
  // and the boxes of a Markdown task list ("- [ ] ..."), named after their item's own text.
  function named(root) {
    var search = root.querySelector(".md-search[role=dialog]");
    if (search && !search.hasAttribute("aria-label") && !search.hasAttribute("aria-labelledby")) {
      search.setAttribute("aria-label", "Search");
    }
    var boxes = root.querySelectorAll(".task-list-control > input:not([aria-label])");
    for (var i = 0; i < boxes.length; i++) {
      var item = boxes[i].closest("li");
      if (!item) continue;
      var copy = item.cloneNode(true);
      var nested = copy.querySelectorAll("ul, ol");
      for (var j = 0; j < nested.length; j++) nested[j].remove();
      var text = copy.textContent.replace(/\s+/g, " ").trim();
      if (text) boxes[i].setAttribute("aria-label", text);
    }
  }

  function run() {
    named(document.body);
    breakable(document.body);
    focusable(document.body);
    // A formula's width is known once KaTeX's fonts are in: look again then.
    if (document.fonts && document.fonts.ready) {
      document.fonts.ready.then(function () {
        focusable(document.body);
      });
      document.fonts.addEventListener("loadingdone", function () {
        focusable(document.body);
      });
    }
  }

  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      focusable(document.body);
    }, 200);
  });

  if (typeof document$ !== "undefined") {
    document$.subscribe(run);
  } else {
    document.addEventListener("DOMContentLoaded", run);
  }
})();
