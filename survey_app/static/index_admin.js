// Draws every chart of the index page from its JSON (no inline script: the page's CSP forbids it).
document.querySelectorAll("[data-figure]").forEach(function (el) {
  var fig = JSON.parse(el.getAttribute("data-figure"));
  Plotly.newPlot(el, fig.data, fig.layout, {displaylogo: false, responsive: true});
});
