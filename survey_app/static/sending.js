// Sending page: follows one batch through the outbox (polls the JSON every 2 seconds) and moves the
// progress bar. Without JavaScript the page shows the same counts and a refresh link.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  var bar = box && box.querySelector("progress");
  if (!bar || !window.fetch) return;
  var url = box.getAttribute("data-url");
  var num = new Intl.NumberFormat("vi-VN");

  function show(data) {
    bar.max = Math.max(data.total, 1);
    bar.value = data.done;
    bar.textContent = data.done + "/" + data.total;
    box.querySelector("[data-done]").textContent = num.format(data.done);
    box.querySelector("[data-total]").textContent = num.format(data.total);
    Object.keys(data.counts).forEach(function (status) {
      var cell = box.querySelector('[data-status="' + status + '"]');
      if (cell) cell.textContent = num.format(data.counts[status]);
    });
    var notice = document.getElementById("stalled");
    notice.textContent = data.notice;  // Vietnamese, from the server's catalogue
    notice.hidden = !data.notice;
    box.setAttribute("data-finished", data.finished ? "1" : "0");
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data) show(data);
        if (!data || !data.finished || data.notice) window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  if (box.getAttribute("data-finished") !== "1") window.setTimeout(poll, 1000);
  else poll();
})();
