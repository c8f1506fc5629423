/* The task board, better with JavaScript (it works without: each card has a move form).
 *
 * - Each card's move form is posted with fetch instead of reloading the page; the answer (JSON:
 *   a message and every task's column, position and version) puts the cards in place.
 * - Buttons move a card up, down, or to the previous or next column, from the keyboard.
 * - Cards can be dragged to another place or column.
 * - Every move, or refusal, is announced in the page's aria-live region.
 */
(function () {
  "use strict";

  var board = document.getElementById("board");
  if (!board || board.getAttribute("data-enhance") !== "board" || !window.fetch) {
    return;
  }
  var announcer = document.getElementById("board-announcer");
  var STATUSES = ["todo", "doing", "done"];

  function announce(message) {
    if (!announcer) { return; }
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = message; }, 50);
  }

  function list(status) {
    return board.querySelector('ol.board__cards[data-status="' + status + '"]');
  }

  function cards(status) {
    return Array.prototype.slice.call(list(status).querySelectorAll(":scope > li.task-card"));
  }

  function formOf(card) {
    return card.querySelector("form.task-move");
  }

  function refreshColumns() {
    STATUSES.forEach(function (status) {
      var column = list(status).parentNode;
      var count = column.querySelector(".board__count");
      var items = cards(status);
      if (count) { count.textContent = "(" + items.length + ")"; }
      var empty = column.querySelector(".board__empty");
      if (empty) { empty.hidden = items.length > 0; }
      items.forEach(function (card) {
        var position = card.querySelector('input[name="position"]');
        if (position) { position.max = String(items.length + 1); }
      });
    });
    refreshSteps();
  }

  function apply(tasks) {
    var byStatus = { todo: [], doing: [], done: [] };
    tasks.forEach(function (task) {
      var card = document.getElementById("task-" + task.id);
      if (!card) { return; }
      card.setAttribute("data-status", task.status);
      var form = formOf(card);
      if (form) {
        form.querySelector('input[name="version"]').value = String(task.version);
        form.querySelector('select[name="status"]').value = task.status;
        form.querySelector('input[name="position"]').value = String(task.position + 1);
      }
      (byStatus[task.status] = byStatus[task.status] || []).push(task);
    });
    STATUSES.forEach(function (status) {
      var target = list(status);
      byStatus[status].sort(function (a, b) { return a.position - b.position; });
      byStatus[status].forEach(function (task) {
        var card = document.getElementById("task-" + task.id);
        if (card) { target.appendChild(card); }
      });
    });
    refreshColumns();
  }

  function send(form, focusSelector) {
    var card = form.closest("li.task-card");
    form.setAttribute("aria-busy", "true");
    return window.fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) {
        if (body.tasks) { apply(body.tasks); }
        announce(body.message || board.getAttribute("data-label-failed"));
      });
    }).catch(function () {
      announce(board.getAttribute("data-label-failed"));
    }).then(function () {
      form.removeAttribute("aria-busy");
      var again = focusSelector && card ? card.querySelector(focusSelector) : null;
      if (again && !again.disabled) { again.focus(); } else if (card) {
        var link = card.querySelector("h3 a");
        if (link) { link.focus(); }
      }
    });
  }

  function moveTo(card, status, position, focusSelector) {
    var form = formOf(card);
    if (!form) { return; }
    form.querySelector('select[name="status"]').value = status;
    form.querySelector('input[name="position"]').value = String(position + 1);
    send(form, focusSelector);
  }

  // A step button: a short visible word ("Up"), a full name for assistive technology that
  // contains it ("Move up (Alpha)").
  function button(which, title, onClick) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "button button--small task-move__step task-move__" + which;
    element.textContent = board.getAttribute("data-short-" + which);
    element.setAttribute("aria-label", board.getAttribute("data-label-" + which) + " (" + title + ")");
    element.addEventListener("click", onClick);
    return element;
  }

  // A step that would lead nowhere (up from the top, past the last column) is disabled.
  function refreshSteps() {
    STATUSES.forEach(function (status, column) {
      var items = cards(status);
      items.forEach(function (card, index) {
        var steps = {
          up: index === 0,
          down: index === items.length - 1,
          left: column === 0,
          right: column === STATUSES.length - 1
        };
        Object.keys(steps).forEach(function (which) {
          var step = card.querySelector(".task-move__" + which);
          if (step) { step.disabled = steps[which]; }
        });
      });
    });
  }

  function enhance(card) {
    var form = formOf(card);
    if (!form) { return; }
    var title = form.getAttribute("data-task-title") || "";
    var group = document.createElement("div");
    group.className = "task-move__steps";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", title);
    function here() {
      var status = card.getAttribute("data-status");
      return { status: status, index: cards(status).indexOf(card) };
    }
    group.appendChild(button("up", title, function () {
      var at = here();
      if (at.index > 0) { moveTo(card, at.status, at.index - 1, ".task-move__up"); }
    }));
    group.appendChild(button("down", title, function () {
      var at = here();
      if (at.index < cards(at.status).length - 1) { moveTo(card, at.status, at.index + 1, ".task-move__down"); }
    }));
    group.appendChild(button("left", title, function () {
      var at = here();
      var column = STATUSES.indexOf(at.status);
      if (column > 0) { moveTo(card, STATUSES[column - 1], cards(STATUSES[column - 1]).length, ".task-move__left"); }
    }));
    group.appendChild(button("right", title, function () {
      var at = here();
      var column = STATUSES.indexOf(at.status);
      if (column < STATUSES.length - 1) { moveTo(card, STATUSES[column + 1], cards(STATUSES[column + 1]).length, ".task-move__right"); }
    }));
    form.parentNode.insertBefore(group, form);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send(form, 'button[type="submit"]');
    });

    card.setAttribute("draggable", "true");
    card.addEventListener("dragstart", function (event) {
      event.dataTransfer.setData("text/plain", card.id);
      event.dataTransfer.effectAllowed = "move";
      card.classList.add("task-card--dragging");
    });
    card.addEventListener("dragend", function () {
      card.classList.remove("task-card--dragging");
    });
  }

  function dropIndex(target, y, dragged) {
    var items = Array.prototype.slice.call(target.querySelectorAll(":scope > li.task-card"))
      .filter(function (item) { return item !== dragged; });
    for (var i = 0; i < items.length; i += 1) {
      var box = items[i].getBoundingClientRect();
      if (y < box.top + box.height / 2) { return i; }
    }
    return items.length;
  }

  STATUSES.forEach(function (status) {
    var target = list(status);
    var column = target.parentNode;
    column.addEventListener("dragover", function (event) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      column.classList.add("board__column--target");
    });
    column.addEventListener("dragleave", function () {
      column.classList.remove("board__column--target");
    });
    column.addEventListener("drop", function (event) {
      event.preventDefault();
      column.classList.remove("board__column--target");
      var card = document.getElementById(event.dataTransfer.getData("text/plain"));
      if (!card || !board.contains(card)) { return; }
      moveTo(card, status, dropIndex(target, event.clientY, card), null);
    });
  });

  Array.prototype.forEach.call(board.querySelectorAll("li.task-card"), enhance);
  refreshColumns();
}());
