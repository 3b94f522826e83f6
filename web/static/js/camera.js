// Streamer console: go live from the browser's camera.
// getUserMedia → preview; MediaRecorder (WebM, 1 s slices) → binary frames on the websocket
// /studio/rooms/<id>/ingest, which pipes them into the room's FFmpeg (web/media.py).
(function () {
  "use strict";
  const box = document.getElementById("camera");
  if (!box) return;
  const preview = document.getElementById("camera-preview");
  const message = document.getElementById("camera-message");
  const startButton = document.getElementById("camera-start");
  const stopButton = document.getElementById("camera-stop");
  const TIMESLICE_MS = 1000;
  const MAX_BUFFERED = 8 * 1024 * 1024; // queued bytes before we call the uplink too slow
  const TYPES = [
    "video/webm;codecs=vp8,opus", "video/webm;codecs=vp9,opus", "video/webm;codecs=h264,opus",
    "video/webm;codecs=vp8", "video/webm", "video/mp4",
  ];
  const CLOSE_REASONS = {
    1009: "A chunk was too large for the server.",
    4400: "The server could not read the camera stream.",
  };
  const STOPPED = "Camera stopped. Viewers see “Reconnecting…”; the live ends in a few " +
    "seconds unless you start the camera again.";
  let stream = null, recorder = null, socket = null, stopping = false, sent = 0, opened = false;

  function show(text, kind) {
    message.textContent = text;
    message.className = kind === "error" ? "error-message" : "notice";
    message.setAttribute("role", kind === "error" ? "alert" : "status");
    box.dataset.state = kind;
  }

  function setRunning(running) {  // display, not `hidden`: the stylesheet styles buttons
    startButton.style.display = running ? "none" : "";
    startButton.disabled = false;
    stopButton.style.display = running ? "" : "none";
  }

  function cleanUp() {
    if (recorder && recorder.state !== "inactive") {
      recorder.ondataavailable = null;
      try { recorder.stop(); } catch (_) { /* already stopped */ }
    }
    if (stream) stream.getTracks().forEach((t) => t.stop());
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, "stopped");
    preview.srcObject = null;
    recorder = stream = socket = null;
    setRunning(false);
  }

  function fail(text) {
    stopping = true;
    cleanUp();
    show(text, "error");
  }

  function cameraError(err) {
    switch (err && err.name) {
      case "NotAllowedError":
      case "SecurityError":
        return "Camera permission was denied. Allow the camera (and microphone) for this site " +
          "in your browser's settings, then try again.";
      case "NotFoundError":
      case "OverconstrainedError":
        return "No camera was found. Plug one in, or stream with OBS below.";
      case "NotReadableError":
      case "AbortError":
        return "The camera is busy (another app or tab is using it). Close it and try again.";
      default:
        return "Could not open the camera: " + (err && err.message ? err.message : err);
    }
  }

  async function openCamera() {
    const video = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
    try {
      return await navigator.mediaDevices.getUserMedia({ video: video, audio: true });
    } catch (err) {
      if (err && (err.name === "NotFoundError" || err.name === "NotReadableError")) {
        return await navigator.mediaDevices.getUserMedia({ video: video }); // no microphone
      }
      throw err;
    }
  }

  function pickType() {
    return TYPES.find((t) => MediaRecorder.isTypeSupported(t)) || "";
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    return new WebSocket(scheme + location.host + box.dataset.ingest);
  }

  async function start() {
    if (!window.isSecureContext) {
      show("Camera streaming needs a secure page: open the console over HTTPS.", "error");
      return;
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.MediaRecorder) {
      show("This browser cannot stream from a camera (no getUserMedia / MediaRecorder). " +
        "Use a recent Chrome, Firefox, Edge or Safari, or stream with OBS below.", "error");
      return;
    }
    stopping = false;
    opened = false;
    sent = 0;
    startButton.disabled = true;
    show("Asking for the camera…", "info");
    try {
      stream = await openCamera();
    } catch (err) {
      fail(cameraError(err));
      return;
    }
    preview.srcObject = stream;
    preview.play().catch(() => {});
    const mimeType = pickType();
    try {
      recorder = new MediaRecorder(stream, mimeType ? { mimeType: mimeType } : undefined);
    } catch (err) {
      fail("This browser cannot record the camera in a format we take (WebM or MP4): " + err);
      return;
    }
    show("Connecting to the server…", "info");
    const ws = socket = connect();  // handlers below ignore a socket that is no longer ours
    const rec = recorder;
    ws.binaryType = "arraybuffer";
    ws.onopen = () => {
      if (ws !== socket) return;
      opened = true;
      rec.ondataavailable = (e) => {
        if (ws.readyState !== WebSocket.OPEN || !e.data.size) return;
        ws.send(e.data);
        sent += e.data.size;
        if (ws.bufferedAmount > MAX_BUFFERED) {
          show("Your connection is too slow for this video: the stream is falling behind.", "error");
        } else if (!stopping) {
          show("You are live from your camera (" + Math.round(sent / 1024) + " KB sent).", "live");
        }
      };
      rec.onerror = (e) => fail("The recorder failed: " + (e.error ? e.error.message : e));
      rec.start(TIMESLICE_MS);
      setRunning(true);
      show("Starting the stream…", "info");
    };
    ws.onmessage = (e) => {
      if (ws !== socket) return;
      let data = null;
      try { data = JSON.parse(e.data); } catch (_) { return; }
      if (data && data.error) fail("The server refused the stream: " + data.error);
    };
    ws.onclose = (e) => {
      if (ws !== socket || stopping) return;
      if (!opened) {  // the handshake was refused (403) or the server is unreachable
        fail("The server refused the camera stream: log in again as the room's owner, " +
          "and check that the server runs a media worker (or stream with OBS below).");
        return;
      }
      const known = CLOSE_REASONS[e.code];
      const reason = e.reason ? " (" + e.reason + ")" : "";
      fail(known ? known + reason : "The connection to the server was lost (code " + e.code +
        ")" + reason + ". Press “Start camera” to go on.");
    };
  }

  function stop() {
    stopping = true;
    stopButton.disabled = true;
    const ws = socket;
    function done() {
      if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000, "stopped");
      cleanUp();
      stopButton.disabled = false;
      show(STOPPED, "info");
    }
    if (recorder && recorder.state !== "inactive") {
      recorder.onstop = done;  // after the last slice went out
      recorder.stop();
    } else {
      done();
    }
  }

  startButton.addEventListener("click", start);
  stopButton.addEventListener("click", stop);
  window.addEventListener("pagehide", () => { stopping = true; cleanUp(); });
})();
