// The service hall's pages: a print button ([data-print]) and, on an application
// form, the express address shown only when express delivery is chosen.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
function showAddress() {
  const mode = document.querySelector("[name=delivery_mode]");
  const box = document.querySelector("[data-express-address]");
  if (mode && box) box.hidden = mode.value !== "express";
}
document.addEventListener("change", (event) => {
  if (event.target.name === "delivery_mode") showAddress();
});
document.addEventListener("DOMContentLoaded", showAddress);
