// Autosave for the questionnaire page. Without this file the form still works (plain POST).
// Answers not yet confirmed by the server are kept in localStorage and sent when the network returns.
(function () {
  "use strict";
  var form = document.getElementById("f");
  if (!form || !window.fetch || !window.JSON) return;
  var api = form.getAttribute("data-api");
  var key = "pending:" + location.pathname;
  var net = document.getElementById("net");
  var sending = false;

  function load() { try { return JSON.parse(localStorage.getItem(key)) || {}; } catch (e) { return {}; } }
  function store(p) { try { localStorage.setItem(key, JSON.stringify(p)); } catch (e) { /* private mode */ } }
  function status(name, cls, text) {
    var input = form.querySelector('input[name="' + name + '"]');
    if (!input) return;
    var box = input.closest("fieldset"), st = box.querySelector(".st");
    st.className = "st " + cls; st.textContent = text;
    if (cls === "done") box.classList.add("ok");
  }
  var bar = document.getElementById("bar"), done = document.getElementById("done");
  var onPage = form.querySelectorAll("fieldset").length;
  var base = bar.value - form.querySelectorAll("input[type=radio]:checked").length;
  function count() {
    var now = form.querySelectorAll("input[type=radio]:checked").length, total = base + now;
    bar.value = total;
    document.getElementById("count").textContent = "Đã trả lời " + total + "/" + bar.max + " câu";
    if (done) done.textContent = now + "/" + onPage + (now === onPage ? " ✓" : "");  // this unit, in the unit list
  }
  function answered(box) {  // a question named as missing is answered now: unmark it and its link
    if (!box.classList.contains("bad")) return;
    box.classList.remove("bad");
    var flag = box.querySelector(".flag"), link = document.querySelector('#problems a[href$="#' + box.id + '"]');
    if (flag) flag.remove();
    if (link) link.className = "done";
  }
  function flush() {
    var pending = load(), names = Object.keys(pending);
    if (!names.length || sending) return;
    var body = {};
    names.forEach(function (n) {
      var parts = n.split(":");
      (body[parts[1]] = body[parts[1]] || {})[parts[2]] = pending[n];
    });
    sending = true;
    fetch(api, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ answers: body }),
                 credentials: "omit" })
      .then(function (r) {
        sending = false;
        if (r.ok || r.status === 409 || r.status === 410 || r.status === 422) {
          var left = load();
          names.forEach(function (n) { if (left[n] === pending[n]) delete left[n]; });
          store(left);
          names.forEach(function (n) { status(n, r.ok ? "done" : "wait", r.ok ? "Đã lưu" : "Không lưu được"); });
          net.textContent = r.ok ? "" : (r.status === 409 ? "Phiếu đã được nộp trước đó." : "Không lưu được, hãy tải lại trang.");
          if (Object.keys(left).length) flush();
        }
      })
      .catch(function () {
        sending = false;
        names.forEach(function (n) { status(n, "wait", "Chưa gửi: sẽ tự gửi khi có mạng"); });
        net.textContent = "Mất kết nối. Các câu đã chọn được giữ trên máy và sẽ được gửi khi có mạng.";
      });
  }
  form.addEventListener("change", function (e) {
    var t = e.target;
    if (t.type !== "radio") return;
    var pending = load();
    pending[t.name] = t.value;
    store(pending);
    status(t.name, "wait", "Đang lưu…");
    answered(t.closest("fieldset"));
    count();
    flush();
  });
  // Restore answers given offline before a reload, then send them.
  var pending = load();
  Object.keys(pending).forEach(function (n) {
    var input = form.querySelector('input[name="' + n + '"][value="' + pending[n] + '"]');
    if (input) { input.checked = true; answered(input.closest("fieldset")); status(n, "wait", "Chưa gửi: sẽ tự gửi khi có mạng"); }
  });
  count();
  window.addEventListener("online", flush);
  // The form post carries every checked answer; forget the queue only when it can reach the server.
  form.addEventListener("submit", function () { if (navigator.onLine) store({}); });
  flush();
})();
