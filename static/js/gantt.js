// A project's Gantt chart (frappe-gantt): the bars come from the page's data-url (the API's
// `{id}/gantt/` answer); dragging a bar or stretching its ends posts the task's new start and due
// date to data-dates-url (for task 0), through the same task service as the API's PATCH. A refused
// change reloads the bars as the server holds them.
(function () {
  "use strict";

  var chart = document.querySelector("[data-gantt]");
  if (!chart || !window.Gantt) {
    return;
  }
  var csrfToken = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  var status = document.getElementById("gantt-status");

  function say(message) {
    status.textContent = message;
  }

  // frappe-gantt writes a bar's name as HTML: titles are text.
  function escaped(text) {
    var holder = document.createElement("span");
    holder.textContent = text;
    return holder.innerHTML;
  }

  function day(date) {
    function pad(number) {
      return (number < 10 ? "0" : "") + number;
    }
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
  }

  function bars(tasks) {
    return tasks.map(function (task) {
      return {
        id: String(task.id),
        name: escaped(task.title),
        start: task.start,
        end: task.end,
        progress: Math.round(task.progress * 100),
        dependencies: task.dependencies.map(String).join(","),
        custom_class: "gantt-" + task.status,
      };
    });
  }

  function save(task, start, end) {
    var body = new FormData();
    body.append("start_date", day(start));
    body.append("due_date", day(end));
    return fetch(chart.dataset.datesUrl.replace("/0/", "/" + task.id + "/"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken },
    }).then(function (response) {
      // A refusal by the services is JSON with its reason; a 403 or a 500 is a page.
      return response
        .json()
        .catch(function () {
          return {};
        })
        .then(function (answer) {
          if (!response.ok) {
            throw new Error(answer.error || chart.dataset.failedMessage);
          }
          say("");
        });
    });
  }

  var gantt = null;

  function load() {
    return fetch(chart.dataset.url, { credentials: "same-origin" })
      .then(function (response) {
        return response.json();
      })
      .then(function (answer) {
        if (!answer.tasks.length) {
          chart.textContent = chart.dataset.empty;
          return;
        }
        if (gantt) {
          gantt.refresh(bars(answer.tasks));
          return;
        }
        gantt = new window.Gantt(chart, bars(answer.tasks), {
          view_mode: "Day",
          // The project's first weeks, not today's (which may lie far after them).
          scroll_to: "start",
          // No weekend shading: frappe-gantt colours it with a style attribute, which the pages'
          // Content-Security-Policy refuses (the shading then turns black).
          holidays: {},
          language: (chart.dataset.language || "en").slice(0, 2),
          readonly_progress: true,
          popup: false,
          on_date_change: function (task, start, end) {
            save(task, start, end).catch(function (error) {
              say(error.message || chart.dataset.failedMessage);
              load();
            });
          },
        });
      });
  }

  load();
})();
