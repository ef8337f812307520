// Filter panels (<details data-open-wide>) start closed, so that on a phone the results
// come right after the search box; on a wide screen, where the filters stand beside the
// results, they are opened. Without JavaScript the panel opens with a click.
(() => {
  const wide = window.matchMedia("(min-width: 56rem)");
  const apply = () => {
    if (!wide.matches) return;
    for (const panel of document.querySelectorAll("details[data-open-wide]")) panel.open = true;
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", apply);
  else apply();
  wide.addEventListener("change", apply);
})();
