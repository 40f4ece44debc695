// CRM pages: ticking every row at once, the CSV upload's progress bar, and live filters that
// say why they did not run. The pages work without this file; it saves clicks and surprises.
(function () {
  "use strict";

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

  // A live filter htmx holds back as invalid (a score of 150) says why instead of doing nothing.
  document.addEventListener("htmx:validation:halted", function (event) {
    if (event.target.reportValidity) {
      event.target.reportValidity();
    }
  });
})();
