/* Linli maps (Leaflet): draws what the page's JSON (#map-data) holds — a grid's
 * boundary, a trajectory, checkpoints, devices (coloured by state) — on the configured tile layer, or on a blank
 * ground when none is configured. On one's own patrol under way it also records
 * the phone's position: fixes are buffered and sent in batches to the API, sent
 * again after a network error (the server stores a batch once), and the check-in
 * form is given the latest position. */
(function () {
  "use strict";
  const dataNode = document.getElementById("map-data");
  const mapNode = document.getElementById("map");
  if (!dataNode || !mapNode || !window.L) return;
  const data = JSON.parse(dataNode.textContent);
  // A view first (周村区): circles cannot be drawn on a map without one.
  const map = L.map(mapNode, { attributionControl: Boolean(data.attribution) }).setView([36.8, 117.87], 13);
  if (data.tiles) {
    L.tileLayer(data.tiles, { maxZoom: 19, attribution: data.attribution || "" }).addTo(map);
  }
  const latLng = (p) => [p[1], p[0]]; // GeoJSON order is [longitude, latitude]
  // Leaflet writes string content as HTML: names go in as text nodes.
  const text = (value) => {
    const node = document.createElement("span");
    node.textContent = value;
    return node;
  };
  const shapes = L.featureGroup().addTo(map);
  if (data.boundaries) {
    L.geoJSON(data.boundaries, {
      style: { color: "#6c757d", weight: 1, fillOpacity: 0.03 },
      onEachFeature: (feature, layer) => layer.bindTooltip(text(feature.properties.name)),
    }).addTo(shapes);
  }
  if (data.boundary) {
    L.geoJSON(data.boundary, { style: { color: "#0d6efd", weight: 2, fillOpacity: 0.05 } }).addTo(shapes);
  }
  (data.checkpoints || []).forEach((c) => {
    L.circle(latLng(c.at), { radius: c.radius, color: c.done ? "#198754" : "#fd7e14", weight: 2 })
      .bindTooltip(text(c.name))
      .addTo(shapes);
  });
  (data.cases || []).forEach((c) => {
    const popup = document.createElement("div"); // text nodes: nothing in the data is markup
    const link = popup.appendChild(document.createElement("a"));
    link.href = c.url;
    link.textContent = c.code;
    popup.appendChild(document.createElement("br"));
    popup.appendChild(document.createTextNode(c.label));
    L.circleMarker(latLng(c.at), { radius: 6, color: c.overdue ? "#dc3545" : "#0d6efd", weight: 2 })
      .bindPopup(popup)
      .addTo(shapes);
  });
  const DEVICE_COLOURS = { alarm: "#dc3545", online: "#198754", offline: "#6c757d", retired: "#adb5bd" };
  (data.devices || []).forEach((d) => {
    const marker = L.circleMarker(latLng(d.at), {
      radius: d.state === "alarm" ? 8 : 6, color: DEVICE_COLOURS[d.state] || "#6c757d",
      weight: 2, fillOpacity: 0.6,
    });
    if (d.url) {
      const popup = document.createElement("div"); // text nodes: nothing in the data is markup
      const link = popup.appendChild(document.createElement("a"));
      link.href = d.url;
      link.textContent = d.code;
      popup.appendChild(document.createElement("br"));
      popup.appendChild(document.createTextNode(d.label));
      marker.bindPopup(popup);
    } else {
      marker.bindTooltip(text(d.label));
    }
    marker.addTo(shapes);
  });
  const track = data.track && L.polyline(data.track.map(latLng), { color: "#6f42c1", weight: 4 }).addTo(shapes);
  if (shapes.getLayers().length && shapes.getBounds().isValid()) {
    map.fitBounds(shapes.getBounds(), { padding: [16, 16], maxZoom: 18 });
  }

  if (mapNode.dataset.pick) {
    // Reporting: the pin (a tap, or the phone's position) fills the form's location.
    const form = mapNode.closest("form");
    const status = document.getElementById("pin-status");
    let pin = null;
    const place = (lat, lng) => {
      form.longitude.value = lng.toFixed(6);
      form.latitude.value = lat.toFixed(6);
      if (pin) pin.setLatLng([lat, lng]);
      else pin = L.circleMarker([lat, lng], { radius: 9, color: "#dc3545", weight: 3 }).addTo(map);
      status.textContent = `${status.dataset.set}: ${form.longitude.value}, ${form.latitude.value}`;
    };
    if (form.latitude.value) place(Number(form.latitude.value), Number(form.longitude.value));
    map.on("click", (event) => place(event.latlng.lat, event.latlng.lng));
    const locate = document.getElementById("locate");
    if (locate && navigator.geolocation) {
      locate.addEventListener("click", () => navigator.geolocation.getCurrentPosition(
        (pos) => { place(pos.coords.latitude, pos.coords.longitude); map.setView([pos.coords.latitude, pos.coords.longitude], 17); },
        () => {},
        { enableHighAccuracy: true, timeout: 15000 }
      ));
    }
    return;
  }

  if (!data.points_url || !navigator.geolocation) return;
  const csrf = document.querySelector("#check-in-form [name=csrfmiddlewaretoken]").value;
  const status = document.getElementById("tracking-status");
  const walked = document.querySelector("[data-testid=distance]"); // one figure, kept current
  const form = document.getElementById("check-in-form");
  const EVERY_MS = 15000; // a batch at most this often (the first fix goes at once)
  let pending = [];
  let sending = false;
  let lastSent = 0;
  let watch = null;
  const send = () => {
    if (sending || !pending.length) return;
    sending = true;
    lastSent = Date.now();
    const batch = pending.slice(0, 500);
    fetch(data.points_url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true, // still sent when the page is left (a check-in, the end)
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ points: batch }),
    })
      .then((r) => {
        if (r.ok) return r.json();
        if (r.status >= 500) throw new Error("retry"); // kept: sent again with the next
        pending = pending.slice(batch.length); // refused: sending it again would not help
        status.textContent = status.dataset.refused;
        if (r.status === 422 || r.status === 403 || r.status === 404) {
          navigator.geolocation.clearWatch(watch); // the patrol has ended or is not ours
        }
        return null;
      })
      .then((answer) => {
        if (!answer) return;
        pending = pending.slice(batch.length);
        status.textContent = status.dataset.sent;
        walked.textContent = walked.dataset.walked.replace("{m}", answer.distance);
      })
      .catch(() => {}) // a network error: kept in `pending`, sent again with the next batch
      .finally(() => { sending = false; });
  };
  watch = navigator.geolocation.watchPosition(
    (pos) => {
      const fix = {
        at: new Date(pos.timestamp).toISOString(),
        longitude: pos.coords.longitude.toFixed(6),
        latitude: pos.coords.latitude.toFixed(6),
        accuracy: Math.round(pos.coords.accuracy),
      };
      pending.push(fix);
      track.addLatLng([pos.coords.latitude, pos.coords.longitude]);
      form.longitude.value = fix.longitude;
      form.latitude.value = fix.latitude;
      form.accuracy.value = fix.accuracy;
      if (Date.now() - lastSent >= EVERY_MS) send();
    },
    () => { status.textContent = status.dataset.denied; },
    { enableHighAccuracy: true, maximumAge: 10000, timeout: 30000 }
  );
  setInterval(send, EVERY_MS);
  window.addEventListener("pagehide", send);
})();
