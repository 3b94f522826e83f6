/* The live room's player: hls.js tuned for low latency; starts when the room goes live. */
(function () {
  const video = document.getElementById("video");
  if (!video) return;
  const src = video.dataset.src;
  function start() {
    if (window.Hls && Hls.isSupported()) {
      // Tuned for live with 1 s segments: play 1.5 s behind the playlist's edge (about 2 s
      // glass to glass, bench/media.py), catch up at up to 1.5x, jump back in past 5 s, and
      // sit 1 s further back after each stall (liveSyncOnStallIncrease).
      const hls = new Hls({ lowLatencyMode: true, liveSyncDuration: 1.5, liveMaxLatencyDuration: 5,
                            maxLiveSyncPlaybackRate: 1.5, liveSyncOnStallIncrease: 1,
                            backBufferLength: 10 });
      hls.loadSource(src);
      hls.attachMedia(video);
      hls.on(Hls.Events.MANIFEST_PARSED, () => video.play().catch(() => {}));
      hls.on(Hls.Events.ERROR, (_, data) => {
        if (data.fatal) { setTimeout(() => { hls.destroy(); start(); }, 3000); }
      });
      window.livemartHls = hls;
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = src;
    }
  }
  if (video.dataset.live === "true") start();
  document.body.addEventListener("htmx:sseMessage", (e) => {
    if (e.detail.type === "room-status" && e.detail.data.includes('data-status="live"') && !window.livemartHls) { setTimeout(start, 1500); }
  });
})();
