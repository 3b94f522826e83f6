// The viewer's time zone for the server (times on pages are shown in it): the browser's
// IANA zone in the lm_tz cookie, read from the next request on (UTC until then).
(function () {
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) return;
  var current = (document.cookie.match(/(?:^|; )lm_tz=([^;]*)/) || [])[1];
  if (current && decodeURIComponent(current) === zone) return;
  var secure = location.protocol === "https:" ? "; secure" : "";
  document.cookie = "lm_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax" + secure;
})();
