// recoup: the little script the pages need (no inline scripts: the CSP forbids them).
// Upload progress on the import form, and submitting filter selects on change.
document.addEventListener("htmx:xhr:progress", function (evt) {
  var bar = document.querySelector("#upload-progress");
  if (!bar || !evt.detail.lengthComputable) return;
  bar.classList.add("on");
  bar.firstElementChild.style.width = Math.round((evt.detail.loaded / evt.detail.total) * 100) + "%";
});
document.addEventListener("htmx:afterRequest", function () {
  var bar = document.querySelector("#upload-progress");
  if (bar) { bar.classList.remove("on"); bar.firstElementChild.style.width = "0"; }
});
// The worklist's "select every row on this page" box (the table is swapped in by htmx).
document.addEventListener("change", function (evt) {
  var box = evt.target;
  if (!box || box.id !== "select-page") return;
  document.querySelectorAll("#worklist input.pick").forEach(function (pick) { pick.checked = box.checked; });
});
// Print buttons (data-print): the print stylesheet leaves out the navigation and the forms.
document.addEventListener("click", function (evt) {
  if (evt.target && evt.target.closest && evt.target.closest("[data-print]")) window.print();
});
