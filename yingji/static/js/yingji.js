// Yingji's only script besides htmx: no inline scripts anywhere (Content-Security-Policy).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("select[data-autosubmit]")) { el.form.submit(); }
});
document.addEventListener("click", function (event) {
  var el = event.target.closest && event.target.closest("[data-print]");
  if (el) { window.print(); }
});
// A request htmx makes (the bell's poll) that was redirected (to the password change, the
// second factor or the login page) brought a whole page back: never swap that into a fragment.
document.addEventListener("htmx:beforeSwap", function (event) {
  var xhr = event.detail.xhr;
  if (!xhr || !xhr.responseURL) { return; }
  var asked = new URL(event.detail.requestConfig.path, window.location.href).pathname;
  if (new URL(xhr.responseURL).pathname !== asked) { event.detail.shouldSwap = false; }
});
// Filters folded in a <details> on a phone (the ledger's seven) stand open on a wide screen.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.matchMedia || !window.matchMedia("(min-width: 700px)").matches) { return; }
  document.querySelectorAll("details[data-open-wide]").forEach(function (el) { el.open = true; });
});
