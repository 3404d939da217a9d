// Draws the neighbourhood the page embeds as JSON (#graph-data) with cytoscape.js.
// `window.cy` is left global so the browser tests (and a curious user's console) can read the graph.
"use strict";

const elements = JSON.parse(document.getElementById("graph-data").textContent);

window.cy = cytoscape({
  container: document.getElementById("graph"),
  elements: elements,
  layout: { name: "breadthfirst", directed: true, spacingFactor: 1.2 },
  style: [
    { selector: "node", style: { label: "data(label)", "font-size": 11, "text-wrap": "wrap",
      "text-max-width": 140, "background-color": "#6b8fb3" } },
    { selector: "node[kind = 'centre']", style: { "background-color": "#c77700", width: 40, height: 40 } },
    { selector: "node[kind = 'referenced']", style: { "background-color": "#bbb" } },
    { selector: "edge", style: { label: "data(label)", "font-size": 10, "curve-style": "bezier",
      "target-arrow-shape": "triangle", width: 1.5, "line-color": "#999", "target-arrow-color": "#999" } },
    { selector: "edge[relation = 'cites']", style: { "line-style": "dashed" } },
  ],
});

window.cy.on("tap", "node", (event) => { window.location.href = event.target.data("href"); });
