// Copy buttons: <button data-copy="#id" data-copied="Copied"> copies the text of the element #id
// (a PIX code, a boleto's digitable line, a webhook URL) and says so for a moment. Without
// JavaScript, or without clipboard access, the text stays on the page to select by hand.
(function () {
  "use strict";

  // A page may bring it twice (each of an invoice's charge dialogs does): it listens once.
  if (window.innexarCopy) {
    return;
  }
  window.innexarCopy = true;

  function select(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy]");
    var source = button && document.querySelector(button.dataset.copy);
    if (!source) {
      return;
    }
    var text = source.textContent.trim();
    var label = button.textContent;
    function copied() {
      button.textContent = button.dataset.copied;
      window.setTimeout(function () { button.textContent = label; }, 2000);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(copied, function () { select(source); });
    } else {
      select(source);
    }
  });
})();
