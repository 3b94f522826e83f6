// Notification settings: the browser's time zone by default, and turning push on or off.
(function () {
  const zone = document.querySelector("[data-default-zone]");
  if (zone && (!zone.value || zone.value === "UTC")) {
    try { zone.placeholder = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) {}
    if (!zone.value) zone.value = zone.placeholder;
  }
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const status = document.getElementById("push-status");
  const on = document.getElementById("push-on");
  const off = document.getElementById("push-off");
  if (!on) return;
  function say(text) { status.textContent = text; }
  function keyBytes(b64) {
    const pad = "=".repeat((4 - (b64.length % 4)) % 4);
    const raw = atob((b64 + pad).replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }
  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
    });
    return response.json();
  }
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
    on.disabled = true; off.disabled = true;
    say("This browser cannot receive pushes.");
    return;
  }
  on.addEventListener("click", async () => {
    try {
      if ((await Notification.requestPermission()) !== "granted") { say("Notifications are blocked for this site."); return; }
      const registration = await navigator.serviceWorker.register("/sw.js");
      await navigator.serviceWorker.ready;
      const sub = await registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: keyBytes(on.dataset.key),
      });
      const answer = await post("/notifications/push/subscribe", sub.toJSON());
      say(answer.ok ? "Push is on in this browser." : answer.message);
    } catch (e) { say("Could not turn push on: " + e.message); }
  });
  off.addEventListener("click", async () => {
    const registration = await navigator.serviceWorker.getRegistration("/sw.js");
    const sub = registration && (await registration.pushManager.getSubscription());
    if (!sub) { say("Push was not on in this browser."); return; }
    await post("/notifications/push/unsubscribe", { endpoint: sub.endpoint });
    await sub.unsubscribe();
    say("Push is off in this browser.");
  });
})();
