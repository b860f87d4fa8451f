/* Draft autosave for the guided path's "what you want" page: a few seconds after the user stops
   typing, and when the page is hidden (tab closed, phone locked), the form is saved to the
   draft case on the server. The Continue button still validates and saves as usual. */
(function () {
  "use strict";

  var DELAY = 3000;

  function setup(form) {
    var status = form.querySelector("[data-autosave-status]");
    var timer = null;
    var dirty = false;

    function payload() {
      var data = new FormData(form);
      data.delete("redraft");
      data.set("autosave", "1");
      return data;
    }

    function save() {
      timer = null;
      if (!dirty) return;
      dirty = false;
      if (status) status.textContent = form.getAttribute("data-saving");
      fetch(form.action || location.href, {
        method: "POST",
        body: payload(),
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest", Accept: "application/json" },
      })
        .then(function (response) {
          return response.json().then(function (body) {
            if (status) status.textContent = body.saved ? body.message : form.getAttribute("data-failed");
          });
        })
        .catch(function () {
          dirty = true;
          if (status) status.textContent = form.getAttribute("data-failed");
        });
    }

    function changed() {
      dirty = true;
      if (timer) clearTimeout(timer);
      timer = setTimeout(save, DELAY);
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function () {
      dirty = false;
      if (timer) clearTimeout(timer);
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && dirty && navigator.sendBeacon) {
        dirty = false;
        navigator.sendBeacon(form.action || location.href, payload());
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-autosave]");
    for (var i = 0; i < forms.length; i++) setup(forms[i]);
  });
})();
