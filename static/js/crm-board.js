// The pipeline board: drag a card (SortableJS), focus it and press Alt+Arrow, or pick a column in
// its menu, and the move is saved at once; moving to Won or Lost first asks in a dialog. Every answer carries the columns' new counts and totals,
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

  var lists = Array.prototype.slice.call(board.querySelectorAll(".board-cards"));

  function listOf(stage) {
    return board.querySelector('.board-cards[data-stage="' + stage + '"]');
  }

  // A card put on top of another column by a key or the menu, rather than dragged there.
  function sendToTop(card, to) {
    var from = card.parentElement;
    var oldIndex = Array.prototype.indexOf.call(from.children, card);
    to.prepend(card);
    moveTo({ item: card, from: from, to: to, oldIndex: oldIndex, newIndex: 0 });
  }

  // --- The card's menu: every column, Won and Lost included, for touch screens and keyboards ----
  var moveDialog = document.getElementById("move-dialog");
  var moveForm = moveDialog.querySelector("form");
  var menuCard = null;

  board.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-card-menu]");
    if (!button) {
      return;
    }
    menuCard = button.closest(".deal-card");
    var stage = menuCard.parentElement.dataset.stage;
    moveForm.querySelector("[data-deal-title]").textContent = menuCard.querySelector("a").textContent;
    moveForm.querySelectorAll("button[name=stage]").forEach(function (choice) {
      choice.disabled = choice.value === stage;
      choice.setAttribute("aria-current", choice.value === stage ? "true" : "false");
    });
    moveDialog.showModal();
  });
  moveForm.querySelector("[data-cancel]").addEventListener("click", function () {
    moveDialog.close();
  });
  moveForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var card = menuCard;
    moveDialog.close();
    sendToTop(card, listOf(event.submitter.value));
    card.querySelector("[data-card-menu]").focus();
  });

  // --- The keyboard: Alt+Right / Alt+Left moves the focused card to the top of the next column --

  board.addEventListener("keydown", function (event) {
    var step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    var card = event.target.closest && event.target.closest(".deal-card");
    if (!step || !event.altKey || !card) {
      return;
    }
    var to = lists[lists.indexOf(card.parentElement) + step];
    if (!to) {
      return;
    }
    event.preventDefault();
    var focused = document.activeElement;
    sendToTop(card, to);
    focused.focus();
  });

  // --- While dragging on a narrow screen, Won and Lost wait in a bar at the bottom -------------
  var dropbar = document.getElementById("board-dropbar");

  function outOfSight(stage) {
    var place = listOf(stage).getBoundingClientRect();
    return place.left < 0 || place.right > window.innerWidth;
  }

  dropbar.querySelectorAll(".board-drop").forEach(function (list) {
    Sortable.create(list, { group: "pipeline", forceFallback: true, draggable: ".deal-card" });
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
      // The menu button is pressed, never dragged.
      filter: "[data-card-menu]",
      preventOnFilter: false,
      onStart: function () {
        dropbar.hidden = !(outOfSight("closed_won") || outOfSight("closed_lost"));
      },
      onEnd: function (move) {
        dropbar.hidden = true;
        if (move.to.parentElement === dropbar) {
          // Dropped on the bar: the card goes on top of the real column.
          move.to = listOf(move.to.dataset.stage);
          move.to.prepend(move.item);
          move.newIndex = 0;
        }
        if (move.from === move.to && move.oldIndex === move.newIndex) {
          return;
        }
        moveTo(move);
      },
    });
  });
})();
