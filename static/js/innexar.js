// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // Selects marked data-autosubmit (the language switch) submit their form on change;
  // a <noscript> button covers browsers without JavaScript.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });

  // A file picker (core/widgets/file_picker.html) names the file picked, in place of the browser's words.
  document.addEventListener("change", function (event) {
    var input = event.target;
    var picker = input.closest && input.closest(".file-picker");
    var name = picker && picker.querySelector("[data-file-name]");
    if (!name || input.type !== "file") {
      return;
    }
    if (!name.dataset.none) {
      name.dataset.none = name.textContent;
    }
    name.textContent = Array.prototype.map.call(input.files, function (file) { return file.name; }).join(", ")
      || name.dataset.none;
  });

  // The workspace menu on narrow screens: the button's aria-expanded is the state, and the CSS
  // shows the menu from it (only where scripting is on, so without JavaScript the menu stays open).
  function sidebarToggle() {
    return document.querySelector("[data-sidebar-toggle]");
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("[data-sidebar-toggle]");
    if (toggle) {
      toggle.setAttribute("aria-expanded", String(toggle.getAttribute("aria-expanded") !== "true"));
    }
  });

  // Escape folds an open menu and hands the focus back to its button.
  document.addEventListener("keydown", function (event) {
    var toggle = sidebarToggle();
    if (event.key !== "Escape" || !toggle || toggle.getAttribute("aria-expanded") !== "true") {
      return;
    }
    if (toggle.offsetParent === null) {
      return; // wide screen: there is no menu to fold
    }
    toggle.setAttribute("aria-expanded", "false");
    toggle.focus();
  });

  // A change htmx could not make (the server refused or failed, or the network is down) says so
  // where the page shows its messages, instead of leaving the control as if it had worked.
  function requestFailed(event) {
    var messages = document.getElementById("messages");
    if (!messages) {
      return;
    }
    var notice = document.createElement("p");
    notice.className = "message message-error";
    notice.setAttribute("role", "alert");
    notice.textContent = document.body.dataset.requestFailed;
    var list = document.createElement("div");
    list.className = "messages";
    list.appendChild(notice);
    messages.replaceChildren(list);
    messages.scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("htmx:responseError", requestFailed);
  document.addEventListener("htmx:sendError", requestFailed);
})();
