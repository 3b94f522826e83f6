/* The home feed: live thumbnails move to the next time bucket every few seconds (the
   media worker rewrites thumb.jpg; the bucket in the URL makes each one a new image, so
   nothing polls HTML), and the room under a thumbnail plays muted, lowest rendition, while
   hovered or (on touch screens) while it is the card most in view. */
(function () {
  const feed = document.querySelector("[data-thumb-bucket-s]");
  const bucketS = feed ? Number(feed.dataset.thumbBucketS) || 5 : 5;

  function bumpThumbs() {
    if (document.hidden) return;
    const bucket = Math.floor(Date.now() / 1000 / bucketS);
    document.querySelectorAll("img[data-live-thumb]").forEach((img) => {
      const url = new URL(img.src, location.href);
      if (url.searchParams.get("t") === String(bucket)) return;
      url.searchParams.set("t", String(bucket));
      const next = new Image();  // swap only once loaded: no flash of an empty card
      next.onload = () => { img.src = next.src; img.dataset.refreshed = String(bucket); };
      next.src = url.toString();
    });
  }
  setInterval(bumpThumbs, bucketS * 1000);

  // Local times for scheduled lives.
  document.querySelectorAll("time[data-local-time]").forEach((t) => {
    const d = new Date(t.getAttribute("datetime"));
    if (!isNaN(d)) t.textContent = d.toLocaleString([], { weekday: "short", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  });

  let playing = null;
  function stopPreview() {
    if (!playing) return;
    const { card, hls, video } = playing;
    if (hls) hls.destroy();
    video.remove();
    card.classList.remove("previewing");
    playing = null;
  }
  function startPreview(card) {
    if (playing && playing.card === card) return;
    stopPreview();
    const video = document.createElement("video");
    video.muted = true; video.playsInline = true; video.autoplay = true;
    video.setAttribute("muted", ""); video.setAttribute("playsinline", "");
    video.className = "preview"; video.dataset.testid = "preview";
    video.setAttribute("data-testid", "preview");
    video.setAttribute("aria-hidden", "true");
    card.querySelector(".thumb").appendChild(video);
    let hls = null;
    const src = card.dataset.preview;
    if (window.Hls && Hls.isSupported()) {
      // The lowest rendition only: a preview never competes with the room being watched.
      hls = new Hls({ startLevel: 0, capLevelToPlayerSize: true, maxBufferLength: 4, backBufferLength: 0 });
      hls.on(Hls.Events.MANIFEST_PARSED, () => {
        hls.autoLevelCapping = 0; hls.currentLevel = 0;
        video.play().catch(() => {});
      });
      hls.on(Hls.Events.ERROR, (_, data) => { if (data.fatal) stopPreview(); });
      hls.loadSource(src); hls.attachMedia(video);
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = src;
    } else { video.remove(); return; }
    video.addEventListener("playing", () => card.classList.add("previewing"));
    playing = { card, hls, video };
  }

  const cards = document.querySelectorAll(".feed-card[data-preview]");
  const hover = window.matchMedia("(hover: hover)").matches;
  cards.forEach((card) => {
    card.addEventListener("mouseenter", () => startPreview(card));
    card.addEventListener("mouseleave", () => { if (hover) stopPreview(); });
    card.addEventListener("focus", () => startPreview(card));
  });
  if (!hover && "IntersectionObserver" in window) {
    // Phones: the card most in view plays.
    const ratios = new Map();
    const io = new IntersectionObserver((entries) => {
      entries.forEach((e) => ratios.set(e.target, e.intersectionRatio));
      let best = null, bestRatio = 0.6;
      ratios.forEach((r, card) => { if (r > bestRatio) { best = card; bestRatio = r; } });
      if (best) startPreview(best); else stopPreview();
    }, { threshold: [0, 0.6, 0.8, 1] });
    cards.forEach((c) => io.observe(c));
  }
  document.addEventListener("visibilitychange", () => { if (document.hidden) stopPreview(); });
})();
