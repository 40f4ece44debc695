// A Kanban board (the CRM pipeline, a project's tasks): drag a card (SortableJS), focus it and press
// Alt+Arrow, or pick a column in its menu, and the move is saved at once; a column marked
// data-ask="won" first asks in #won-dialog and posts to the board's data-won-url. Every answer
// carries the columns' new heads (counts, totals), which replace the old ones; a refused move puts
// the card back where it was.
//
// The markup: [data-board] with data-move-url (for card 0), data-column-field (the field the move
// posts the column in) and data-failed-message; ol.board-cards[data-column] holding
// li.board-card[data-card]; optionally #board-dropbar with ol.board-drop[data-column], #move-dialog.
(function () {
  "use strict";

  var board = document.querySelector("[data-board]");
  if (!board || !window.Sortable) {
    return;
  }
  var csrfToken = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  var status = document.getElementById("board-status");

  function urlFor(kind, cardId) {
    // The templates render each URL for card 0; the card names the real one.
    return board.dataset[kind + "Url"].replace("/0/", "/" + cardId + "/");
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
    var fields = { position: move.newIndex };
    fields[board.dataset.columnField] = move.to.dataset.column;
    post(urlFor("move", move.item.dataset.card), fields)
      .then(function () {
        say("");
      })
      .catch(function (error) {
        putBack(move);
        say(error.message || board.dataset.failedMessage);
      });
  }

  // --- Some columns ask first (the pipeline's Won and Lost) ---------------------------------
  var pending = null; // the move a dialog is asking about

  function askAbout(move) {
    var kind = move.to.dataset.ask;
    var dialog = document.getElementById(kind + "-dialog");
    var form = dialog.querySelector("form");
    form.reset();
    form.querySelector("[data-card-title]").textContent = move.item.querySelector("a").textContent;
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
      post(urlFor(asked.kind, asked.move.item.dataset.card), fields)
        .then(function () {
          pending = null;
          // A column that asks lists its cards latest first: the card goes to the top.
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
    if (move.to.dataset.ask && move.from !== move.to) {
      askAbout(move);
    } else {
      saveMove(move);
    }
  }

  var lists = Array.prototype.slice.call(board.querySelectorAll(".board-cards"));

  function listOf(column) {
    return board.querySelector('.board-cards[data-column="' + column + '"]');
  }

  // A card put on top of another column by a key or the menu, rather than dragged there.
  function sendToTop(card, to) {
    var from = card.parentElement;
    var oldIndex = Array.prototype.indexOf.call(from.children, card);
    to.prepend(card);
    moveTo({ item: card, from: from, to: to, oldIndex: oldIndex, newIndex: 0 });
  }

  // --- The card's menu: every column, those that ask included, for touch screens and keyboards ---
  var moveDialog = document.getElementById("move-dialog");
  var moveForm = moveDialog.querySelector("form");
  var menuCard = null;

  board.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-card-menu]");
    if (!button) {
      return;
    }
    menuCard = button.closest(".board-card");
    var column = menuCard.parentElement.dataset.column;
    moveForm.querySelector("[data-card-title]").textContent = menuCard.querySelector("a").textContent;
    moveForm.querySelectorAll("button[name=column]").forEach(function (choice) {
      choice.disabled = choice.value === column;
      choice.setAttribute("aria-current", choice.value === column ? "true" : "false");
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
    var card = event.target.closest && event.target.closest(".board-card");
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

  // --- While dragging on a narrow screen, the bar's columns (Won, Lost) wait at the bottom ------
  var dropbar = document.getElementById("board-dropbar");
  var drops = dropbar ? Array.prototype.slice.call(dropbar.querySelectorAll(".board-drop")) : [];

  function outOfSight(column) {
    var place = listOf(column).getBoundingClientRect();
    return place.left < 0 || place.right > window.innerWidth;
  }

  drops.forEach(function (list) {
    Sortable.create(list, { group: board.id, forceFallback: true, draggable: ".board-card" });
  });

  // --- Dragging -------------------------------------------------------------------------------
  board.querySelectorAll(".board-cards").forEach(function (list) {
    Sortable.create(list, {
      group: board.id,
      animation: 150,
      // Mouse events instead of native drag and drop: the same everywhere, scripted tests included.
      forceFallback: true,
      // On a touch screen a swipe scrolls the board; a card moves after a press of a quarter second.
      delay: 250,
      delayOnTouchOnly: true,
      draggable: ".board-card",
      // The menu button is pressed, never dragged.
      filter: "[data-card-menu]",
      preventOnFilter: false,
      onStart: function () {
        if (dropbar) {
          dropbar.hidden = !drops.some(function (drop) {
            return outOfSight(drop.dataset.column);
          });
        }
      },
      onEnd: function (move) {
        if (dropbar) {
          dropbar.hidden = true;
        }
        if (dropbar && move.to.parentElement === dropbar) {
          // Dropped on the bar: the card goes on top of the real column.
          move.to = listOf(move.to.dataset.column);
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
