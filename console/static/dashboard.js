// Draws the dashboard's two charts with the locally served Chart.js (no CDN); the figures come from the page.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var hours = [];
  for (var hour = 0; hour < 24; hour += 1) { hours.push(hour + "시"); }
  new Chart(document.getElementById("hours-chart"), {
    type: "bar",
    data: { labels: hours, datasets: [{ label: "고객 메시지", data: data.hours, backgroundColor: "#1f3b63" }] },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
  new Chart(document.getElementById("topics-chart"), {
    type: "bar",
    data: { labels: data.topics, datasets: [{ label: "대화", data: data.topic_counts, backgroundColor: "#4f86c6" }] },
    options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
})();
