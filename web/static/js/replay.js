/* The replay page: hls.js where MediaSource exists, else the browser plays HLS itself. */
(function () {
  const v = document.getElementById("replay");
  if (!v) return;
  if (window.Hls && Hls.isSupported()) { const h = new Hls(); h.loadSource(v.dataset.src); h.attachMedia(v); }
  else { v.src = v.dataset.src; }
})();
