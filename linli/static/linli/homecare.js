// The care worker's phone page: a check-in or check-out button first asks the phone
// for its position, puts it in the form and then sends it. Without a position the
// form goes as it is and the server says what is missing.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-locate]");
  if (!form || form.dataset.located || !navigator.geolocation) return;
  event.preventDefault();
  const status = form.querySelector("[data-locating]");
  const button = form.querySelector("button[type=submit]");
  if (status) status.hidden = false;
  if (button) button.disabled = true;
  const send = () => { form.dataset.located = "1"; form.submit(); };
  navigator.geolocation.getCurrentPosition(
    (pos) => {
      form.longitude.value = pos.coords.longitude.toFixed(6);
      form.latitude.value = pos.coords.latitude.toFixed(6);
      send();
    },
    send,
    { enableHighAccuracy: true, timeout: 20000, maximumAge: 30000 },
  );
});
