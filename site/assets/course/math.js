/* Typeset the formulas of a page with the vendored KaTeX (site/assets/katex/).
 *
 * pymdownx.arithmatex (generic mode) leaves each formula as TeX inside an element of class
 * "arithmatex": \( ... \) in a <span> for inline math, \[ ... \] in a <div> for display
 * math. Each one is rendered in place. A formula KaTeX cannot read is shown as its source,
 * in red, and reported on the console, so that the site's browser tests catch it.
 */
(function () {
  "use strict";

  function source(element) {
    var text = element.textContent.trim();
    var open = text.slice(0, 2);
    if ((open === "\\(" || open === "\\[") && text.length >= 4) {
      text = text.slice(2, -2);
    }
    return text;
  }

  function typeset(root) {
    var formulas = root.querySelectorAll(".arithmatex");
    for (var i = 0; i < formulas.length; i++) {
      var element = formulas[i];
      if (element.getAttribute("data-typeset")) continue;
      var tex = source(element);
      var options = { displayMode: element.tagName === "DIV", throwOnError: true };
      try {
        katex.render(tex, element, options);
      } catch (error) {
        console.error("KaTeX could not typeset: " + tex + " (" + error.message + ")");
        options.throwOnError = false;
        katex.render(tex, element, options);
      }
      element.setAttribute("data-typeset", "1");
    }
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(function () {
      typeset(document.body);
    });
  } else {
    document.addEventListener("DOMContentLoaded", function () {
      typeset(document.body);
    });
  }
})();
