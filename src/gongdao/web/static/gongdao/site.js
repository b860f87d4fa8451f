/* Gongdao: small progressive enhancements; every page works without them.
   - the error summary takes focus when a page shows one (GOV.UK pattern), and its links move
     focus to the field;
   - countdowns to deadlines stay current;
   - a link to an action's anchor opens that action's form. */
(function () {
  "use strict";

  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary[data-focus]");
    if (summary) {
      summary.focus();
      summary.addEventListener("click", function (event) {
        var link = event.target.closest("a[href^='#']");
        if (!link) return;
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (!target) return;
        event.preventDefault();
        var details = target.closest("details");
        if (details) details.open = true;
        var legend = target.closest("fieldset");
        (legend || target).scrollIntoView({ block: "start" });
        target.focus({ preventScroll: true });
      });
    }
  }

  function remaining(node, now) {
    var due = Date.parse(node.getAttribute("data-countdown"));
    if (isNaN(due)) return null;
    var seconds = Math.round((due - now) / 1000);
    var overdue = seconds < 0;
    seconds = Math.abs(seconds);
    var days = Math.floor(seconds / 86400);
    var hours = Math.floor((seconds % 86400) / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var sep = node.getAttribute("data-sep") || "";
    var parts = [];
    if (days) parts.push(days + sep + node.getAttribute("data-d"));
    if (hours || days) parts.push(hours + sep + node.getAttribute("data-h"));
    if (!days) parts.push(minutes + sep + node.getAttribute("data-m"));
    var template = node.getAttribute(overdue ? "data-overdue" : "data-left");
    return { text: template.replace("%(span)s", parts.join(" ")), overdue: overdue };
  }

  function tickCountdowns() {
    var now = Date.now();
    var nodes = document.querySelectorAll("[data-countdown]");
    for (var i = 0; i < nodes.length; i++) {
      var result = remaining(nodes[i], now);
      if (!result) continue;
      if (nodes[i].textContent !== result.text) nodes[i].textContent = result.text;
      nodes[i].classList.toggle("overdue", result.overdue);
    }
  }

  function openTargetedAction() {
    if (!location.hash) return;
    var target = document.getElementById(location.hash.slice(1));
    var details = target && target.querySelector("details");
    if (details) details.open = true;
  }

  window.Gongdao = { remaining: remaining };
  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    openTargetedAction();
    if (document.querySelector("[data-countdown]")) {
      tickCountdowns();
      setInterval(tickCountdowns, 30000);
    }
  });
})();
