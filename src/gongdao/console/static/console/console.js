/* Console helpers, no framework: focus the error summary, insert canned replies at the cursor,
   enlarge evidence photos in a dialog, select a set-password link for copying. */
(function () {
  "use strict";

  function focusFirst() {
    var box = document.querySelector("[data-error-summary]") || document.querySelector("[data-focus]");
    if (box) { box.focus(); }
  }

  function insertAtCursor(field, text) {
    var start = field.selectionStart, end = field.selectionEnd, value = field.value;
    if (typeof start !== "number") { start = end = value.length; }
    var before = value.slice(0, start), after = value.slice(end);
    var gap = before && !/\s$/.test(before) ? "\n" : "";
    field.value = before + gap + text + after;
    var caret = (before + gap + text).length;
    field.focus();
    field.setSelectionRange(caret, caret);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function cannedReplies() {
    document.querySelectorAll("[data-canned]").forEach(function (box) {
      var field = document.getElementById(box.getAttribute("data-target"));
      var select = box.querySelector("select");
      var button = box.querySelector("[data-insert]");
      if (!field || !select || !button) { return; }
      box.hidden = false;
      button.addEventListener("click", function () {
        var option = select.options[select.selectedIndex];
        if (option) { insertAtCursor(field, option.getAttribute("data-text") || ""); }
      });
    });
  }

  function zoom() {
    var dialog = null;
    document.querySelectorAll("[data-zoom]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (typeof HTMLDialogElement === "undefined") { return; }
        event.preventDefault();
        if (!dialog) {
          dialog = document.createElement("dialog");
          dialog.className = "zoom-dialog";
          var close = document.createElement("button");
          close.type = "button";
          close.className = "button secondary small";
          close.textContent = "×";
          close.setAttribute("aria-label", document.documentElement.lang.indexOf("zh") === 0 ? "关闭" : "Close");
          close.addEventListener("click", function () { dialog.close(); });
          dialog.appendChild(close);
          dialog.appendChild(document.createElement("img"));
          dialog.addEventListener("click", function (e) { if (e.target === dialog) { dialog.close(); } });
          document.body.appendChild(dialog);
        }
        var img = dialog.querySelector("img");
        var thumb = link.querySelector("img");
        img.src = link.href;
        img.alt = thumb ? thumb.alt : "";
        dialog.showModal();
        dialog.querySelector("button").focus();
      });
    });
  }

  function selectAll() {
    document.querySelectorAll("[data-select-all]").forEach(function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusFirst();
    cannedReplies();
    zoom();
    selectAll();
  });
})();
