/* The room shelf: product titles and prices from #lc-products, and the sale / auction
   countdowns ([data-ends-at]), refreshed every second and after every swap. */
(function () {
  if (window.livemartCountdown) return;
  window.livemartCountdown = true;
  var symbols = {USD: "$", EUR: "€", GBP: "£"};
  function labels() {
    var found = document.getElementById("lc-products");
    try { return found ? JSON.parse(found.textContent) : {}; } catch (e) { return {}; }
  }
  function fill() {
    var map = labels();
    document.querySelectorAll("[data-lc-title]").forEach(function (el) {
      var p = map[el.dataset.lcTitle];
      if (p && el.textContent !== p.title) el.textContent = p.title;
    });
    document.querySelectorAll("[data-lc-money]").forEach(function (el) {
      var p = map[el.dataset.lcCurrencyOf];
      if (!p) return;
      var amount = (Number(el.dataset.lcMoney) / 100).toLocaleString("en-US", {minimumFractionDigits: 2, maximumFractionDigits: 2});
      el.textContent = (symbols[p.currency] || p.currency + " ") + amount;
      delete el.dataset.lcMoney;
    });
  }
  function tick() {
    fill();
    document.querySelectorAll("[data-ends-at]").forEach(function (el) {
      var left = Math.max(0, Math.floor((Date.parse(el.dataset.endsAt) - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      el.textContent = (m >= 60 ? Math.floor(m / 60) + ":" + String(m % 60).padStart(2, "0") : m) + ":" + String(s).padStart(2, "0");
    });
  }
  tick();
  setInterval(tick, 1000);
  document.body.addEventListener("htmx:afterSwap", tick);
  document.body.addEventListener("htmx:sseMessage", tick);
})();

