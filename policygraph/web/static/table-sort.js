// Sorts a table.sortable by the column whose heading is clicked; again reverses.
// Cells that all read as numbers sort as numbers, the others as text (empty cells last).
"use strict";

function cellText(row, column) {
  return row.cells[column].textContent.trim();
}

function compareCells(a, b) {
  if (a === "" || b === "") return (a === "") - (b === "");
  const numberA = Number(a), numberB = Number(b);
  if (!Number.isNaN(numberA) && !Number.isNaN(numberB)) return numberA - numberB;
  return a.localeCompare(b, "zh");
}

function sortBy(table, heading) {
  const column = heading.cellIndex;
  const ascending = heading.getAttribute("aria-sort") !== "ascending";
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  rows.sort((a, b) => compareCells(cellText(a, column), cellText(b, column)) * (ascending ? 1 : -1));
  body.append(...rows);
  for (const other of table.tHead.rows[0].cells) other.removeAttribute("aria-sort");
  heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
}

for (const table of document.querySelectorAll("table.sortable")) {
  for (const heading of table.tHead.rows[0].cells) {
    heading.addEventListener("click", () => sortBy(table, heading));
  }
}
