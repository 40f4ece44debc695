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

  // A header checkbox marked data-select-all="leads" ticks every input[name=leads] on the page.
  document.addEventListener("change", function (event) {
    var toggle = event.target;
    if (!toggle.matches || !toggle.matches("input[data-select-all]")) {
      return;
    }
    document.querySelectorAll('input[name="' + toggle.dataset.selectAll + '"]').forEach(function (box) {
      box.checked = toggle.checked;
    });
  });

  // htmx reports upload progress on the posting form; its <progress data-upload-progress> shows it.
  // Then a worker checks the rows, and the panel that replaces the form shows that progress.
  document.addEventListener("htmx:xhr:progress", function (event) {
    var progress = event.target.querySelector && event.target.querySelector("progress[data-upload-progress]");
    if (progress && event.detail.lengthComputable) {
      progress.hidden = false;
      progress.value = Math.round((event.detail.loaded / event.detail.total) * 100);
    }
  });

  // A link marked data-dialog="<id>" opens that <dialog> as a modal; [data-dialog-close] inside
  // one closes it. Without JavaScript the link loads a page that draws the dialog open.
  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest("[data-dialog]");
    var dialog = opener && document.getElementById(opener.dataset.dialog);
    if (dialog && dialog.showModal) {
      event.preventDefault();
      dialog.showModal();
      return;
    }
    var closer = event.target.closest && event.target.closest("dialog [data-dialog-close]");
    if (closer) {
      event.preventDefault();
      closer.closest("dialog").close();
    }
  });

  // A live filter htmx holds back as invalid (a score of 150) says why instead of doing nothing.
  document.addEventListener("htmx:validation:halted", function (event) {
    if (event.target.reportValidity) {
      event.target.reportValidity();
    }
  });
})();
