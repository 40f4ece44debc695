// The reconciliation page's keys (templates/finance/reconciliation_page.html); the page works
// without them. ↓ or j and ↑ or k move to the next or previous statement line and show its
// suggestions; Enter on a line accepts its best suggestion; u undoes the last reconciliation.
// After each change the page comes back with a line selected, and the focus goes to it.
(function () {
  "use strict";

  function lines() {
    return Array.prototype.slice.call(document.querySelectorAll("#reconciliation [data-line]"));
  }

  function selectedLine() {
    return document.querySelector('#reconciliation [data-line][aria-current="true"]');
  }

  function select(line) {
    lines().forEach(function (other) {
      other.removeAttribute("aria-current");
    });
    line.setAttribute("aria-current", "true");
    line.focus();
    line.click(); // htmx loads its suggestions into the panel
  }

  function move(step) {
    var all = lines();
    var index = all.indexOf(document.activeElement);
    if (index === -1) {
      index = all.indexOf(selectedLine());
    }
    var next = all[Math.min(Math.max(index + step, 0), all.length - 1)];
    if (next && next !== all[index]) {
      select(next);
    } else if (next) {
      next.focus();
    }
  }

  function acceptBest(line) {
    var panel = document.getElementById("reconcile-panel");
    if (!panel || panel.dataset.lineId !== line.dataset.line) {
      select(line); // its suggestions first; the next Enter takes the best one
      return;
    }
    var best = panel.querySelector("form[data-accept]");
    if (best) {
      submitWithHtmx(best);
    }
  }

  // A form swapped in a moment ago may not be htmx's yet: a plain submit would load a whole page.
  function submitWithHtmx(form) {
    window.htmx.process(form);
    form.requestSubmit();
  }

  document.addEventListener("click", function (event) {
    var line = event.target.closest && event.target.closest("#reconciliation [data-line]");
    if (line && event.isTrusted) {
      lines().forEach(function (other) {
        other.removeAttribute("aria-current");
      });
      line.setAttribute("aria-current", "true");
    }
  });

  document.addEventListener("keydown", function (event) {
    if (!document.getElementById("reconciliation") || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var target = event.target;
    if (target.closest && target.closest("input, select, textarea, [contenteditable]")) {
      return;
    }
    var key = event.key;
    if (key === "ArrowDown" || key === "j") {
      event.preventDefault();
      move(1);
    } else if (key === "ArrowUp" || key === "k") {
      event.preventDefault();
      move(-1);
    } else if (key === "Enter" && target.matches && target.matches("[data-line]")) {
      event.preventDefault(); // its suggestions are already shown: Enter takes the best one
      acceptBest(target);
    } else if (key === "u") {
      var undo = document.querySelector("#reconciliation [data-undo]");
      if (undo) {
        event.preventDefault();
        submitWithHtmx(undo.closest("form"));
      }
    }
  });

  // A change swaps the whole workspace: put the focus back on the selected line.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target.id === "reconciliation" || (event.detail.elt && event.detail.elt.id === "reconciliation")) {
      var line = selectedLine() || lines()[0];
      if (line) {
        line.focus();
      }
    }
  });
})();
