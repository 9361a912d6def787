"use strict";
// Filter channels, tables, columns and readers by the search box (and ?q= in the address); nothing else.
(function () {
  const input = document.getElementById("filter");
  const count = document.getElementById("match-count");
  function matches(el, q) { return (el.dataset.search || "").includes(q); }
  function apply(raw) {
    const q = raw.trim().toLowerCase();
    let channels = 0, columns = 0;
    document.querySelectorAll("section.channel").forEach(function (ch) {
      const whole = q === "" || matches(ch, q);
      let any = whole;
      ch.querySelectorAll("section.table").forEach(function (t) {
        const table = whole || matches(t, q);
        let rows = 0;
        t.querySelectorAll("tr.col").forEach(function (tr) {
          const show = table || matches(tr, q);
          tr.hidden = !show;
          if (show) rows += 1;
        });
        t.hidden = !(table || rows > 0);
        if (!t.hidden) { any = true; columns += rows; }
      });
      ch.querySelectorAll("tr.reader").forEach(function (tr) {
        const show = whole || matches(tr, q);
        tr.hidden = !show;
        if (show) any = true;
      });
      ch.hidden = !any;
      const link = document.querySelector('#toc li[data-for="' + ch.id + '"]');
      if (link) link.hidden = !any;
      if (any) channels += 1;
    });
    document.body.dataset.filter = q;
    count.textContent = q === "" ? "" : channels + " channels, " + columns + " columns match";
  }
  input.addEventListener("input", function () { apply(input.value); });
  const initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; }
  apply(input.value);
})();
