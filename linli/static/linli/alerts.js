/* Emergency alert maps (Leaflet): the area's grids, the alert's polygon, the shelters
 * (green) and civil-defence sites (blue) from #alert-map-data. On the alert form
 * (data-draw on #alert-map) a tap adds a corner to the current polygon ("another
 * polygon" starts the next), or, with "circle" pressed, the centre of a circle of the
 * radius given; they are written to the form's hidden `polygon` (GeoJSON Polygon or
 * MultiPolygon) and `circles` fields; "clear" removes them all; ticking a place in the
 * list highlights it on the map. */
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
  // The area: polygons (each a ring of [lon, lat] corners) and circles ({longitude,
  // latitude, radius_km}); drawn again whole after each change.
  const areaLayer = L.featureGroup().addTo(shapes);
  const STYLE = { color: "#dc3545", weight: 2, fillOpacity: 0.15 };
  const draw = (rings, circles) => {
    areaLayer.clearLayers();
    rings.filter((r) => r.length).forEach((r) => L.polygon(r.map(latLng), STYLE).addTo(areaLayer));
    circles.forEach((c) => L.circle([c.latitude, c.longitude], Object.assign({ radius: c.radius_km * 1000 }, STYLE)).addTo(areaLayer));
  };
  const ringsOf = (g) => {
    if (!g || !g.coordinates) return [];
    const polygons = g.type === "MultiPolygon" ? g.coordinates : [g.coordinates];
    return polygons.map((rings) => rings[0].slice(0, -1));
  };
  let rings = ringsOf(data.polygon);
  let circles = Array.isArray(data.circles) ? data.circles.slice() : [];
  draw(rings, circles);
  if (shapes.getLayers().length && shapes.getBounds().isValid()) map.fitBounds(shapes.getBounds(), { padding: [16, 16], maxZoom: 17 });
  if (!mapNode.dataset.draw) return;
  rings.push([]); // taps start a new polygon, beside those already drawn
  const field = document.querySelector("input[name=polygon]");
  const circleField = document.querySelector("input[name=circles]");
  const status = document.getElementById("polygon-status");
  const radius = document.getElementById("circle-radius");
  const circleMode = document.getElementById("circle-mode");
  const round = (n) => Number(n.toFixed(6));
  const write = () => {
    const done = rings.filter((r) => r.length >= 3).map((r) => [r.concat([r[0]]).map((p) => [round(p[0]), round(p[1])])]);
    field.value = done.length === 0 ? "" : JSON.stringify(done.length === 1 ? { type: "Polygon", coordinates: done[0] } : { type: "MultiPolygon", coordinates: done });
    circleField.value = circles.length ? JSON.stringify(circles) : "";
    const corners = rings[rings.length - 1].length;
    status.textContent = !done.length && !circles.length && !corners
      ? status.dataset.none
      : status.dataset.shapes.replace("{polygons}", done.length).replace("{circles}", circles.length).replace("{n}", corners);
  };
  write();
  map.on("click", (event) => {
    const at = event.latlng;
    if (circleMode.getAttribute("aria-pressed") === "true") {
      const km = Number(radius.value);
      if (!(km > 0)) { radius.focus(); return; }
      circles.push({ longitude: round(at.lng), latitude: round(at.lat), radius_km: km });
    } else {
      rings[rings.length - 1].push([at.lng, at.lat]);
    }
    draw(rings, circles);
    write();
  });
  circleMode.addEventListener("click", () => {
    circleMode.setAttribute("aria-pressed", circleMode.getAttribute("aria-pressed") === "true" ? "false" : "true");
  });
  document.getElementById("polygon-next").addEventListener("click", () => {
    if (rings[rings.length - 1].length >= 3) rings.push([]);
    circleMode.setAttribute("aria-pressed", "false");
    write();
  });
  document.getElementById("polygon-clear").addEventListener("click", () => { rings = [[]]; circles = []; draw(rings, circles); write(); });
  document.querySelectorAll("input[name=places]").forEach((box) => {
    const mark = () => { const m = markers[box.value]; if (m) m.setStyle({ weight: box.checked ? 5 : 2 }); };
    box.addEventListener("change", mark);
    mark();
  });
})();
