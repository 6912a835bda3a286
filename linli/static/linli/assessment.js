// Ability assessment: the running score of each section and the total while the
// form is filled in (the server computes the result), and the report's print button.
function recount() {
  let total = 0;
  let answered = 0;
  document.querySelectorAll("[data-section]").forEach((section) => {
    let sum = 0;
    let any = false;
    section.querySelectorAll("input[type=radio]:checked").forEach((input) => {
      sum += Number(input.dataset.score);
      any = true;
      answered += 1;
    });
    const out = section.querySelector("[data-subtotal]");
    if (out) out.textContent = any ? String(sum) : "–";
    total += sum;
  });
  const totalOut = document.querySelector("[data-total]");
  if (totalOut) totalOut.textContent = answered ? String(total) : "–";
  const answeredOut = document.querySelector("[data-answered]");
  if (answeredOut) answeredOut.textContent = String(answered);
}
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-section] input[type=radio]")) recount();
});
document.addEventListener("DOMContentLoaded", recount);
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
