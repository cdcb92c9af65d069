// The receipt's print button (no inline script: the pages' CSP forbids it).
document.addEventListener("click", function (event) {
  var button = event.target.closest(".print-button");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
