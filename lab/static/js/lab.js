// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Forms marked data-confirm ask before an action that is hard to undo.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();

// Discussions: "Reply" opens the reply box right under the comment without reloading the page
// (without JavaScript the link loads the page with that reply box open, anchored there).
(function () {
  "use strict";
  function freshKey() {
    var bytes = new Uint8Array(24);
    window.crypto.getRandomValues(bytes);
    var text = "";
    for (var i = 0; i < bytes.length; i++) { text += String.fromCharCode(bytes[i]); }
    return window.btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest && event.target.closest("a[data-reply-action]");
    var model = document.getElementById("comment-box-top");
    if (!link || !model || !window.crypto || !window.btoa) { return; }
    var item = link.closest(".comment");
    if (!item) { return; }
    event.preventDefault();
    var boxId = "reply-form-" + item.id.replace("comment-", "");
    var existing = document.getElementById(boxId);
    if (existing) { existing.querySelector("textarea").focus(); return; }
    var form = model.cloneNode(true);
    form.id = boxId;
    form.action = link.getAttribute("data-reply-action");
    var textarea = form.querySelector("textarea");
    var label = form.querySelector("label");
    var hint = form.querySelector(".field__hint");
    var error = form.querySelector(".field__error");
    if (error) { error.parentNode.removeChild(error); }
    textarea.id = boxId + "-body";
    textarea.removeAttribute("aria-invalid");
    textarea.value = link.getAttribute("data-reply-mention") || "";
    if (hint) { hint.id = boxId + "-hint"; textarea.setAttribute("aria-describedby", hint.id); }
    label.htmlFor = textarea.id;
    label.textContent = link.getAttribute("data-reply-label");
    form.querySelector("button[type=submit]").textContent = link.getAttribute("data-reply-submit");
    form.querySelector("input[name=submission_key]").value = freshKey();
    var wrapper = document.createElement("div");
    wrapper.className = "comment__reply-box";
    wrapper.appendChild(form);
    var card = item.querySelector(".comment__card");
    card.parentNode.insertBefore(wrapper, card.nextSibling);
    textarea.focus();
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
  });
})();
