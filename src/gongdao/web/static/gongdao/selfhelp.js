/* Gongdao self-help panel: small enhancements; the panel works without them.
   - "Copy" next to a drafted message copies the text as edited (the button shows only where
     the browser can copy);
   - in a form that records a step, the inputs that only apply to one answer (an offer's amounts,
     a decision's outcome) show only when that answer is chosen. */
(function () {
  "use strict";

  function copyText(textarea) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(textarea.value);
    }
    textarea.focus();
    textarea.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (error) {
      ok = false;
    }
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function setupCopy(button) {
    var textarea = document.getElementById(button.getAttribute("data-copy-draft"));
    var status = button.parentNode.querySelector("[data-copy-status]");
    if (!textarea) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(textarea).then(
        function () {
          if (status) status.textContent = button.getAttribute("data-copied");
        },
        function () {
          textarea.select();
          if (status) status.textContent = button.getAttribute("data-failed");
        }
      );
    });
  }

  function setupConditional(form) {
    var groups = form.querySelectorAll(".conditional[data-when]");
    function update() {
      for (var i = 0; i < groups.length; i++) {
        var name = groups[i].getAttribute("data-when");
        var checked = form.querySelector("input[name='" + name + "']:checked");
        var wanted = groups[i].getAttribute("data-values").split(" ");
        var show = checked !== null && wanted.indexOf(checked.value) !== -1;
        // a group with an error stays visible, whatever is chosen
        groups[i].hidden = !show && !groups[i].querySelector(".error-message");
      }
    }
    form.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("[data-copy-draft]");
    for (var i = 0; i < buttons.length; i++) setupCopy(buttons[i]);
    var forms = document.querySelectorAll("form[data-conditional]");
    for (var j = 0; j < forms.length; j++) setupConditional(forms[j]);
  });
})();
