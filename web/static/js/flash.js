/* Every failed htmx request says why (the error page's message, or what went wrong),
   and a lost live connection says it is reconnecting. */
(function () {
  var box = document.getElementById("flash"), timer = null, sseTimer = null;
  function show(text, sticky) {
    box.textContent = text; box.hidden = false; clearTimeout(timer);
    if (!sticky) timer = setTimeout(function () { box.hidden = true; }, 8000);
  }
  document.body.addEventListener("htmx:responseError", function (e) {
    var xhr = e.detail.xhr, text = "";
    try {
      var found = new DOMParser().parseFromString(xhr.responseText, "text/html")
        .querySelector("main .error-message, main [role=alert]");
      text = found ? found.textContent.trim() : "";
    } catch (err) { text = ""; }
    if (!text && xhr.status === 403) text = "You are not allowed to do that.";
    if (!text && xhr.status === 404) text = "That is gone: reload the page.";
    if (!text) text = "Something went wrong on our side (" + xhr.status + "). Please try again.";
    show(text);
  });
  document.body.addEventListener("htmx:sendError", function () {
    show("Cannot reach livemart. Check your connection and try again.");
  });
  document.body.addEventListener("htmx:sseError", function () {
    clearTimeout(sseTimer);
    sseTimer = setTimeout(function () { show("Live updates interrupted: reconnecting…", true); }, 3000);
  });
  document.body.addEventListener("htmx:sseOpen", function () {
    clearTimeout(sseTimer);
    if (box.textContent.indexOf("Live updates") === 0) box.hidden = true;
  });
})();

