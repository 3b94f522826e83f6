// Room and product pages: report the visit (where it came from) once the page has loaded,
// and follow a raid to the next live room. Share pages: copy and native share buttons.
(function () {
  "use strict";
  const visited = document.querySelector("[data-visit-room],[data-visit-product]");
  if (visited && navigator.sendBeacon) {
    const params = new URLSearchParams(location.search);
    const token = document.querySelector('meta[name="csrf-token"]');
    const body = new FormData();
    body.append("csrf_token", token ? token.content : "");
    if (visited.dataset.visitRoom) body.append("room", visited.dataset.visitRoom);
    if (visited.dataset.visitProduct) body.append("product", visited.dataset.visitProduct);
    body.append("src", params.get("src") || "");
    body.append("share", params.get("share") || "");
    body.append("ref", document.referrer || "");
    navigator.sendBeacon("/a/visit", body);
    if (params.has("src") || params.has("share")) {  // counted: a reload is not another share
      params.delete("src");
      params.delete("share");
      const rest = params.toString();
      history.replaceState(history.state, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
    }
  }

  const notice = document.getElementById("raid-notice");
  if (notice) {
    new MutationObserver(function () {
      const target = notice.querySelector("[data-raid-to]");
      if (target && !notice.dataset.leaving) {
        notice.dataset.leaving = "1";
        setTimeout(function () { location.assign(target.dataset.raidTo); }, 1500);
      }
    }).observe(notice, { childList: true, subtree: true });
  }

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      const input = document.querySelector(button.dataset.copy);
      if (!input) return;
      input.select();
      (navigator.clipboard ? navigator.clipboard.writeText(input.value) : Promise.reject())
        .then(function () { button.textContent = "Copied"; })
        .catch(function () { document.execCommand && document.execCommand("copy"); });
    });
  });
  document.querySelectorAll("[data-native-share]").forEach(function (button) {
    if (!navigator.share) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.share({ title: button.dataset.shareTitle, url: button.dataset.nativeShare }).catch(function () {});
    });
  });
})();
