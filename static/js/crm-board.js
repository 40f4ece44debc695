// The pipeline board: drag a card (SortableJS), or focus it and press Alt+Arrow, and the move is
// saved at once; moving to Won or Lost first asks in a dialog. Every answer carries the columns' new counts and totals,
// which replace the old ones; a refused move puts the card back where it was.
(function () {
  "use strict";

  var board = document.getElementById("board");
  if (!board || !window.Sortable) {
    return;
  }
  var csrfToken = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  var status = document.getElementById("board-status");

  function urlFor(kind, dealId) {
    // The templates render each URL for deal 0; the card names the real one.
    return board.dataset[kind + "Url"].replace("/0/", "/" + dealId + "/");
  }

  function post(url, fields) {
    var body = new FormData();
    Object.keys(fields).forEach(function (name) {
      body.append(name, fields[name]);
    });
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken },
    }).then(function (response) {
      return response.text().then(function (html) {
        var error = applyAnswer(html);
        if (!response.ok) {
          throw new Error(error || board.dataset.failedMessage);
        }
      });
    });
  }

  // The answer: the heads of every column (data-column-head) and maybe an error message.
  function applyAnswer(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    template.content.querySelectorAll("[data-column-head]").forEach(function (head) {
      var current = document.getElementById(head.id);
      if (current) {
        current.replaceWith(head);
      }
    });
    var error = template.content.querySelector("[data-board-error]");
    return error ? error.textContent : "";
  }

  function putBack(move) {
    move.item.remove();
    move.from.insertBefore(move.item, move.from.children[move.oldIndex] || null);
  }

  function say(message) {
    status.textContent = message;
  }

  function saveMove(move) {
    post(urlFor("move", move.item.dataset.deal), { stage: move.to.dataset.stage, position: move.newIndex })
      .then(function () {
        say("");
      })
      .catch(function (error) {
        putBack(move);
        say(error.message || board.dataset.failedMessage);
      });
  }

  // --- Won and lost ask first ---------------------------------------------------------------
  var pending = null; // the move a dialog is asking about

  function askAbout(move) {
    var kind = move.to.dataset.stage === "closed_won" ? "won" : "lost";
    var dialog = document.getElementById(kind + "-dialog");
    var form = dialog.querySelector("form");
    form.reset();
    form.querySelector("[data-deal-title]").textContent = move.item.querySelector("a").textContent;
    form.querySelector("[data-dialog-error]").hidden = true;
    pending = { move: move, kind: kind, dialog: dialog };
    dialog.showModal();
  }

  document.querySelectorAll("form[data-board-dialog]").forEach(function (form) {
    var dialog = form.closest("dialog");
    form.querySelector("[data-cancel]").addEventListener("click", function () {
      dialog.close();
    });
    // Closing without confirming (Cancel, Escape) puts the card back.
    dialog.addEventListener("close", function () {
      if (pending && pending.dialog === dialog) {
        putBack(pending.move);
        pending = null;
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var asked = pending;
      var fields = {};
      new FormData(form).forEach(function (value, name) {
        fields[name] = value;
      });
      post(urlFor(asked.kind, asked.move.item.dataset.deal), fields)
        .then(function () {
          pending = null;
          // Closed deals are listed latest first: the card goes to the top of its column.
          asked.move.to.prepend(asked.move.item);
          dialog.close();
        })
        .catch(function (error) {
          var message = form.querySelector("[data-dialog-error]");
          message.textContent = error.message;
          message.hidden = false;
        });
    });
  });

  function moveTo(move) {
    var entersClosed = move.to.dataset.closed === "true" && move.from !== move.to;
    if (entersClosed) {
      askAbout(move);
    } else {
      saveMove(move);
    }
  }

  // --- The keyboard: Alt+Right / Alt+Left moves the focused card to the top of the next column --
  var lists = Array.prototype.slice.call(board.querySelectorAll(".board-cards"));

  board.addEventListener("keydown", function (event) {
    var step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    var card = event.target.closest && event.target.closest(".deal-card");
    if (!step || !event.altKey || !card) {
      return;
    }
    var from = card.parentElement;
    var to = lists[lists.indexOf(from) + step];
    if (!to) {
      return;
    }
    event.preventDefault();
    var oldIndex = Array.prototype.indexOf.call(from.children, card);
    to.prepend(card);
    card.querySelector("a").focus();
    moveTo({ item: card, from: from, to: to, oldIndex: oldIndex, newIndex: 0 });
  });

  // --- Dragging -------------------------------------------------------------------------------
  board.querySelectorAll(".board-cards").forEach(function (list) {
    Sortable.create(list, {
      group: "pipeline",
      animation: 150,
      // Mouse events instead of native drag and drop: the same everywhere, scripted tests included.
      forceFallback: true,
      // On a touch screen a swipe scrolls the board; a card moves after a press of a quarter second.
      delay: 250,
      delayOnTouchOnly: true,
      draggable: ".deal-card",
      onEnd: function (move) {
        if (move.from === move.to && move.oldIndex === move.newIndex) {
          return;
        }
        moveTo(move);
      },
    });
  });
})();
