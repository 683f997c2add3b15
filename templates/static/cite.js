// Adds a "Copy" button to each citation format; without JavaScript the text stays selectable.
(function () {
  "use strict";
  var section = document.getElementById("cite");
  if (!section || !navigator.clipboard) { return; }
  var copyLabel = section.getAttribute("data-copy-label");
  var copiedLabel = section.getAttribute("data-copied-label");
  section.querySelectorAll(".cite-text").forEach(function (block) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "cite-copy";
    button.textContent = copyLabel;
    button.setAttribute("aria-describedby", block.id);
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(block.textContent).then(function () {
        button.textContent = copiedLabel;
      });
    });
    block.insertAdjacentElement("afterend", button);
  });
})();
