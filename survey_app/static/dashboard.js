// Live dashboard: polls the JSON API every 5 seconds and redraws the tables and charts.
// Reads only counters on the server, so several gunicorn processes give the same picture.
(function () {
  "use strict";
  var root = document.getElementById("dash");
  if (!root || !window.fetch) return;
  var collator = new Intl.Collator("vi");
  var num = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 2 });
  var pct = new Intl.NumberFormat("vi-VN", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var pts = new Intl.NumberFormat("vi-VN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var STATUS = { met: "✓ Đạt", at_risk: "! Có nguy cơ", not_met: "✗ Chưa đạt", "n/a": "–" };
  var sortState = {};

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  // A cell is a DOM node, or [text, class, sort value].
  function row(cells) {
    var tr = el("tr");
    cells.forEach(function (c) {
      var td = el("td");
      if (c instanceof Node) {
        td.appendChild(c);
      } else {
        td.textContent = c[0];
        if (c[1]) td.className = c[1];
        if (c.length > 2) td.setAttribute("data-v", c[2]);
      }
      tr.appendChild(td);
    });
    return tr;
  }
  function fill(table, rows) {
    var body = table.tBodies[0];
    body.replaceChildren.apply(body, rows);
    applySort(table);
  }
  function applySort(table) {
    var s = sortState[table.id];
    if (!s) return;
    var th = table.tHead.rows[0].cells[s.col], numeric = th.getAttribute("data-t") === "n";
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    rows.sort(function (a, b) {
      var x = a.cells[s.col], y = b.cells[s.col];
      var vx = x.getAttribute("data-v") || x.textContent, vy = y.getAttribute("data-v") || y.textContent;
      var d = numeric ? parseFloat(vx) - parseFloat(vy) : collator.compare(vx, vy);
      return s.dir * d;
    });
    table.tBodies[0].replaceChildren.apply(table.tBodies[0], rows);
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.tabIndex = 0;
      function go() {
        var s = sortState[table.id];
        sortState[table.id] = { col: i, dir: s && s.col === i ? -s.dir : 1 };
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", sortState[table.id].dir > 0 ? "ascending" : "descending");
        applySort(table);
      }
      th.addEventListener("click", go);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); go(); } });
    });
  });

  function unitLink(code, name) {
    var a = el("a", name);
    a.href = root.getAttribute("data-unit").replace("__UNIT__", encodeURIComponent(code));
    return a;
  }
  function chart(id, data, layout) {
    if (!window.Plotly) return;
    layout = Object.assign({ margin: { t: 30, l: 50, r: 10, b: 120 }, height: 320, font: { size: 11 } }, layout);
    window.Plotly.react(id, data, layout, { displayModeBar: false, responsive: true });
  }

  function showProgress(p) {
    var ov = p.overview;
    ["invited", "opened", "started", "submitted", "valid"].forEach(function (k) {
      var dd = document.querySelector('#kpi [data-k="' + k + '"]');
      if (dd && ov[k] !== undefined) dd.textContent = num.format(ov[k]);
    });
    document.querySelector('#kpi [data-k="rate"]').textContent = pct.format(ov.rate) + "%";
    var left = ov.seconds_left || 0;
    document.getElementById("left").textContent = left > 0 ? "còn " + Math.floor(left / 86400) + " ngày " + Math.floor(left % 86400 / 3600) + " giờ" : "đã hết hạn";
    fill(document.getElementById("bytype"), Object.keys(ov.by_type || {}).map(function (t) {
      var v = ov.by_type[t];
      return row([[(p.unit_type_names || {})[t] || t], [num.format(v.invited), "n", v.invited], [num.format(v.submitted), "n", v.submitted], [pct.format(v.rate) + "%", "n", v.rate]]);
    }));
    fill(document.getElementById("cells"), p.cells.map(function (c) {
      return row([unitLink(c.unit_code, c.unit_name), [c.group_name], [num.format(c.invited), "n", c.invited],
        [num.format(c.submitted), "n", c.submitted], [pct.format(c.rate), "n", c.rate], [num.format(c.valid), "n", c.valid],
        [String(c.minimum), "n", c.minimum], [STATUS[c.status], "st " + c.status, c.status]]);
    }));
    var units = {};
    p.cells.forEach(function (c) {
      var u = units[c.unit_code] = units[c.unit_code] || { name: c.unit_name, inv: 0, sub: 0 };
      u.inv += c.invited; u.sub += c.submitted;
    });
    var names = Object.keys(units).map(function (k) { return units[k]; });
    chart("ch-rate", [{ type: "bar", x: names.map(function (u) { return u.name; }),
      y: names.map(function (u) { return u.inv ? 100 * u.sub / u.inv : 0; }) }],
      { title: { text: "Tỷ lệ trả lời theo đơn vị (%)" }, yaxis: { range: [0, 100] } });
    var days = p.by_day || [];
    fill(document.getElementById("days"), days.map(function (d) { return row([[d[0]], [num.format(d[1]), "n", d[1]]]); }));
    chart("ch-days", [{ type: "scatter", mode: "lines+markers", x: days.map(function (d) { return d[0]; }),
      y: days.map(function (d) { return d[1]; }) }], { title: { text: "Phiếu hợp lệ theo ngày" }, margin: { b: 50 } });
  }

  function showScores(s) {
    var box = document.getElementById("scores");
    var parts = s.unit_types.map(function (t) {
      var wrap = el("div");
      wrap.appendChild(el("h3", t.name + " (tối đa " + num.format(t.survey_points) + " điểm)"));
      var table = el("table", undefined, "sortable");
      table.id = "scores-" + t.code;
      var head = el("thead"), hr = el("tr");
      ["Hạng", "Đơn vị"].concat(t.areas.map(function (a) { return a.code; })).concat(["Tổng", "%", "Câu chưa có trả lời", "Phiếu hợp lệ theo nhóm"])
        .forEach(function (h, i) { var th = el("th", h); if (i > 1 && i < t.areas.length + 5) th.setAttribute("data-t", "n"); hr.appendChild(th); });
      head.appendChild(hr); table.appendChild(head); table.appendChild(el("tbody"));
      var rows = s.units.filter(function (u) { return u.unit_type === t.code; }).map(function (u) {
        if (!u.disclosed) {  // fewer than k valid responses: no figure leaves the server
          var hidden = "chưa đủ " + u.k + " phiếu để hiển thị (" + num.format(u.responses) + " phiếu)";
          return row([["–", "n", 1e9], unitLink(u.unit_code, u.unit_name)].concat(t.areas.map(function () { return ["–", "n", -1]; }))
            .concat([["–", "n", -1], ["–", "n", -1], ["–", "n", -1], [hidden]]));
        }
        var groups = u.groups.length ? u.groups.map(function (g) { return g.groups.join(" + ") + ": " + g.responses; }).join("; ") : "chưa đủ " + s.anonymity_k + " phiếu";
        return row([[String(u.rank), "n", u.rank], unitLink(u.unit_code, u.unit_name)]
          .concat(t.areas.map(function (a) { var v = u.areas[a.code] || 0; return [pts.format(v), "n", v]; }))
          .concat([[pts.format(u.total), "n", u.total], [pts.format(u.percent), "n", u.percent], [String(u.unanswered), "n", u.unanswered], [groups]]));
      });
      table.tBodies[0].replaceChildren.apply(table.tBodies[0], rows);
      wrap.appendChild(table);
      return wrap;
    });
    box.replaceChildren.apply(box, parts);
    chart("ch-scores", s.unit_types.map(function (t) {
      var us = s.units.filter(function (u) { return u.unit_type === t.code && u.disclosed; });
      return { type: "bar", name: t.name, x: us.map(function (u) { return u.unit_name; }), y: us.map(function (u) { return u.total; }) };
    }), { title: { text: "Điểm khảo sát trực tiếp theo đơn vị" } });
  }

  function get(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
  }
  function poll() {
    Promise.all([get(root.getAttribute("data-progress")), get(root.getAttribute("data-scores"))])
      .then(function (res) {
        showProgress(res[0]); showScores(res[1]);
        document.getElementById("updated").textContent = new Date().toLocaleTimeString("vi-VN");
      })
      .catch(function () { document.getElementById("updated").textContent = "mất kết nối, đang thử lại"; })
      .then(function () { setTimeout(poll, 5000); });
  }
  poll();
})();
