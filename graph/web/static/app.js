(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("graph-data").textContent);
  var N = DATA.nodes, E = DATA.edges, TYPES = {}, byId = new Map();
  var PSHIP = {};
  DATA.types.forEach(function (t) { TYPES[t.name] = t; });
  DATA.partnerships.forEach(function (p) { PSHIP[p.id] = p.title; });
  N.forEach(function (n, i) { n.i = i; byId.set(n.id, i); });
  var adj = N.map(function () { return []; });
  E.forEach(function (e, k) { adj[e.f].push(k); if (e.t !== e.f) adj[e.t].push(k); });
  var on = {type: {}, category: {}, partnership: {}};
  var state = {selected: null, depth: DATA.meta.depth || 2};
  var nodeState = N.map(function () { return ""; }), edgeState = E.map(function () { return ""; });

  function rgba(hex, a) {
    var v = parseInt(hex.slice(1), 16);
    return "rgba(" + (v >> 16 & 255) + "," + (v >> 8 & 255) + "," + (v & 255) + "," + a + ")";
  }
  function short(s, n) {
    s = String(s).replace(/\s+/g, " ").trim();
    return s.length > n ? s.slice(0, n - 1) + "\u2026" : s;
  }
  function name(n) { return (n.number ? n.number + " " : "") + n.title; }
  function docTitle(id) { return DATA.documents[id] || id; }
  function cite(src, section) {
    return docTitle(src) + (src && DATA.documents[src] ? " [" + src + "]" : "") + (section ? ", " + section : "");
  }
  function inferredText(e) {
    return "INFERRED suggestion (score " + Number(e.score).toFixed(2) + ", " + e.method +
           "): not stated in any document";
  }
  function tooltip(n) {
    var lines = [n.type + (n.kind ? " (" + n.kind + ")" : "") + ": " + name(n)];
    var body = n.summary || n.text;
    if (body && body !== n.title) lines.push(short(body, 220));
    if (n.source) lines.push("Source: " + cite(n.source, n.section));
    return lines.join("\n");  // a plain string: vis-network shows it with innerText
  }
  function nodeLook(n, look) {
    var c = TYPES[n.type].color;
    if (look === "faded") {
      return {color: {background: rgba(c, 0.12), border: rgba(c, 0.2),
                      highlight: {background: c, border: "#000"}, hover: {background: c, border: "#000"}},
              font: {color: "rgba(0,0,0,0)"}, borderWidth: 1};
    }
    return {color: {background: c, border: look === "chain" || look === "selected" ? "#000" : rgba(c, 1),
                    highlight: {background: c, border: "#000"}, hover: {background: c, border: "#000"}},
            font: {color: "#222"}, borderWidth: look === "chain" ? 3 : look === "selected" ? 4 : 1};
  }
  function edgeLook(look) {
    if (look === "faded") return {color: {color: "rgba(150,150,150,0.08)", opacity: 1}, width: 0.6};
    if (look === "chain") return {color: {color: "#d62728", opacity: 1}, width: 3};
    return {color: {color: "#9a9a9a", opacity: 1}, width: 0.7};
  }

  var nodes = new vis.DataSet(N.map(function (n) {
    var o = {id: n.id, label: short(name(n), 34), title: tooltip(n), x: n.x, y: n.y,
             shape: TYPES[n.type].shape, size: n.size};
    var look = nodeLook(n, "");
    o.color = look.color; o.font = look.font; o.borderWidth = look.borderWidth;
    return o;
  }));
  var edges = new vis.DataSet(E.map(function (e, k) {
    var phrase = DATA.phrases.out[e.rel] || e.rel;
    var o = {id: k, from: N[e.f].id, to: N[e.t].id,
             title: short(name(N[e.f]), 60) + "\n  " + phrase + "\n" + short(name(N[e.t]), 60) +
                    "\n" + (e.inferred ? inferredText(e) : "Source: " + cite(e.source, e.section))};
    if (e.inferred) o.dashes = true;
    var look = edgeLook("");
    o.color = look.color; o.width = look.width;
    return o;
  }));
  var container = document.getElementById("graph");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, {
    physics: false,
    layout: {improvedLayout: false},
    interaction: {hover: true, tooltipDelay: 120, hideEdgesOnDrag: N.length > 800, hideEdgesOnZoom: N.length > 800,
                  keyboard: false, multiselect: false},
    nodes: {borderWidth: 1, font: {size: 12, face: "system-ui, Arial, sans-serif"},
            scaling: {label: {enabled: false, drawThreshold: 7}}},
    edges: {smooth: false, arrows: {to: {enabled: true, scaleFactor: 0.45}}, selectionWidth: 1.5,
            hoverWidth: 0.5}
  });

  // -- filters and focus --------------------------------------------------------------------
  function visibleNode(n) {
    return on.type[n.type] !== false && (!n.category || on.category[n.category] !== false) &&
      on.partnership[n.partnership || ""] !== false;
  }
  function near(start, depth, visible) {
    var dist = new Map([[start, 0]]), queue = [start];
    while (queue.length) {
      var x = queue.shift(), d = dist.get(x);
      if (d >= depth) continue;
      adj[x].forEach(function (k) {
        var e = E[k], y = e.f === x ? e.t : e.f;
        if (!dist.has(y) && visible[y]) { dist.set(y, d + 1); queue.push(y); }
      });
    }
    return dist;
  }
  function apply() {
    var visible = N.map(visibleNode), sel = state.selected, keep = null, chainN = new Set(), chainE = new Set();
    if (sel !== null) {
      keep = near(sel, state.depth, visible);
      var up = DATA.upstream[String(sel)];
      if (up) {
        up.n.forEach(function (i) { chainN.add(i); keep.set(i, 0); });
        up.e.forEach(function (k) { chainE.add(k); });
      }
    }
    var nu = [], eu = [], shown = 0;
    N.forEach(function (n, i) {
      var s = !visible[i] ? "hidden" : i === sel ? "selected" : chainN.has(i) ? "chain" :
              keep && !keep.has(i) ? "faded" : "";
      if (s !== "hidden") shown++;
      if (s === nodeState[i]) return;
      nodeState[i] = s;
      var o = {id: n.id, hidden: s === "hidden"}, look = nodeLook(n, s);
      o.color = look.color; o.font = look.font; o.borderWidth = look.borderWidth;
      nu.push(o);
    });
    E.forEach(function (e, k) {
      var s = !visible[e.f] || !visible[e.t] ? "hidden" : chainE.has(k) ? "chain" :
              keep && (!keep.has(e.f) || !keep.has(e.t)) ? "faded" : "";
      if (s === edgeState[k]) return;
      edgeState[k] = s;
      var o = {id: k, hidden: s === "hidden"}, look = edgeLook(s);
      o.color = look.color; o.width = look.width;
      eu.push(o);
    });
    if (nu.length) nodes.update(nu);
    if (eu.length) edges.update(eu);
    document.getElementById("status").textContent =
      "Showing " + shown + " of " + N.length + " nodes, " + E.length + " links" +
      (DATA.meta.edition ? "; numbers from the " + DATA.meta.edition + " edition" : "") + ".";
  }

  // -- the panel (built with textContent only) -----------------------------------------------
  function el(tag, text, cls) {
    var x = document.createElement(tag);
    if (text !== undefined && text !== null) x.textContent = String(text);
    if (cls) x.className = cls;
    return x;
  }
  function nodeButton(i, text) {
    var b = el("button", text === undefined ? name(N[i]) : text, "link");
    b.type = "button";
    b.addEventListener("click", function () { select(N[i].id); });
    return b;
  }
  function order(i) {
    var t = DATA.typeOrder.indexOf(N[i].type);
    return [t < 0 ? 99 : t, N[i].number || "", N[i].title];
  }
  function cmp(a, b) {
    var x = order(a), y = order(b);
    for (var k = 0; k < x.length; k++) {
      if (x[k] < y[k]) return -1;
      if (x[k] > y[k]) return 1;
    }
    return 0;
  }
  function showPanel(i) {
    var n = N[i], panel = document.getElementById("panel");
    panel.replaceChildren();
    panel.appendChild(el("h2", name(n), "title"));
    var dl = el("dl");
    [["Type", n.type + (n.kind ? " (" + n.kind + ")" : "")], ["Number", n.number], ["Category", n.category],
     ["Partnership", n.partnership && (PSHIP[n.partnership] || n.partnership)], ["Id", n.id]].forEach(function (kv) {
      if (!kv[1]) return;
      dl.appendChild(el("dt", kv[0]));
      dl.appendChild(el("dd", kv[1]));
    });
    panel.appendChild(dl);
    if (n.summary) { panel.appendChild(el("h3", "Summary")); panel.appendChild(el("p", n.summary, "text summary")); }
    if (n.text && n.text !== n.title) {
      panel.appendChild(el("h3", "Text"));
      panel.appendChild(el("p", n.text, "text"));
    }
    panel.appendChild(el("h3", "Source"));
    var src = el("p", n.source ? cite(n.source, n.section) : "(none recorded)", "source");
    src.id = "panel-source";
    panel.appendChild(src);
    var up = DATA.upstream[String(i)];
    if (up) {
      panel.appendChild(el("h3", "What drives it (" + up.n.length + ")"));
      var ul = el("ul", null, "plain drives");
      up.n.slice().sort(cmp).forEach(function (j) {
        var li = el("li");
        li.appendChild(el("span", N[j].type + ": ", "cite"));
        li.appendChild(nodeButton(j));
        ul.appendChild(li);
      });
      panel.appendChild(ul);
    }
    var links = adj[i].map(function (k) {
      var e = E[k], out = e.f === i;
      return {k: k, e: e, out: out, other: out ? e.t : e.f,
              phrase: (out ? DATA.phrases.out : DATA.phrases.in)[e.rel] || e.rel};
    }).sort(function (a, b) {
      return (a.out === b.out ? 0 : a.out ? -1 : 1) || (a.e.rel < b.e.rel ? -1 : a.e.rel > b.e.rel ? 1 : 0) ||
             cmp(a.other, b.other);
    });
    panel.appendChild(el("h3", "Links (" + links.length + ")"));
    var list = el("ul", null, "plain links");
    links.forEach(function (l) {
      var li = el("li");
      li.appendChild(el("span", l.phrase + " "));
      li.appendChild(nodeButton(l.other));
      li.appendChild(el("div", l.e.inferred ? inferredText(l.e) : cite(l.e.source, l.e.section),
                        l.e.inferred ? "cite inferred" : "cite"));
      if (l.e.quote) li.appendChild(el("q", l.e.quote, "cite"));
      list.appendChild(li);
    });
    if (!links.length) list.appendChild(el("li", "No stated links.", "hint"));
    panel.appendChild(list);
  }
  function clearPanel() {
    var panel = document.getElementById("panel");
    panel.replaceChildren(el("p", "Select a node to see its title, summary, source and links.", "hint"));
  }

  // -- selecting and searching ------------------------------------------------------------------
  function select(id, opts) {
    var i = byId.get(id);
    if (i === undefined) return false;
    state.selected = i;
    network.selectNodes([id]);
    if (!(opts && opts.move === false)) frame(i);
    showPanel(i);
    apply();
    return true;
  }
  function frame(i) {
    // show the node with its direct links (and, for an action, what drives it), zoomed in enough to read
    var ids = [N[i].id], up = DATA.upstream[String(i)];
    adj[i].forEach(function (k) { var e = E[k]; ids.push(N[e.f === i ? e.t : e.f].id); });
    if (up) up.n.forEach(function (j) { ids.push(N[j].id); });
    network.fit({nodes: ids, minZoomLevel: 0.45, maxZoomLevel: 1.4, animation: false});
  }
  function clear() {
    state.selected = null;
    network.unselectAll();
    clearPanel();
    apply();
  }
  function search(q) {
    q = String(q).trim();
    if (!q) return [];
    var f = q.toLowerCase(), scored = [];
    N.forEach(function (n, i) {
      var t = n.title.toLowerCase(), s = -1;
      if (n.id === q) s = 0;
      else if (n.number === q) s = n.type === "Driver" ? 1 : 2;
      else if (t === f) s = 3;
      else if (n.id.toLowerCase().indexOf(f) >= 0) s = 5;
      else if (t.indexOf(f) === 0) s = 4;
      else if (t.indexOf(f) >= 0) s = 6;
      if (s >= 0) scored.push([s, t.length, n.id, i]);
    });
    scored.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : 1); });
    return scored.map(function (s) { return N[s[3]].id; });
  }
  function find(q) {
    var hits = search(q), ul = document.getElementById("results");
    ul.replaceChildren();
    if (!hits.length) { ul.appendChild(el("li", "No node matches.", "hint")); return null; }
    hits.slice(0, 25).forEach(function (id) {
      var li = el("li"), i = byId.get(id);
      li.appendChild(el("span", N[i].type + ": ", "cite"));
      li.appendChild(nodeButton(i));
      ul.appendChild(li);
    });
    if (hits.length > 25) ul.appendChild(el("li", "\u2026 and " + (hits.length - 25) + " more", "hint"));
    select(hits[0]);
    return hits[0];
  }

  // -- controls --------------------------------------------------------------------------------
  function swatch(t) {
    var ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg"), shape;
    svg.setAttribute("width", "14"); svg.setAttribute("height", "14"); svg.setAttribute("aria-hidden", "true");
    var pts = {diamond: "7,1 13,7 7,13 1,7", triangle: "7,1 13,13 1,13", triangleDown: "1,1 13,1 7,13",
               star: "7,1 8.8,5.2 13,5.5 9.8,8.4 10.8,13 7,10.6 3.2,13 4.2,8.4 1,5.5 5.2,5.2",
               hexagon: "4,1.5 10,1.5 13,7 10,12.5 4,12.5 1,7"}[t.shape];
    if (pts) { shape = document.createElementNS(ns, "polygon"); shape.setAttribute("points", pts); }
    else if (t.shape === "square") {
      shape = document.createElementNS(ns, "rect");
      ["x", "y"].forEach(function (a) { shape.setAttribute(a, "2"); });
      ["width", "height"].forEach(function (a) { shape.setAttribute(a, "10"); });
    } else {
      shape = document.createElementNS(ns, "circle");
      shape.setAttribute("cx", "7"); shape.setAttribute("cy", "7"); shape.setAttribute("r", "5.5");
    }
    shape.setAttribute("fill", t.color);
    svg.appendChild(shape);
    return svg;
  }
  function checkbox(group, value, label, count, sw) {
    var lab = el("label"), box = el("input");
    box.type = "checkbox"; box.checked = true;
    box.setAttribute("data-filter", group); box.value = value;
    box.addEventListener("change", function () { on[group][value] = box.checked; apply(); });
    lab.appendChild(box);
    if (sw) lab.appendChild(sw);
    lab.appendChild(el("span", label));
    lab.appendChild(el("span", count, "count"));
    document.getElementById("f-" + group).appendChild(lab);
  }
  DATA.types.forEach(function (t) { checkbox("type", t.name, t.name, t.count, swatch(t)); });
  DATA.categories.forEach(function (c) { checkbox("category", c.name, c.name, c.count); });
  if (!DATA.categories.length) document.getElementById("f-category").hidden = true;
  DATA.partnerships.forEach(function (p) { checkbox("partnership", p.id, p.title, p.count); });
  document.getElementById("page-title").textContent = DATA.meta.title;
  var depthBox = document.getElementById("depth");
  depthBox.value = String(state.depth);
  depthBox.addEventListener("change", function () {
    var v = parseInt(depthBox.value, 10);
    if (v >= 1) { state.depth = v; apply(); }
  });
  document.getElementById("search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    find(document.getElementById("search").value);
  });
  document.getElementById("clear").addEventListener("click", clear);
  document.getElementById("fit").addEventListener("click", function () { network.fit({animation: false}); });
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") clear(); });
  network.on("click", function (p) {
    if (p.nodes.length) select(p.nodes[0], {move: false});
    else if (!p.edges.length) clear();
  });

  function setFilter(group, value, checked) {
    var box = Array.prototype.find.call(document.querySelectorAll("input[data-filter='" + group + "']"),
                                        function (b) { return b.value === value; });
    if (!box) return false;
    box.checked = checked; on[group][value] = checked; apply();
    return true;
  }
  function visibleIds() {
    return N.filter(function (n, i) { return nodeState[i] !== "hidden"; }).map(function (n) { return n.id; });
  }
  window.driversGraph = {network: network, nodes: nodes, edges: edges, data: DATA, select: select, clear: clear,
                         search: search, find: find, setFilter: setFilter, visibleIds: visibleIds, state: state};
  apply();
  network.once("afterDrawing", function () {
    window.__readyAt = performance.now();
    window.__ready = true;
    document.body.setAttribute("data-ready", "true");
  });
  if (DATA.meta.focus !== null && byId.has(DATA.meta.focus)) select(DATA.meta.focus);
  else network.fit({animation: false});
})();
