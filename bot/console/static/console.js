// The console's few behaviours, without a framework: the incident list refreshes itself, an
// action that tells every reporter asks first, and the map draws the reports' locations.
"use strict";

(function refreshRows() {
  const body = document.querySelector("[data-refresh]");
  if (!body) return;
  const every = Math.max(2, Number(body.dataset.every) || 5) * 1000;
  async function tick() {
    try {
      const answer = await fetch(body.dataset.refresh, { credentials: "same-origin" });
      if (answer.redirected || answer.status === 401) {
        window.location.reload(); // signed out meanwhile: the sign-in page
        return;
      }
      if (answer.ok) body.innerHTML = await answer.text();
    } catch (err) {
      // The server is away for a moment: keep the last list and try again.
    }
    window.setTimeout(tick, every);
  }
  window.setTimeout(tick, every);
})();

document.addEventListener("submit", (event) => {
  const question = event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

(function drawMap() {
  const box = document.getElementById("map");
  const data = document.getElementById("map-points");
  if (!box || !data || typeof L === "undefined") return;
  const points = JSON.parse(data.textContent); // [reference, latitude, longitude, urgent]
  const map = L.map(box, { attributionControl: Boolean(box.dataset.tiles) });
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 19 }).addTo(map);
  }
  const marks = points.map(([ref, lat, lon, urgent]) =>
    L.circleMarker([lat, lon], {
      radius: urgent ? 9 : 6,
      color: urgent ? "#b3261e" : "#1f5f8b",
      fillOpacity: 0.7,
    }).bindTooltip(ref).addTo(map)
  );
  const bounds = L.featureGroup(marks).getBounds();
  if (points.length === 1) map.setView(bounds.getCenter(), 15);
  else map.fitBounds(bounds.pad(0.3), { maxZoom: 16 });
})();
