/* The studio console: copy buttons, inputs that select themselves on click, and forms
   that ask for confirmation ([data-confirm]). */
document.querySelectorAll("[data-copy]").forEach(function (button) {
  button.addEventListener("click", function () {
    var input = document.getElementById(button.dataset.copy);
    var status = document.getElementById("copy-status");
    input.select();
    var done = function () { status.textContent = "Copied."; };
    if (navigator.clipboard) {
      navigator.clipboard.writeText(input.value).then(done, function () {
        status.textContent = "Press Ctrl+C (⌘C) to copy the selected text.";
      });
    } else if (document.execCommand("copy")) { done(); }
  });
});

document.querySelectorAll("input[data-select-on-click]").forEach(function (input) {
  input.addEventListener("click", function () { input.select(); });
});
document.querySelectorAll("form[data-confirm]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
});

/* The stream key stays hidden (a password field) until "Show" is pressed: screen shares
   never leak it. The button is hidden without JavaScript (a <noscript> reveal stands in). */
document.querySelectorAll("[data-reveal]").forEach(function (button) {
  var input = document.getElementById(button.dataset.reveal);
  var label = button.querySelector("span");
  button.hidden = false;
  button.addEventListener("click", function () {
    var shown = input.type === "password";
    input.type = shown ? "text" : "password";
    button.setAttribute("aria-pressed", shown ? "true" : "false");
    if (label) label.textContent = shown ? "Hide" : "Show";
  });
});

/* The preview of the outgoing stream: the room's own HLS, muted, started when the room
   is on air (now, or when the console's SSE stream says the media went live). */
(function () {
  var video = document.getElementById("stream-preview");
  if (!video) return;
  var note = document.getElementById("stream-preview-note");
  var started = false;
  function start() {
    if (started) return;
    started = true;
    if (note) note.textContent = "";
    if (window.Hls && Hls.isSupported()) {
      var hls = new Hls({ liveSyncDuration: 2, backBufferLength: 10 });
      hls.loadSource(video.dataset.src);
      hls.attachMedia(video);
      hls.on(Hls.Events.MANIFEST_PARSED, function () { video.play().catch(function () {}); });
      hls.on(Hls.Events.ERROR, function (_, data) {
        if (data.fatal) { hls.destroy(); started = false; setTimeout(start, 3000); }
      });
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = video.dataset.src;
    }
  }
  if (video.dataset.onAir === "true") start();
  document.body.addEventListener("htmx:sseMessage", function (event) {
    if (event.detail.type === "room-status" && event.detail.data.indexOf('data-status="live"') !== -1) start();
  });
})();
