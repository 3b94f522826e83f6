/* The replay page: hls.js where MediaSource exists, else the browser plays HLS itself.
   Chat lines and the pinned product follow the video: a line shows once currentTime passes
   its offset (seeking back hides it again); the pinned card is the last pin before now. */
(function () {
  const v = document.getElementById("replay");
  if (!v) return;
  if (window.Hls && Hls.isSupported()) { const h = new Hls(); h.loadSource(v.dataset.src); h.attachMedia(v); }
  else { v.src = v.dataset.src; }

  const lines = Array.from(document.querySelectorAll(".replay-chat li[data-at]"));
  const pins = Array.from(document.querySelectorAll("[data-pin-at]"));
  const chat = document.querySelector(".replay-chat");
  let shown = -1;
  function sync() {
    const t = v.currentTime;
    let last = -1;
    lines.forEach((li, i) => {
      const visible = Number(li.dataset.at) <= t;
      li.hidden = !visible;
      if (visible) last = i;
    });
    if (last !== shown) {
      shown = last;
      if (chat) chat.scrollTop = chat.scrollHeight;
      v.dataset.chatShown = String(last + 1);
    }
    let current = null;
    pins.forEach((p) => { if (Number(p.dataset.pinAt) <= t) current = p; });
    pins.forEach((p) => { p.hidden = p !== current || !p.hasAttribute("href"); });
  }
  sync();
  v.addEventListener("timeupdate", sync);
  v.addEventListener("seeked", sync);
  document.querySelectorAll("time[data-local-time]").forEach((el) => {
    const d = new Date(el.getAttribute("datetime"));
    if (!isNaN(d)) el.textContent = d.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  });
})();
