// The iframe embed (www/embed.html): one <scale-plan> showing the plan of the share link in this page's fragment,
// with the view, editable fields and theme of the query string (embed.html?view=ladder#p1.…).
//
// An iframe cannot size itself from inside: the page tells its parent how tall its content is, in a message
// { type: "scale-plan:height", height } (pixels), whenever that changes. A host that runs one line of script can
// set the iframe's height from it (README, "Embedding"); one that runs none gives the iframe a fixed height.
import "./widget/scale-plan.js";

const params = new URLSearchParams(location.search);
const widget = document.createElement("scale-plan");
widget.setAttribute("link", location.hash);
for (const name of ["view", "editable", "theme"]) if (params.has(name)) widget.setAttribute(name, params.get(name));
document.body.append(widget);
addEventListener("hashchange", () => widget.setAttribute("link", location.hash));

let told = 0;
new ResizeObserver(() => {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height !== told && parent !== window) parent.postMessage({ type: "scale-plan:height", height }, "*");
  told = height;
}).observe(document.documentElement);
