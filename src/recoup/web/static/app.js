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
