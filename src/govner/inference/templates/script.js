// Sort a table.sortable by clicking a header (numbers by data-v when a cell has one; empty cells last);
// filter a table by the text of its rows from the input.filter that names it (data-table).
document.querySelectorAll("table.sortable").forEach((table) => {
  const heads = Array.from(table.tHead.rows[0].cells);
  heads.forEach((th, i) => th.addEventListener("click", () => {
    const dir = th.dataset.dir === "asc" ? -1 : 1;
    heads.forEach((h) => delete h.dataset.dir);
    th.dataset.dir = dir === 1 ? "asc" : "desc";
    const key = (row) => {
      const cell = row.cells[i];
      const v = (cell.dataset.v ?? cell.textContent).trim();
      return v !== "" && isFinite(v) ? Number(v) : v;
    };
    const rows = Array.from(table.tBodies[0].rows);
    rows.sort((a, b) => {
      const x = key(a), y = key(b);
      if (x === "" || y === "") return (x === "") - (y === "");
      if (typeof x === "number" && typeof y === "number") return dir * (x - y);
      if (typeof x !== typeof y) return typeof x === "number" ? -1 : 1;
      return dir * x.localeCompare(y, "zh");
    });
    table.tBodies[0].append(...rows);
  }));
});
document.querySelectorAll("input.filter").forEach((input) => input.addEventListener("input", () => {
  const table = document.getElementById(input.dataset.table);
  const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const row of table.tBodies[0].rows) {
    const text = row.textContent.toLowerCase();
    row.hidden = !words.every((w) => text.includes(w));
    shown += !row.hidden;
  }
  const counter = document.getElementById(input.dataset.table + "-shown");
  if (counter) counter.textContent = shown + " shown";
}));
