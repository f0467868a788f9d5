// Forms marked data-confirm ask first and then send once: a second click (or Enter) while the first is on its
// way sends nothing. The server does not rely on this: the form's idempotency key and the running-case check
// make a second request harmless.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question === null) {
      return;
    }
    if (form.getAttribute("data-sent") === "1" || !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sent", "1");
    // After this event the browser has collected the form's fields; disabled buttons would drop out before.
    window.setTimeout(function () {
      form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
    }, 0);
  });
  // A page restored from the back-forward cache gets its buttons back.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sent]").forEach(function (form) {
      form.removeAttribute("data-sent");
      form.querySelectorAll("button").forEach(function (button) { button.disabled = false; });
    });
  });
}());
