/* Times in the viewer's own time zone: every <time datetime="…" data-local> (the server
   writes UTC text inside as the no-JavaScript fallback) is rewritten in local time, also
   in fragments HTMX swaps in later. data-local="date" shows the date only, "time" the
   time only, anything else both. */
(function () {
  function localize(root) {
    (root || document).querySelectorAll("time[data-local]:not([data-localized])").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (isNaN(when.getTime())) return;
      var kind = el.dataset.local;
      var options = kind === "date" ? { dateStyle: "medium" }
        : kind === "time" ? { timeStyle: "short" }
        : { dateStyle: "medium", timeStyle: "short" };
      el.title = el.textContent.trim();
      el.textContent = new Intl.DateTimeFormat(document.documentElement.lang || undefined, options).format(when);
      el.dataset.localized = "1";
    });
  }
  localize(document);
  document.addEventListener("htmx:afterSwap", function (event) { localize(event.target); });
  document.addEventListener("htmx:sseMessage", function () { localize(document); });
})();
