// Live dashboard: polls the JSON API every 5 seconds and redraws the headline, the tables and the charts.
// Reads only counters on the server, so several gunicorn processes give the same picture.
(function () {
  "use strict";
  var root = document.getElementById("dash");
  if (!root || !window.fetch) return;
  var collator = new Intl.Collator("vi");
  var num = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 2 });
  var pct = new Intl.NumberFormat("vi-VN", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var pts = new Intl.NumberFormat("vi-VN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var clock = new Intl.DateTimeFormat("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit",
    hourCycle: "h23", day: "2-digit", month: "2-digit", year: "numeric" });
  var STATUS = { met: "✓ Đạt", at_risk: "! Có nguy cơ", not_met: "✗ Chưa đạt", "n/a": "–" };
  var SHOWN = parseInt(root.getAttribute("data-shown"), 10) || 5;
  var sortState = {}, groupNames = {}, scoreBlocks = {};

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function say(id, text) { document.getElementById(id).textContent = text; }
  function put(id, nodes) { var box = document.getElementById(id); box.replaceChildren.apply(box, nodes); }
  // A cell is a DOM node, or [text, class, sort value, columns spanned].
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
        if (c[3]) td.colSpan = c[3];
      }
      tr.appendChild(td);
    });
    return tr;
  }
  function cellAt(tr, col) {  // the cell under a header column, counting spanned columns
    for (var i = 0, at = 0; i < tr.cells.length; i++) {
      at += tr.cells[i].colSpan;
      if (at > col) return tr.cells[i];
    }
    return tr.cells[tr.cells.length - 1];
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
      var x = cellAt(a, s.col), y = cellAt(b, s.col);
      var vx = x.getAttribute("data-v") || x.textContent, vy = y.getAttribute("data-v") || y.textContent;
      var d = numeric ? parseFloat(vx) - parseFloat(vy) : collator.compare(vx, vy);
      return s.dir * d;
    });
    table.tBodies[0].replaceChildren.apply(table.tBodies[0], rows);
  }
  function sortable(table) {
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
  }
  document.querySelectorAll("table.sortable").forEach(sortable);

  function unitLink(code, name) {
    var a = el("a", name);
    a.href = root.getAttribute("data-unit").replace("__UNIT__", encodeURIComponent(code));
    return a;
  }
  function vnTime(iso) {  // "17:00 ngày 20/12/2024", Vietnam time, as the server writes it
    var p = {};
    clock.formatToParts(new Date(iso)).forEach(function (x) { p[x.type] = x.value; });
    return p.hour + ":" + p.minute + " ngày " + p.day + "/" + p.month + "/" + p.year;
  }
  function day(iso, withYear) { var d = iso.split("-"); return d[2] + "/" + d[1] + (withYear ? "/" + d[0] : ""); }
  function countAxis(max) {  // whole numbers only: a round step of 1, 2 or 5 × 10^n, about six ticks
    var raw = Math.max(1, max / 6), mag = Math.pow(10, Math.floor(Math.log10(raw))), step = 10 * mag;
    [1, 2, 5].some(function (m) { if (m * mag >= raw) { step = m * mag; return true; } return false; });
    return { tickformat: ",d", tick0: 0, dtick: step, range: [0, Math.max(step, Math.ceil(max / step) * step)], fixedrange: true };
  }
  function bars(units) { return Math.max(160, 70 + 22 * units); }
  function chart(target, data, layout) {
    if (!window.Plotly) return;
    layout = Object.assign({ margin: { t: 40, l: 10, r: 20, b: 40 }, height: 320, font: { size: 11 }, separators: ",.",
      showlegend: false }, layout);
    window.Plotly.react(target, data, layout, { displayModeBar: false, responsive: true });
  }

  function showTime(p) {
    var ov = p.overview, s = ov.seconds_left, big, when;
    if (ov.closed_at) {
      big = "Đã đóng" + (ov.closed_early ? " sớm" : "");
      when = "lúc " + vnTime(ov.closed_at) + (ov.closed_early ? " (hạn là " + vnTime(ov.closes_at) + ")" : "");
    } else if (p.campaign.status === "draft") {
      big = "Chưa mở"; when = "hạn " + vnTime(ov.closes_at);
    } else if (s <= 0) {
      big = "Đã hết hạn"; when = "lúc " + vnTime(ov.closes_at) + "; chưa đóng đợt khảo sát";
    } else {
      big = s >= 86400 ? "Còn " + Math.floor(s / 86400) + " ngày " + Math.floor(s % 86400 / 3600) + " giờ"
        : "Còn " + Math.floor(s / 3600) + " giờ " + Math.floor(s % 3600 / 60) + " phút";
      when = "đến " + vnTime(ov.closes_at);
    }
    say("g-left", big);
    say("g-when", when);
  }

  function showHeadline(p) {
    var byKey = {};
    p.cells.forEach(function (c) { byKey[c.unit_code + "|" + c.group_code] = c; });
    var short = (p.short_cells || []).map(function (k) { return byKey[k[0] + "|" + k[1]]; }).filter(Boolean);
    say("g-short", num.format(short.length));
    say("g-rated", num.format(p.rated_cells || 0));
    var items = short.slice(0, SHOWN).map(function (c) {
      var li = el("li");
      li.append(el("span", STATUS[c.status], "st " + c.status), " " + c.unit_name + " · " + c.group_name + ": " +
        c.valid + "/" + c.minimum + " phiếu");
      return li;
    });
    put("g-short-list", items.length ? items : [el("li", "Mọi ô đã đủ mẫu tối thiểu.")]);
    say("g-more", short.length > SHOWN ? "và " + num.format(short.length - SHOWN) + " ô khác · " : "");
    var slow = (p.units || []).filter(function (u) { return u.rate < 100; }).slice(0, SHOWN);
    items = slow.map(function (u) {
      var li = el("li");
      li.append(unitLink(u.unit_code, u.unit_name), " ", el("strong", pct.format(u.rate) + "%"), " ",
        el("small", "(" + num.format(u.submitted) + "/" + num.format(u.invited) + ")"));
      return li;
    });
    put("g-slow", items.length ? items : [el("li", "Mọi đơn vị đã nộp đủ.")]);
    var form = document.getElementById("g-remind");
    if (form) {  // admins only, while answers are accepted: remind exactly the units listed above
      put("g-remind-units", slow.map(function (u) {
        var input = el("input");
        input.type = "hidden"; input.name = "unit"; input.value = u.unit_code;
        return input;
      }));
      say("g-remind-n", String(slow.length));
      form.hidden = !slow.length;
    }
  }

  function showRates(units) {
    fill(document.getElementById("rates"), units.map(function (u) {
      return row([unitLink(u.unit_code, u.unit_name), [num.format(u.invited), "n", u.invited],
        [num.format(u.submitted), "n", u.submitted], [pct.format(u.rate) + "%", "n", u.rate]]);
    }));
    chart("ch-rate", [{ type: "bar", orientation: "h", y: units.map(function (u) { return u.unit_name; }),
      x: units.map(function (u) { return u.rate; }), marker: { color: "#0b5cad" },
      customdata: units.map(function (u) { return [u.submitted, u.invited]; }),
      hovertemplate: "%{y}: %{x:.1f}% (%{customdata[0]:,d}/%{customdata[1]:,d})<extra></extra>" }],
      { title: { text: "Tỷ lệ trả lời theo đơn vị (%), thấp nhất ở trên" }, height: bars(units.length),
        xaxis: { range: [0, 100], dtick: 20, ticksuffix: "%", fixedrange: true },
        yaxis: { type: "category", autorange: "reversed", automargin: true, fixedrange: true } });
  }

  function showDays(days) {
    fill(document.getElementById("days"), days.map(function (d) { return row([[day(d[0], true)], [num.format(d[1]), "n", d[1]]]); }));
    var every = Math.max(1, Math.ceil(days.length / 12)), shown = days.filter(function (d, i) { return i % every === 0; });
    var max = days.reduce(function (m, d) { return Math.max(m, d[1]); }, 0);
    chart("ch-days", [{ type: "bar", x: days.map(function (d) { return d[0]; }), y: days.map(function (d) { return d[1]; }),
      marker: { color: "#2e7d32" }, customdata: days.map(function (d) { return day(d[0], true); }),
      hovertemplate: "%{customdata}: %{y:,d} phiếu<extra></extra>" }],
      { title: { text: "Phiếu hợp lệ theo ngày" }, margin: { t: 40, l: 50, r: 20, b: 50 },
        // Categories keyed by ISO day, labelled dd/mm by us: plotly's own date labels are English.
        xaxis: { type: "category", tickmode: "array", tickvals: shown.map(function (d) { return d[0]; }),
          ticktext: shown.map(function (d) { return day(d[0], false); }), fixedrange: true },
        yaxis: countAxis(max) });
  }

  function showProgress(p) {
    var ov = p.overview;
    ["invited", "opened", "answering", "submitted", "valid"].forEach(function (k) {
      var dd = document.querySelector('#kpi [data-k="' + k + '"]');
      if (dd && ov[k] !== undefined) dd.textContent = num.format(ov[k]);
    });
    document.querySelectorAll('[data-k="rate"]').forEach(function (e) { e.textContent = pct.format(ov.rate) + "%"; });
    p.cells.forEach(function (c) { groupNames[c.group_code] = c.group_name; });
    showTime(p);
    showHeadline(p);
    fill(document.getElementById("bytype"), Object.keys(ov.by_type || {}).map(function (t) {
      var v = ov.by_type[t];
      return row([[(p.unit_type_names || {})[t] || t], [num.format(v.invited), "n", v.invited], [num.format(v.submitted), "n", v.submitted], [pct.format(v.rate) + "%", "n", v.rate]]);
    }));
    fill(document.getElementById("cells"), p.cells.map(function (c) {
      return row([unitLink(c.unit_code, c.unit_name), [c.group_name], [num.format(c.invited), "n", c.invited],
        [num.format(c.submitted), "n", c.submitted], [pct.format(c.rate), "n", c.rate], [num.format(c.valid), "n", c.valid],
        [num.format(c.minimum), "n", c.minimum], [STATUS[c.status], "st " + c.status, c.status]]);
    }));
    showRates(p.units || []);
    showDays(p.days || p.by_day || []);
  }

  function scoreBlock(t) {  // built once per unit type, so the chart is updated in place and the sort order kept
    if (scoreBlocks[t.code]) return scoreBlocks[t.code];
    var wrap = el("div", undefined, "scoretype"), plot = el("div", undefined, "chart"), table = el("table", undefined, "sortable scores");
    plot.id = "ch-scores-" + t.code;
    plot.setAttribute("role", "img");
    plot.setAttribute("aria-label", "Điểm khảo sát trực tiếp: " + t.name + ", cao nhất ở trên (xem bảng bên dưới)");
    table.id = "scores-" + t.code;
    var head = el("thead"), hr = el("tr"), figures = t.areas.length + 3;
    ["Hạng", "Đơn vị"].concat(t.areas.map(function (a) { return a.name; })).concat(["Tổng", "%", "Câu chưa có trả lời", "Phiếu hợp lệ theo nhóm"])
      .forEach(function (h, i) { var th = el("th", h); if (i === 0 || (i > 1 && i < figures + 2)) th.setAttribute("data-t", "n"); hr.appendChild(th); });
    head.appendChild(hr); table.appendChild(head); table.appendChild(el("tbody"));
    var names = el("p", undefined, "meta");
    wrap.append(el("h3", t.name + " (tối đa " + num.format(t.survey_points) + " điểm)"), plot, table, names);
    document.getElementById("scores").appendChild(wrap);
    sortable(table);
    return (scoreBlocks[t.code] = { table: table, plot: plot, names: names });
  }

  function groupsText(u, k) {  // group codes here (the names are long); the legend under the table names them
    if (!u.groups || !u.groups.length) return "chưa đủ " + k + " phiếu";
    return u.groups.map(function (g) { return g.groups.join(" + ") + ": " + num.format(g.responses); }).join("; ");
  }
  function legend(units) {
    var codes = {};
    units.forEach(function (u) { (u.groups || []).forEach(function (g) { g.groups.forEach(function (c) { codes[c] = 1; }); }); });
    var named = Object.keys(codes).sort(collator.compare).map(function (c) { return c + ": " + (groupNames[c] || c); });
    return named.length ? "Nhóm: " + named.join("; ") + "." : "";
  }

  function showScores(s) {
    s.unit_types.forEach(function (t) {
      var b = scoreBlock(t), units = s.units.filter(function (u) { return u.unit_type === t.code; });
      fill(b.table, units.map(function (u) {
        if (u.disclosed === false) {  // the disclosure rule: fewer than k valid responses, so no figure at all
          return row([["–", "n", 1e9], unitLink(u.unit_code, u.unit_name),
            ["chưa đủ " + (u.k || s.anonymity_k) + " phiếu để hiển thị (" + num.format(u.responses || 0) + " phiếu)", "withheld", -1, t.areas.length + 3], ["–"]]);
        }
        return row([[String(u.rank), "n", u.rank], unitLink(u.unit_code, u.unit_name)]
          .concat(t.areas.map(function (a) { var v = (u.areas || {})[a.code] || 0; return [pts.format(v), "n", v]; }))
          .concat([[pts.format(u.total), "n", u.total], [pts.format(u.percent), "n", u.percent],
            [num.format(u.unanswered), "n", u.unanswered], [groupsText(u, s.anonymity_k)]]));
      }));
      b.names.textContent = legend(units);
      var shown = units.filter(function (u) { return u.disclosed !== false && u.total !== null; })
        .sort(function (a, b) { return b.total - a.total || collator.compare(a.unit_name, b.unit_name); });
      chart(b.plot, [{ type: "bar", orientation: "h", y: shown.map(function (u) { return u.unit_name; }),
        x: shown.map(function (u) { return u.total; }), customdata: shown.map(function (u) { return u.percent; }),
        marker: { color: "#0b5cad" }, hovertemplate: "%{y}: %{x:.2f} điểm (%{customdata:.2f}%)<extra></extra>" }],
        { title: { text: "Điểm khảo sát trực tiếp, cao nhất ở trên" }, height: bars(shown.length),
          xaxis: { range: [0, t.survey_points], fixedrange: true },
          yaxis: { type: "category", autorange: "reversed", automargin: true, fixedrange: true } });
    });
  }

  function get(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
  }
  function poll() {
    Promise.all([get(root.getAttribute("data-progress")), get(root.getAttribute("data-scores"))])
      .then(function (res) {
        showProgress(res[0]); showScores(res[1]);
        say("updated", new Date().toLocaleTimeString("vi-VN"));
      })
      .catch(function () { say("updated", "mất kết nối, đang thử lại"); })
      .then(function () { setTimeout(poll, 5000); });
  }
  poll();
})();
