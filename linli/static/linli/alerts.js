/* Emergency alert maps (Leaflet): the area's grids, the alert's polygon, the shelters
 * (green) and civil-defence sites (blue) from #alert-map-data. On the alert form
 * (data-draw on #alert-map) a tap adds a corner to the polygon, which is written to
 * the form's hidden `polygon` field as GeoJSON; "clear" removes it; ticking a place in
 * the list highlights it on the map. */
(function () {
  "use strict";
  const dataNode = document.getElementById("alert-map-data");
  const mapNode = document.getElementById("alert-map");
  if (!dataNode || !mapNode || !window.L) return;
  const data = JSON.parse(dataNode.textContent);
  // Drawing: quick taps are corners, not a double-click zoom.
  const map = L.map(mapNode, { attributionControl: Boolean(data.attribution), doubleClickZoom: !mapNode.dataset.draw })
    .setView([36.8, 117.87], 13);
  if (data.tiles) L.tileLayer(data.tiles, { maxZoom: 19, attribution: data.attribution || "" }).addTo(map);
  const latLng = (p) => [p[1], p[0]];
  const text = (value) => { const n = document.createElement("span"); n.textContent = value; return n; };
  const shapes = L.featureGroup().addTo(map);
  if (data.boundaries) {
    L.geoJSON(data.boundaries, {
      style: { color: "#6c757d", weight: 1, fillOpacity: 0.03 },
      onEachFeature: (f, layer) => layer.bindTooltip(text(f.properties.name)),
    }).addTo(shapes);
  }
  const COLOURS = { shelter: "#198754", civil_defence: "#0d6efd" };
  const markers = {};
  (data.places || []).forEach((p) => {
    const popup = document.createElement("div");
    popup.appendChild(text(p.name));
    popup.appendChild(document.createElement("br"));
    popup.appendChild(document.createTextNode(p.label));
    markers[p.id] = L.circleMarker(latLng(p.at), { radius: 7, color: COLOURS[p.kind] || "#6c757d", weight: 2, fillOpacity: 0.5 })
      .bindPopup(popup).addTo(shapes);
  });
  let polygon = null;
  const draw = (ring) => {
    if (polygon) shapes.removeLayer(polygon);
    polygon = ring.length ? L.polygon(ring.map(latLng), { color: "#dc3545", weight: 2, fillOpacity: 0.15 }).addTo(shapes) : null;
  };
  const ringOf = (geometry) => (geometry && geometry.coordinates ? geometry.coordinates[0].slice(0, -1) : []);
  let ring = ringOf(data.polygon);
  draw(ring);
  if (shapes.getLayers().length && shapes.getBounds().isValid()) map.fitBounds(shapes.getBounds(), { padding: [16, 16], maxZoom: 17 });
  if (!mapNode.dataset.draw) return;
  const field = document.querySelector("input[name=polygon]");
  const status = document.getElementById("polygon-status");
  const write = () => {
    field.value = ring.length >= 3
      ? JSON.stringify({ type: "Polygon", coordinates: [ring.concat([ring[0]]).map((p) => [Number(p[0].toFixed(6)), Number(p[1].toFixed(6))])] })
      : "";
    status.textContent = ring.length ? status.dataset.corners.replace("{n}", ring.length) : status.dataset.none;
  };
  write();
  map.on("click", (event) => { ring.push([event.latlng.lng, event.latlng.lat]); draw(ring); write(); });
  document.getElementById("polygon-clear").addEventListener("click", () => { ring = []; draw(ring); write(); });
  document.querySelectorAll("input[name=places]").forEach((box) => {
    const mark = () => { const m = markers[box.value]; if (m) m.setStyle({ weight: box.checked ? 5 : 2 }); };
    box.addEventListener("change", mark);
    mark();
  });
})();
