/* The live room's stage: 9:16 video fills, gifts play one at a time over the video,
   hearts float on likes, the bottom sheet opens over the playing video, the pinned card
   follows a flash sale of its product, and swipe / arrow keys go to the next live room.
   Everything here rides on the page's one SSE stream (htmx:sseMessage); nothing polls. */
(function () {
  var room = document.querySelector(".room[data-room-id]");
  if (!room) return;
  var roomId = room.dataset.roomId;
  var video = document.getElementById("video");
  var sheet = document.getElementById("buy-sheet");
  var sheetBody = document.getElementById("sheet-body");

  // 9:16 sources fill the stage, 16:9 ones are letterboxed.
  if (video) {
    video.addEventListener("loadedmetadata", function () {
      video.classList.toggle("portrait", video.videoHeight > video.videoWidth);
    });
  }

  // Gifts: the stage shows its first child (CSS); each leaves when its animation ends.
  var stage = document.getElementById("gift-stage");
  function giftArrived() {
    if (!stage) return;
    while (stage.children.length > 30) stage.removeChild(stage.children[1]);
  }
  if (stage) {
    stage.addEventListener("animationend", function (e) {
      if (e.target.parentNode === stage) stage.removeChild(e.target);
    });
  }

  // Hearts.
  var hearts = document.getElementById("hearts");
  var lastLikes = null;
  function heart(n) {
    if (!hearts) return;
    for (var i = 0; i < Math.min(n, 6); i++) {
      var h = document.createElement("span");
      h.className = "heart";
      h.textContent = "\u2665";
      h.style.setProperty("--drift", (Math.random() * 40 - 20).toFixed(0) + "px");
      h.style.animationDelay = (i * 0.15).toFixed(2) + "s";
      h.addEventListener("animationend", function () { this.remove(); });
      hearts.appendChild(h);
    }
  }
  var likeCount = document.getElementById("like-count");
  if (likeCount) lastLikes = parseInt(likeCount.textContent, 10) || 0;
  var likeForm = document.querySelector("[data-testid=like-form]");
  if (likeForm) likeForm.addEventListener("submit", function () { heart(1); });

  // The bottom sheet.
  function openSheet() {
    if (!sheet) return;
    sheet.hidden = false;
    var panel = sheet.querySelector(".sheet-panel");
    var first = sheet.querySelector("input:not([type=hidden]), select, button[type=submit]");
    (first || panel).focus({preventScroll: true});
  }
  function closeSheet() {
    if (!sheet || sheet.hidden) return;
    sheet.hidden = true;
    sheetBody.innerHTML = "";
    var buy = document.querySelector("[data-testid=pinned-buy]");
    if (buy) buy.focus({preventScroll: true});
  }
  document.body.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target === sheetBody && sheetBody.innerHTML.trim()) openSheet();
  });
  if (sheet) {
    sheet.addEventListener("click", function (e) {
      if (e.target === sheet || e.target.closest("[data-sheet-close]")) closeSheet();
    });
  }

  // The pinned card follows a flash sale of its product: reloaded when the sale starts or
  // ends (once per viewer), its "N left" updated from the event itself.
  function pinnedSaleChanged(html) {
    var card = document.querySelector("#pinned [data-testid=pinned-product]");
    if (!card) return;
    var box = document.createElement("div");
    box.innerHTML = html;
    var sale = box.querySelector("[data-sale-id][data-product-id]");
    if (!sale || sale.dataset.productId !== card.dataset.productId) return;
    var running = sale.dataset.state === "live";
    var shown = card.dataset.saleId === sale.dataset.saleId;
    if (running !== shown) {
      htmx.ajax("GET", "/rooms/" + roomId + "/pinned", {target: "#pinned", swap: "innerHTML"});
    } else if (running) {
      var left = card.querySelector("[data-testid=pinned-remaining]");
      if (left) left.textContent = sale.dataset.remaining;
    }
  }

  document.body.addEventListener("htmx:sseMessage", function (e) {
    var type = e.detail && e.detail.type;
    if (type === "gift-sent") giftArrived();
    else if (type === "flash_sale") pinnedSaleChanged(e.detail.data || "");
    else if (type === "like-burst") {
      var total = parseInt(e.detail.data, 10);
      if (!isNaN(total)) {
        if (lastLikes !== null && total > lastLikes) heart(Math.ceil((total - lastLikes) / 3));
        lastLikes = total;
      }
    }
  });

  // Next / previous live room: arrow keys, or a vertical swipe on the video.
  function go(direction) {
    var target = direction > 0 ? room.dataset.nextRoom : room.dataset.prevRoom;
    if (target) window.location.assign("/rooms/" + target);
  }
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { closeSheet(); return; }
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    if (e.altKey || e.ctrlKey || e.metaKey || (sheet && !sheet.hidden)) return;
    var el = document.activeElement;
    if (el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT|VIDEO)$/.test(el.tagName))) return;
    e.preventDefault();
    go(e.key === "ArrowDown" ? 1 : -1);
  });
  var player = document.querySelector(".player");
  var startY = null, startX = null;
  if (player) {
    player.addEventListener("touchstart", function (e) {
      if (e.touches.length !== 1 || e.target.closest("a, button, input, form, .pin-card")) { startY = null; return; }
      startY = e.touches[0].clientY; startX = e.touches[0].clientX;
    }, {passive: true});
    player.addEventListener("touchend", function (e) {
      if (startY === null) return;
      var dy = e.changedTouches[0].clientY - startY, dx = e.changedTouches[0].clientX - startX;
      startY = null;
      if (Math.abs(dy) > 90 && Math.abs(dx) < 60) go(dy < 0 ? 1 : -1);
    }, {passive: true});
  }
})();
