// CRM lists: ticking every row at once, and the CSV upload's progress bar. The pages work
// without this file; it only saves clicks and shows how far an upload got.
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
})();
