/* The drivers-graph explorer: one offline page over the data that graph/web/page.py embeds
 * (or that `drivers serve` sends from its API).
 *
 * Drawn with vis-network (physics off: positions come from the layered layout in Python); the
 * labels are drawn by this script, after vis-network has drawn the shapes, so that at every zoom
 * a label that would cover another gives way by importance (selected > its chain and neighbours
 * > busy nodes). Everything shown as text is set with textContent, never as markup.
 *
 * Test API: window.explorer (see the end of this file).
 */
(function () {
  "use strict";

  var API = document.body.getAttribute("data-api") || "";
  var readyResolve, readyReject;
  var explorer = window.explorer = {
    ready: new Promise(function (resolve, reject) { readyResolve = resolve; readyReject = reject; })
  };
  explorer.ready.catch(function () { /* reported on the page */ });

  function loadData() {
    var inline = JSON.parse(document.getElementById("graph-data").textContent);
    if (inline) return Promise.resolve(inline);
    return fetch(API + "page", {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) {
        if (!r.ok) throw new Error("the server answered " + r.status + " for " + API + "page");
        return r.json();
      });
  }

  loadData().then(start).catch(function (err) {
    var panel = document.getElementById("panel");
    panel.replaceChildren(el("h2", "The graph could not be loaded"), el("p", String(err && err.message || err)));
    readyReject(err);
  });

  // -- small helpers ---------------------------------------------------------------------------
  function el(tag, text, cls) {
    var x = document.createElement(tag);
    if (text !== undefined && text !== null) x.textContent = String(text);
    if (cls) x.className = cls;
    return x;
  }
  function rgba(hex, a) {
    var v = parseInt(hex.slice(1), 16);
    return "rgba(" + (v >> 16 & 255) + "," + (v >> 8 & 255) + "," + (v & 255) + "," + a + ")";
  }
  function short(s, n) {
    s = String(s).replace(/\s+/g, " ").trim();
    return s.length > n ? s.slice(0, n - 1) + "\u2026" : s;
  }
  function cmpStr(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  function fold(s) {
    return String(s).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[\u2018\u2019]/g, "'").replace(/[\u2010-\u2015]/g, "-");
  }
  var STOP = new Set(("a an and are as at be by for from has have in into is it its of on or our s that the their " +
                      "this to was we were which will with").split(" "));
  // words, with a number such as 4.4 or 1.17 kept whole (so "4.4" never matches "QI 6.4")
  function words(s) { return fold(s).match(/[a-z0-9]+(?:\.[0-9]+)*/g) || []; }
  function numberKey(num) {
    return num ? String(num).split(".").map(function (p) { return /^\d+$/.test(p) ? parseInt(p, 10) : 0; }) : [];
  }
  function cmpArr(a, b) {
    for (var k = 0; k < Math.min(a.length, b.length); k++) {
      var c = typeof a[k] === "number" && typeof b[k] === "number" ? a[k] - b[k] : cmpStr(String(a[k]), String(b[k]));
      if (c) return c;
    }
    return a.length - b.length;
  }
  function download(name, blob) {
    var a = el("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  var T = explorer.timings = {};
  function mark(name) { T[name] = Math.round(performance.now()); }
  function start(DATA) {
    mark("data");
    var N = DATA.nodes, E = DATA.edges, byId = new Map(), TYPES = {}, PSHIP = {};
    // unpack what page.py sends compactly: citations by number, labels where they are the title,
    // each link's family and drawing direction from its relation
    var familyOf = {}, REV = new Set(DATA.reversed);
    Object.keys(DATA.families).forEach(function (f) { DATA.families[f].rels.forEach(function (r) { familyOf[r] = f; }); });
    N.forEach(function (n) {
      var c = DATA.cites[n.c]; n.source = c[0]; n.section = c[1];
      if (n.label === undefined) n.label = n.title;
      n.size = Math.min(18, 7 + Math.round(1.6 * Math.sqrt(n.degree)));
    });
    E.forEach(function (e) {
      var c = DATA.cites[e.c]; e.source = c[0]; e.section = c[1];
      e.family = e.inferred ? "inferred" : familyOf[e.rel] || "refer";
      e.rev = REV.has(e.rel);
    });
    var UP = new Set(DATA.upRels), FAM = DATA.families, TIERS = DATA.tiers;
    DATA.types.forEach(function (t) { TYPES[t.name] = t; });
    DATA.partnerships.forEach(function (p) { PSHIP[p.id] = p.title; });
    N.forEach(function (n, i) { n.i = i; byId.set(n.id, i); });
    var outE = N.map(function () { return []; }), inE = N.map(function () { return []; });
    var kids = N.map(function () { return []; });
    E.forEach(function (e, k) { outE[e.f].push(k); inE[e.t].push(k); });
    N.forEach(function (n, i) { if (n.in !== undefined) kids[n.in].push(i); });
    var mainTop = Infinity;
    N.forEach(function (n) { if (!TIERS[n.tier].band) mainTop = Math.min(mainTop, n.y); });
    var tierBox = TIERS.map(function () { return {x0: Infinity, x1: -Infinity, y0: Infinity, y1: -Infinity}; });
    N.forEach(function (n) {
      var b = tierBox[n.tier];
      b.x0 = Math.min(b.x0, n.x); b.x1 = Math.max(b.x1, n.x); b.y0 = Math.min(b.y0, n.y); b.y1 = Math.max(b.y1, n.y);
    });

    // -- naming and citing ---------------------------------------------------------------------
    function docTitle(id) { return DATA.documents[id] || id; }
    function cite(src, section) {
      return docTitle(src) + (src && DATA.documents[src] ? " [" + src + "]" : "") + (section ? ", " + section : "");
    }
    function name(i) { var n = N[i]; return (n.number && n.type === "Driver" ? n.number + " " : "") + n.title; }
    function inferredText(e) {
      return "INFERRED suggestion (score " + Number(e.score).toFixed(2) + ", " + e.method +
             "): not stated in any document";
    }
    function phraseOut(rel) { return DATA.phrases.out[rel] || rel; }
    function phraseIn(rel) { return DATA.phrases["in"][rel] || rel; }
    function tooltip(i) {
      var n = N[i], lines = [n.type + (n.kind ? " (" + n.kind + ")" : "") + ": " + name(i)];
      var body = n.summary || n.text || n.description;
      if (body && body !== n.title) lines.push(short(body, 240));
      if (n.lead) lines.push("Lead: " + n.lead);
      if (n.source) lines.push("Source: " + cite(n.source, n.section));
      return lines.join("\n");  // a plain string: vis-network shows it with innerText
    }

    // -- search --------------------------------------------------------------------------------
    // the tie order of types and what people call a whole type ("SHANARRI": the eight wellbeing
    // indicators), from graph/answers/search.py through the page's data, so the two searches agree
    var TYPE_RANK = DATA.typeRank, TYPE_WORDS = DATA.typeWords;
    function acronym(title) {
      var ws = words(title).filter(function (x) { return !STOP.has(x) && !/^\d/.test(x); });
      return ws.length >= 2 ? ws.map(function (x) { return x[0]; }).join("") : "";
    }
    mark("model");
    var index = null;
    function ensureIndex() { if (!index) index = N.map(indexEntry); return index; }
    function indexEntry(n) {
      var names = [n.title];  // not the label: a drawing's cut of the title, not a name
      if (n.canonical) names.push(n.canonical);
      if (n.short) names.push(n.short);
      if (n.summary_title) names.push(n.summary_title);
      (n.aliases || []).forEach(function (a) { names.push(a); });
      var texts = [n.text, n.summary, n.description].filter(Boolean);
      var ac = [acronym(n.title)].concat((n.aliases || []).map(acronym)).filter(function (a) { return a.length >= 2; });
      return {
        names: names.map(function (s) { return {f: fold(s).trim(), w: words(s)}; }),
        text: words(texts.join(" ")),
        ac: ac, id: n.id.toLowerCase(), number: n.number ? String(n.number).toLowerCase() : ""
      };
    }
    function phraseAt(hay, q) {  // q as whole consecutive words of hay
      outer: for (var s = 0; s + q.length <= hay.length; s++) {
        for (var k = 0; k < q.length; k++) if (hay[s + k] !== q[k]) continue outer;
        return s;
      }
      return -1;
    }
    function allWords(hay, q, prefixLast) {
      var set = new Set(hay);
      return q.every(function (w, k) {
        if (set.has(w)) return true;
        if (prefixLast && k === q.length - 1 && w.length >= 2) return hay.some(function (h) { return h.indexOf(w) === 0; });
        return false;
      });
    }
    function coverage(hay, q) {
      var content = hay.filter(function (w) { return !STOP.has(w); }).length || hay.length || 1;
      var mine = q.filter(function (w) { return !STOP.has(w); }).length || q.length;
      return Math.min(1, mine / content);
    }
    function scoreOf(i, qf, qw) {
      var x = index[i], best = 0;  // ensureIndex() has run
      if (x.id === qf) return 1000;
      if (x.number && x.number === qf) return N[i].type === "Driver" ? 990 : 980;
      var qs = qw.filter(function (w) { return !STOP.has(w); });
      if (!qs.length) qs = qw;
      x.names.forEach(function (nm) {
        var f = nm.f.replace(/^the\s+/, ""), g = qf.replace(/^the\s+/, "");
        if (f === g) { best = Math.max(best, 900); return; }
        if (!qw.length) return;
        var at = phraseAt(nm.w, qw);
        var cov = coverage(nm.w, qs);
        if (at === 0) best = Math.max(best, 800 + 60 * cov);
        else if (at > 0) best = Math.max(best, 700 + 60 * cov);
        else if (allWords(nm.w, qs, false)) best = Math.max(best, 650 + 60 * cov);
        else if (allWords(nm.w, qs, true)) best = Math.max(best, 600 + 60 * cov);
      });
      if (qw.length === 1 && x.ac.indexOf(qw[0]) >= 0) best = Math.max(best, 850);
      if (best) return best;
      if (!qw.length) return 0;
      if ((TYPE_WORDS[N[i].type] || []).indexOf(qw.join(" ")) >= 0) return 520;
      var at = phraseAt(x.text, qw), cov = coverage(x.text, qs);
      if (at >= 0) return 500 + 60 * cov;
      if (allWords(x.text, qs, false)) return 450 + 60 * cov;
      if (allWords(x.text, qs, true)) return 400 + 60 * cov;
      if (qs.length >= 3) {  // a pasted phrase that differs a little: most of its words, whole
        var set = new Set(x.text.concat.apply(x.text, x.names.map(function (nm) { return nm.w; })));
        var hit = qs.filter(function (w) { return set.has(w); }).length / qs.length;
        if (hit >= 0.75) return 200 + 100 * hit;
      }
      return 0;
    }
    /** Ids best first for what an officer typed: titles, numbers, aliases, acronyms, action text. */
    function search(text, limit) {
      var qf = fold(String(text || "")).replace(/\s+/g, " ").trim();
      if (!qf) return [];
      var qw = words(qf), mine = state.partnership, out = [];
      ensureIndex();
      N.forEach(function (n, i) {
        var s = scoreOf(i, qf, qw);
        if (!s) return;
        var p = n.partnership || "";
        var home = !mine ? 1 : p === mine ? 0 : p === "" ? 1 : 2;
        out.push([s, home, n.type === "Driver" && n.number ? 0 : 1, TYPE_RANK.indexOf(n.type), -n.degree,
                  (n.canonical || n.title).length, n.id, i]);
      });
      out.sort(function (a, b) {
        return b[0] - a[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3] || a[4] - b[4] || a[5] - b[5] ||
               cmpStr(a[6], b[6]);
      });
      return out.slice(0, limit || out.length).map(function (s) { return N[s[7]].id; });
    }
    // -- what drives it, what it reaches, the path between two nodes -----------------------------
    // the same walk as graph/answers/why.py (_bfs): breadth first over the "is driven by" relations,
    // edges in (relation, from, to, source) order, never into another partnership's own nodes
    function edgeKey(k) { var e = E[k]; return [e.rel, N[e.f].id, N[e.t].id, e.source]; }
    function byKey(a, b) { return cmpArr(edgeKey(a), edgeKey(b)); }
    var sortedOut = [], sortedIn = [];  // each node's links in walking order, sorted when first walked
    function linksOut(x) { return sortedOut[x] || (sortedOut[x] = outE[x].slice().sort(byKey)); }
    function linksIn(x) { return sortedIn[x] || (sortedIn[x] = inE[x].slice().sort(byKey)); }
    mark("sorted");
    function bfs(startI, scope, reverse, statedOnly) {
      if (statedOnly === undefined && DATA.meta.inferred) {
        var merged = bfs(startI, scope, reverse, false), stated = bfs(startI, scope, reverse, true);
        stated.forEach(function (k, n) { merged.set(n, k); });
        return merged;
      }
      var parent = new Map(), queue = [startI], seen = new Set([startI]);
      for (var q = 0; q < queue.length; q++) {
        var x = queue[q], ks = reverse ? linksIn(x) : linksOut(x);
        for (var j = 0; j < ks.length; j++) {
          var e = E[ks[j]];
          if (!UP.has(e.rel) || statedOnly && e.inferred) continue;
          var nxt = reverse ? e.f : e.t;
          if (seen.has(nxt)) continue;
          var own = N[nxt].own ? N[nxt].partnership : null;
          if (scope && own && own !== scope) continue;
          seen.add(nxt);
          parent.set(nxt, ks[j]);
          queue.push(nxt);
        }
      }
      return parent;  // reached node -> the edge it was reached by
    }
    function treeOf(startI, parent, reverse) {
      var depth = new Map([[startI, 0]]), children = new Map();
      function up(n) { var e = E[parent.get(n)]; return reverse ? e.t : e.f; }
      function d(n) {
        if (depth.has(n)) return depth.get(n);
        var v = d(up(n)) + 1; depth.set(n, v); return v;
      }
      parent.forEach(function (k, n) {
        var p = up(n);
        if (!children.has(p)) children.set(p, []);
        children.get(p).push(n);
        d(n);
      });
      function order(n) {
        var t = DATA.typeOrder.indexOf(N[n].type);
        return [t < 0 ? 99 : t].concat([numberKey(N[n].number).length ? 0 : 1], numberKey(N[n].number),
                                       [depth.get(n), N[n].id]);
      }
      children.forEach(function (list) { list.sort(function (a, b) { return cmpArr(order(a), order(b)); }); });
      return {root: startI, parent: parent, children: children, depth: depth, reverse: reverse, size: parent.size};
    }
    function why(i) { return treeOf(i, bfs(i, N[i].partnership || null, false), false); }
    function impact(i) { return treeOf(i, bfs(i, state.partnership || null, true), true); }
    function pathBetween(a, b) {  // shortest over every stated link, either direction
      if (a === b) return [];
      var prev = new Map([[a, -1]]), queue = [a];
      for (var q = 0; q < queue.length; q++) {
        var x = queue[q];
        var ks = linksOut(x).concat(linksIn(x));
        for (var j = 0; j < ks.length; j++) {
          var e = E[ks[j]], y = e.f === x ? e.t : e.f;
          if (prev.has(y)) continue;
          prev.set(y, ks[j]);
          if (y === b) {
            var steps = [], at = b;
            while (at !== a) { var k = prev.get(at); steps.unshift(k); at = E[k].f === at ? E[k].t : E[k].f; }
            return steps;
          }
          queue.push(y);
        }
      }
      return null;
    }

    // -- state and what is shown -----------------------------------------------------------------
    var state = {selected: null, to: null, partnership: "", depth: DATA.meta.depth || 2,
                 open: {}, category: {}, family: {}, query: "", view: "tree"};
    DATA.types.forEach(function (t) { state.open[t.name] = DATA.meta.closed.indexOf(t.name) < 0; });
    Object.keys(FAM).forEach(function (f) { state.family[f] = true; });
    var ctx = {tree: null, path: null, near: null, roles: new Map(), place: null};
    var TREE_MAX = 80;  // above this many nodes a tree leaves out actions
    var TREE_SIZE = 8;  // the largest shape in a tree (the chosen node's is a third larger)
    ctx.col = 250;  // a tree's column width, in layout units (set for the drawing's size by focusLayout)
    /** A tree's spacing for the drawing's size: the columns share its width (each column's labels
     * get a column's room), the rows its height, so that at the scale that shows the whole tree a
     * label fits between two rows. */
    function spread(pos, cols, rows) {
      var W = container.clientWidth || 1000, H = container.clientHeight || 700;
      var colW = Math.max(100, Math.min(250, (W - 80) / Math.max(1, cols)));
      var rowH = Math.max(20, Math.min(44, (H - 114 - 40) / Math.max(1, rows - 1)));  // frameSelection's margins
      pos.forEach(function (p) { p.x *= colW; p.y *= rowH; });
      ctx.col = colW;
      return pos;
    }
    /** The selection's own drawing: its tree (what drives it, or what it reaches) left to right,
     * or the path to the second node in a line; null when the whole graph is shown. */
    function focusLayout() {
      if (state.view !== "tree" || state.selected === null) return null;
      var pos = new Map();
      if (ctx.path) {
        var at = state.selected;
        pos.set(at, {x: 0, y: 0});
        ctx.path.forEach(function (k, s) { at = E[k].f === at ? E[k].t : E[k].f; pos.set(at, {x: s + 1, y: 0}); });
        return spread(pos, ctx.path.length + 1, 1);
      }
      var tree = ctx.tree;
      if (!tree || !tree.size) return null;
      var next = 0, cols = 1;
      // a large reach leaves out the folded types (actions), but for what the node itself holds
      var lean = tree.size > TREE_MAX;
      ctx.leftOut = 0;
      (function place(i, depth) {
        var ch = (tree.children.get(i) || []).filter(function (c) {
          if (!ctx.roles.has(c)) return false;
          if (lean && depth > 0 && !state.open[N[c].type]) { ctx.leftOut++; return false; }
          return true;
        });
        var y;
        if (!ch.length) { y = next; next++; }
        else {
          var ys = ch.map(function (c) { return place(c, depth + 1); });
          y = (ys[0] + ys[ys.length - 1]) / 2;
        }
        pos.set(i, {x: depth, y: y});
        cols = Math.max(cols, depth + 1);
        return y;
      })(tree.root, 0);
      return spread(pos, cols, next);
    }
    function posOf(i) { return ctx.place && ctx.place.has(i) ? ctx.place.get(i) : N[i]; }

    function passes(i) {  // the hard filters: category, partnership
      var n = N[i];
      if (n.category && state.category[n.category] === false) return false;
      if (state.partnership && n.partnership && n.partnership !== state.partnership) return false;
      return true;
    }
    function near(startI, depth) {
      var dist = new Map([[startI, 0]]), queue = [startI];
      for (var q = 0; q < queue.length; q++) {
        var x = queue[q], d = dist.get(x);
        if (d >= depth) continue;
        var ks = outE[x].concat(inE[x]);
        for (var j = 0; j < ks.length; j++) {
          var e = E[ks[j]], y = e.f === x ? e.t : e.f;
          if (dist.has(y) || !passes(y)) continue;
          // a closed type is entered only next to the selection, so a theme shows its actions
          if (!state.open[N[y].type] && d >= 1) continue;
          dist.set(y, d + 1);
          queue.push(y);
        }
      }
      return dist;
    }
    var REACH_SHOWN = 400;  // nodes of closed types a reach may add to the drawing
    function computeContext() {
      var roles = new Map(), sel = state.selected;
      ctx.tree = ctx.path = ctx.near = null;
      if (sel !== null) {
        ctx.near = near(sel, state.depth);
        ctx.near.forEach(function (d, i) { roles.set(i, d <= 1 ? "near" : "far"); });
        kids[sel].forEach(function (i) { if (passes(i)) roles.set(i, "near"); });
        ctx.tree = N[sel].type === "Action" || N[sel].type === "Finding" ? why(sel) : impact(sel);  // a leaf: what is above it
        var added = 0;
        ctx.tree.parent.forEach(function (k, i) {
          if (!passes(i)) return;
          if (!state.open[N[i].type] && !roles.has(i)) { if (added >= REACH_SHOWN) return; added++; }
          roles.set(i, "chain");
        });
        if (state.to !== null) {
          ctx.path = pathBetween(sel, state.to);
          (ctx.path || []).forEach(function (k) { roles.set(E[k].f, "path"); roles.set(E[k].t, "path"); });
          roles.set(state.to, "path");
        }
        roles.set(sel, "selected");
      }
      ctx.roles = roles;
      ctx.place = focusLayout();
    }
    function shownNode(i) {
      if (ctx.place) return ctx.place.has(i);
      if (!passes(i)) return false;
      return state.open[N[i].type] || ctx.roles.has(i);
    }
    var chainEdges = new Set(), pathEdges = new Set();
    function edgeRole(k) {
      if (pathEdges.has(k)) return "path";
      if (chainEdges.has(k)) return "chain";
      if (state.selected === null) return "";
      var e = E[k];
      if (!ctx.roles.has(e.f) || !ctx.roles.has(e.t)) return "faded";
      return e.f === state.selected || e.t === state.selected ? "near" : "";
    }

    // -- drawing ---------------------------------------------------------------------------------
    function nodeLook(i, role) {
      var n = N[i], c = TYPES[n.type].color, faded = state.selected !== null && !role;
      var border = role === "selected" ? "#000" : role === "path" ? "#000" : role === "chain" ? "#222" : rgba(c, 1);
      if (c === "#F0E442" && !faded && border === rgba(c, 1)) border = "#8a7f00";  // yellow needs an edge on white
      return {
        color: {background: faded ? rgba(c, 0.18) : c, border: faded ? rgba(c, 0.3) : border,
                highlight: {background: c, border: "#000"}, hover: {background: c, border: "#000"}},
        borderWidth: role === "selected" ? 4 : role === "chain" || role === "path" ? 2.5 : 1,
        size: (ctx.place ? Math.min(n.size, TREE_SIZE) : n.size) * (role === "selected" ? 1.35 : 1)
      };
    }
    function edgeLook(k, role) {
      var e = E[k], f = FAM[e.family] || FAM.refer;
      var col = role === "path" ? "#000000" : role === "chain" ? "#D55E00" : f.color;
      var faded = role === "faded";
      return {
        color: {color: faded ? rgba(f.color, 0.10) : rgba(col, role ? 0.95 : 0.55), highlight: col, hover: col},
        width: role === "chain" || role === "path" ? 3 : f.width * (role === "near" ? 1.5 : 1),
        dashes: f.dashes
      };
    }
    function visNode(i, role, update) {
      var n = N[i], p = posOf(i), o = {id: n.id, x: p.x, y: p.y, group: n.type, size: n.size, title: tooltip(i)};
      if (role || update || ctx.place) {  // the usual look comes from the type's group (cheaper for vis-network)
        var look = nodeLook(i, role);
        o.size = look.size; o.color = look.color; o.borderWidth = look.borderWidth;
      }
      return o;
    }
    var groups = {};
    DATA.types.forEach(function (t) {
      var c = t.color, border = c === "#F0E442" ? "#8a7f00" : c;
      groups[t.name] = {shape: t.shape, borderWidth: 1,
                        color: {background: c, border: border, highlight: {background: c, border: "#000"},
                                hover: {background: c, border: "#000"}}};
    });
    function visEdge(k, role) {
      var e = E[k], look = edgeLook(k, role);
      var from = e.rev ? e.t : e.f, to = e.rev ? e.f : e.t;  // arrows from what drives to what is driven
      var phrase = e.rev ? phraseIn(e.rel) : phraseOut(e.rel);
      return {id: k, from: N[from].id, to: N[to].id, color: look.color, width: look.width, dashes: look.dashes,
              title: short(name(from), 70) + "\n  " + phrase + "\n" + short(name(to), 70) + "\n" +
                     (e.inferred ? inferredText(e) : "Source: " + cite(e.source, e.section) +
                      (e.quote ? "\n\u201c" + short(e.quote, 200) + "\u201d" : ""))};
    }
    var nodes = new vis.DataSet(), edges = new vis.DataSet();
    var drawnNode = new Map(), drawnEdge = new Map();  // index -> role drawn
    var container = document.getElementById("graph");
    var network = new vis.Network(container, {nodes: nodes, edges: edges}, {
      physics: false,
      layout: {improvedLayout: false},
      interaction: {hover: true, tooltipDelay: 150, keyboard: false, multiselect: false, dragNodes: false,
                    hideEdgesOnDrag: N.length > 3000, hideEdgesOnZoom: N.length > 3000, zoomSpeed: 0.7},
      nodes: {borderWidth: 1, font: {size: 0}, label: undefined, scaling: {label: {enabled: false}}, fixed: true},
      groups: groups,
      edges: {smooth: false, arrows: {to: {enabled: true, scaleFactor: 0.5}}, selectionWidth: 1, hoverWidth: 0.5}
    });

    function sync() {
      computeContext();
      chainEdges = new Set(); pathEdges = new Set();
      if (ctx.tree) ctx.tree.parent.forEach(function (k) { chainEdges.add(k); });
      if (ctx.path) ctx.path.forEach(function (k) { pathEdges.add(k); });
      var addN = [], updN = [], removeN = [], addE = [], updE = [], removeE = [];
      var want = new Set();
      N.forEach(function (n, i) {
        if (!shownNode(i)) return;
        want.add(i);
        var role = ctx.roles.get(i) || "";
        if (role === "near" || role === "far") role = "ctx";  // in the selection's neighbourhood: drawn as usual
        var p = posOf(i), key = role + "@" + p.x + "," + p.y;
        if (!drawnNode.has(i)) addN.push(visNode(i, role));
        else if (drawnNode.get(i) !== key) updN.push(visNode(i, role, true));
        drawnNode.set(i, key);
      });
      drawnNode.forEach(function (r, i) { if (!want.has(i)) { removeN.push(N[i].id); drawnNode.delete(i); } });
      var wantE = new Set();
      E.forEach(function (e, k) {
        if (!want.has(e.f) || !want.has(e.t) || !state.family[e.family]) return;
        if (ctx.place && !chainEdges.has(k) && !pathEdges.has(k)) return;  // a tree shows its own links only
        wantE.add(k);
        var role = edgeRole(k);
        if (!drawnEdge.has(k)) addE.push(visEdge(k, role));
        else if (drawnEdge.get(k) !== role) updE.push(visEdge(k, role));
        drawnEdge.set(k, role);
      });
      drawnEdge.forEach(function (r, k) { if (!wantE.has(k)) { removeE.push(k); drawnEdge.delete(k); } });
      if (removeE.length) edges.remove(removeE);
      if (removeN.length) nodes.remove(removeN);
      if (addN.length) nodes.add(addN);
      if (updN.length) nodes.update(updN);
      if (addE.length) edges.add(addE);
      if (updE.length) edges.update(updE);
      status(want, wantE);
      renderLegendCounts(want);
    }
    function status(want, wantE) {
      var p = state.partnership ? "; partnership: " + (PSHIP[state.partnership] || state.partnership) : "";
      document.getElementById("status").textContent =
        "Showing " + want.size + " of " + N.length + " nodes and " + wantE.size + " of " + E.length + " links" + p +
        (DATA.meta.edition ? "; numbers from the " + DATA.meta.edition + " edition" : "") + ".";
    }

    // the labels: drawn in screen space after the shapes, the most important first, none over another
    var LABEL_FONT = "12px system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
    var HEAD_FONT = "600 13px system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
    var widths = new Map(), drawn = [], heads = [];
    var SHORT_TIER = ["National", "Local", "Programmes", "Plans", "Themes", "Actions", "Frameworks"];
    var COLUMN = 300;  // px between the layout's columns (graph/web/layout.py)
    function labelFor(c, i, room) {  // the full label where it fits between two columns, else the brief one
      var n = N[i], long = n.label, brief = n.brief || n.label;
      if (!widths.has(long)) widths.set(long, c.measureText(long).width);
      if (widths.get(long) + 8 <= room || ctx.roles.get(i) === "selected") return long;
      if (!widths.has(brief)) widths.set(brief, c.measureText(brief).width);
      return brief;
    }
    function width(c, text) {
      if (!widths.has(text)) widths.set(text, c.measureText(text).width);
      return widths.get(text);
    }
    /** In a tree every column has the same room: a label cut at a word to fit it, unless the cut
     * would read the same as a label already drawn (then the brief label, whole). */
    function fitRoom(c, text, room, seen) {
      if (width(c, text) + 8 <= room) return text;
      var ws = text.replace(/\u2026$/, "").split(" ");
      while (ws.length > 1) {
        ws.pop();
        var cut = ws.join(" ").replace(/[\s,;:\-\u2013]+$/, "") + "\u2026";
        if (width(c, cut) + 8 <= room) return seen.has(cut.toLowerCase()) ? text : cut;
      }
      cut = clipTo(c, text.replace(/\u2026$/, ""), room - 8);  // not even a word fits: cut inside it
      return cut.length > 4 && !seen.has(cut.toLowerCase()) ? cut : text;
    }
    function importance(i) {
      var role = ctx.roles.get(i), n = N[i];
      var base = n.type === "Driver" && n.number ? 3000 : n.type === "Plan" ? 2600 : n.type === "Partnership" ? 2500 :
                 n.type === "Driver" ? 2000 : n.type === "Group" || n.type === "Theme" || n.type === "Outcome" ? 1500 :
                 n.tier === 6 ? 1000 : 800;
      base += Math.min(n.degree, 60) * 10;
      if (state.selected !== null) {
        if (role === "selected") return 1e7;
        if (role === "path") return 5e6 + base;
        if (role === "chain") return 4e6 - (ctx.tree.depth.get(i) || 0) * 1e4 + base;
        if (role === "near") return 3e6 + base;
        if (role === "far") return 2e6 + base;
        return base - 1e5;  // outside the selection's neighbourhood: only where nothing else wants the room
      }
      return base;
    }
    function overlaps(grid, b) {
      var x0 = Math.floor(b.x / 64), x1 = Math.floor((b.x + b.w) / 64), y0 = Math.floor(b.y / 32), y1 = Math.floor((b.y + b.h) / 32);
      for (var gx = x0; gx <= x1; gx++) for (var gy = y0; gy <= y1; gy++) {
        var cell = grid.get(gx + "," + gy);
        if (!cell) continue;
        for (var k = 0; k < cell.length; k++) {
          var o = cell[k];
          if (b.x < o.x + o.w && o.x < b.x + b.w && b.y < o.y + o.h && o.y < b.y + b.h) return true;
        }
      }
      return false;
    }
    function occupy(grid, b) {
      var x0 = Math.floor(b.x / 64), x1 = Math.floor((b.x + b.w) / 64), y0 = Math.floor(b.y / 32), y1 = Math.floor((b.y + b.h) / 32);
      for (var gx = x0; gx <= x1; gx++) for (var gy = y0; gy <= y1; gy++) {
        var key = gx + "," + gy;
        if (!grid.has(key)) grid.set(key, []);
        grid.get(key).push(b);
      }
    }
    function clipTo(c, text, maxw) {  // the text, cut to fit maxw pixels in the current font
      if (c.measureText(text).width <= maxw) return text;
      var lo = 0, hi = text.length;
      while (lo < hi) {
        var mid = (lo + hi + 1) >> 1;
        if (c.measureText(text.slice(0, mid) + "\u2026").width <= maxw) lo = mid; else hi = mid - 1;
      }
      return text.slice(0, lo).replace(/\s+$/, "") + "\u2026";
    }
    /** A tree's caption, bottom left: what it shows (the chosen node in full), then how to read it. */
    function drawCaption(c, grid, W, H) {
      var sel = state.selected, lines;
      if (ctx.path) lines = ["Path: " + name(sel) + " \u2192 " + name(state.to),
                             ctx.path.length + " steps, left to right, each in the panel with its source"];
      else lines = [ctx.tree.reverse ? "What " + name(sel) + " reaches" : "What drives " + name(sel),
                    "Left to right \u00b7 " + ctx.tree.size +
                    (ctx.place.size - 1 < ctx.tree.size ? " (" + (ctx.place.size - 1) + " drawn" +
                     (ctx.leftOut ? "; actions listed in the panel" : "") + ")" : "") +
                    " \u00b7 arrows run from what drives to what is driven"];
      var maxw = Math.max(120, W - 80), y = H - 6 - 20 * lines.length;
      lines.forEach(function (t, k) {
        c.font = k ? LABEL_FONT : HEAD_FONT;
        t = clipTo(c, t, maxw - 12);
        var w = c.measureText(t).width + 12, box = {x: 4, y: y + 20 * k, w: w, h: 20};
        occupy(grid, box);
        heads.push({text: t, x: box.x, y: box.y, w: w, h: 20});
        c.fillStyle = "rgba(255,255,255,0.95)"; c.fillRect(box.x, box.y, w, 20);
        c.fillStyle = "#111"; c.fillText(t, 10, box.y + 14);
      });
      c.font = HEAD_FONT;
    }
    function drawLabels(c) {
      var canvas = c.canvas, ratio = canvas.width / (canvas.clientWidth || 1);
      var W = canvas.clientWidth, H = canvas.clientHeight, scale = network.getScale();
      c.save();
      c.setTransform(ratio, 0, 0, ratio, 0, 0);
      var grid = new Map();
      heads = [];
      c.font = HEAD_FONT;
      var shownPerTier = TIERS.map(function () { return 0; });
      drawnNode.forEach(function (r, i) { shownPerTier[N[i].tier]++; });
      if (ctx.place && state.selected !== null) drawCaption(c, grid, W, H);
      else TIERS.forEach(function (t, k) {
        var b = tierBox[k];
        if (!shownPerTier[k] || b.x0 === Infinity) return;
        var p = network.canvasToDOM({x: b.x0, y: b.y0});
        var count = " \u00b7 " + shownPerTier[k] + (shownPerTier[k] !== t.count ? " of " + t.count : "");
        var top = t.band ? p.y : network.canvasToDOM({x: 0, y: mainTop}).y;  // the main tiers' headings share a line
        var x = Math.max(4, p.x - 12), y0 = top - 22 - 20;
        if (!t.band) y0 = Math.max(25, y0);
        var right = network.canvasToDOM({x: b.x1, y: b.y0}).x + 200 * scale;
        if (x > W || right < 0 || y0 > H - 10 || y0 < -20) return;
        var box = null, text = null;
        [[t.name + count, y0], [t.name + count, y0 - 21], [SHORT_TIER[k] + count, y0], [SHORT_TIER[k] + count, y0 - 21],
         [SHORT_TIER[k] + count, y0 + 21]]
          .some(function (o) {
            var bx = {x: x, y: o[1], w: c.measureText(o[0]).width + 10, h: 20};
            if (overlaps(grid, bx)) return false;
            box = bx; text = o[0]; return true;
          });
        if (!box) return;
        var w = box.w, y = box.y;
        occupy(grid, box);
        heads.push({text: text, x: x, y: y, w: w, h: 20});
        c.fillStyle = "rgba(255,255,255,0.92)"; c.fillRect(x, y, w, 20);
        c.fillStyle = "#111"; c.fillText(text, x + 5, y + 14);
      });
      c.font = LABEL_FONT;
      var cand = [];
      drawnNode.forEach(function (r, i) {
        var p = network.canvasToDOM(posOf(i));
        if (p.x < -320 || p.x > W + 20 || p.y < -20 || p.y > H + 20) return;
        cand.push([importance(i), i, p]);
      });
      cand.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
      var room = (ctx.place ? ctx.col : COLUMN) * scale - 6;  // the width between two columns, on screen
      drawn = [];
      var tried = 0, seen = new Set(), shapes = null;
      if (ctx.place) {  // a tree's shapes, which its labels keep clear of
        shapes = new Map();
        cand.forEach(function (q) {
          var rr = Math.min(N[q[1]].size, TREE_SIZE) * scale + 2;
          occupy(shapes, {x: q[2].x - rr, y: q[2].y - rr, w: 2 * rr, h: 2 * rr});
        });
      }
      for (var k = 0; k < cand.length && tried < 4000; k++, tried++) {
        var i = cand[k][1], p = cand[k][2], n = N[i];
        var r = (ctx.place ? Math.min(n.size, TREE_SIZE) : n.size) * scale * (ctx.roles.get(i) === "selected" ? 1.35 : 1);
        var text = labelFor(c, i, room - r), sel = ctx.roles.get(i) === "selected";
        if (seen.has(text.toLowerCase())) text = n.label;  // a cut reads like this brief one: say it whole
        // in a tree a label may run on over free ground, but is cut at a word where it would cover
        // the next column's shapes
        // the tries, in order: {text, clear: keep off the tree's shapes}
        var tries = [{text: text, clear: !!shapes}];
        if (ctx.place) {
          var cut = fitRoom(c, text, room - r, seen);
          if (cut !== text) tries.push({text: cut, clear: true});
          // the chosen node's label, always (the caption names it in full)
          if (sel) tries.push({text: cut, clear: false});
        }
        var h = 16, placed = null;
        for (var o = 0; o < tries.length && !placed; o++) {
          var w = width(c, tries[o].text) + 8;
          var spots = [{x: p.x + r + 3, y: p.y - h / 2}, {x: p.x - r - 3 - w, y: p.y - h / 2},
                       {x: p.x - w / 2, y: p.y + r + 2}];
          // in a tree, a label too long for the room right of its node may run on above or below
          // the node (the rows leave room), before it is cut short
          if (ctx.place) spots.splice(1, 0, {x: Math.max(2, p.x - r), y: p.y - r - h - 1},
                                      {x: Math.max(2, p.x - r), y: p.y + r + 1});
          for (var s = 0; s < spots.length; s++) {
            var b = {x: spots[s].x, y: spots[s].y, w: w, h: h};
            if (b.x < 0 || b.x + b.w > W || b.y < 0 || b.y + b.h > H) continue;  // whole, or not at all
            if (overlaps(grid, b) || (tries[o].clear && overlaps(shapes, b))) continue;
            placed = b; text = tries[o].text;
            break;
          }
        }
        if (!placed) continue;
        var b = placed;
        occupy(grid, b);
        var faded = state.selected !== null && !ctx.roles.has(i);
        c.fillStyle = faded ? "rgba(255,255,255,0.6)" : "rgba(255,255,255,0.88)";
        c.fillRect(b.x, b.y, b.w, b.h);
        c.fillStyle = faded ? "#8a8a8a" : sel ? "#000" : "#1a1a1a";
        c.fillText(text, b.x + 4, b.y + 12);
        drawn.push({id: n.id, x: b.x, y: b.y, w: b.w, h: b.h, text: text});
        seen.add(text.toLowerCase());
      }
      c.restore();
    }
    network.on("beforeDrawing", function (c) {  // a white ground, so a saved picture is not transparent
      c.save(); c.setTransform(1, 0, 0, 1, 0, 0); c.fillStyle = "#ffffff"; c.fillRect(0, 0, c.canvas.width, c.canvas.height);
      c.restore();
    });
    network.on("afterDrawing", drawLabels);

    // -- the panel -------------------------------------------------------------------------------
    var panel = document.getElementById("panel");
    function nodeButton(i, text) {
      var b = el("button", text === undefined ? name(i) : text, "link");
      b.type = "button";
      b.setAttribute("data-node", N[i].id);
      b.addEventListener("click", function () { go({node: N[i].id}, {focusPanel: true}); });
      return b;
    }
    function typeTag(i) { return el("span", N[i].type + (N[i].kind ? " \u00b7 " + N[i].kind : ""), "tag t-" + N[i].type); }
    function section(title, id) {
      var s = el("section");
      if (id) s.id = id;
      s.appendChild(el("h3", title));
      panel.appendChild(s);
      return s;
    }
    function citeBlock(e) {
      var d = el("div", e.inferred ? inferredText(e) : cite(e.source, e.section), e.inferred ? "cite inferred" : "cite");
      if (e.quote) { var q = el("q", e.quote, "quote"); d.appendChild(el("br")); d.appendChild(q); }
      return d;
    }
    var TREE_LIMIT = 300;
    function renderTree(tree, host) {
      var shown = 0;
      function item(i, depth) {
        var li = el("li");
        li.setAttribute("role", "treeitem");
        var row = el("div", null, "step");
        if (i !== tree.root) {
          var e = E[tree.parent.get(i)];
          row.appendChild(el("span", (tree.reverse ? phraseIn(e.rel) : phraseOut(e.rel)) + " ", "rel"));
          row.appendChild(nodeButton(i));
          row.appendChild(typeTag(i));
          li.appendChild(row);
          li.appendChild(citeBlock(e));
        } else {
          row.appendChild(el("strong", name(i)));
          li.appendChild(row);
        }
        var list = tree.children.get(i);
        if (list && list.length) {
          var ul = el("ul");
          ul.setAttribute("role", "group");
          for (var k = 0; k < list.length; k++) {
            if (shown >= TREE_LIMIT) { ul.appendChild(el("li", "\u2026 " + (tree.size - shown) + " more (see drivers " +
                                                      (tree.reverse ? "impact" : "why") + ")", "hint")); break; }
            shown++;
            ul.appendChild(item(list[k], depth + 1));
          }
          li.appendChild(ul);
        }
        return li;
      }
      var root = el("ul", null, "tree");
      root.setAttribute("role", "tree");
      root.setAttribute("aria-label", tree.reverse ? "What it reaches" : "What drives it");
      root.appendChild(item(tree.root, 0));
      host.appendChild(root);
    }
    function fieldList(i) {
      var n = N[i], dl = el("dl");
      [["Type", n.type + (n.kind ? " (" + n.kind + ")" : "")], ["Number", n.number],
       ["Category", n.category], ["Partnership", n.partnership && (PSHIP[n.partnership] || n.partnership)],
       ["Lead", n.lead], ["Timescale", n.timescale], ["Measure", n.measure],
       ["Years", n.start || n.end ? (n.start || "") + "\u2013" + (n.end || "") : null],
       ["Also known as", (n.aliases || []).join("; ")],
       ["Canonical title", n.canonical], ["Layer", TIERS[n.tier].name], ["Id", n.id]].forEach(function (kv) {
        if (!kv[1]) return;
        dl.appendChild(el("dt", kv[0]));
        dl.appendChild(el("dd", kv[1]));
      });
      return dl;
    }
    function showNode(i) {
      var n = N[i];
      panel.replaceChildren();
      var h = el("h2", name(i), "title");
      h.tabIndex = -1;
      h.id = "panel-title";
      panel.appendChild(h);
      panel.appendChild(fieldList(i));
      [["Summary", n.summary, "summary"], ["Text", n.text !== n.title ? n.text : null, "text"],
       ["Description", n.description, "text"], ["Progress", n.progress, "text"],
       ["Expected outcomes", n.expected, "text"]].forEach(function (t) {
        if (!t[1]) return;
        panel.appendChild(el("h3", t[0]));
        panel.appendChild(el("p", t[1], "text " + t[2]));
      });
      panel.appendChild(el("h3", "Source"));
      var src = el("p", n.source ? cite(n.source, n.section) : "(none recorded)", "source");
      src.id = "panel-source";
      panel.appendChild(src);
      var tree = ctx.tree;
      if (tree) {
        var isWhy = !tree.reverse;
        var s = section(isWhy ? "What drives it (" + tree.size + ")" : "What it reaches (" + tree.size + ")",
                        isWhy ? "why" : "impact");
        if (!tree.size) s.appendChild(el("p", isWhy ? "No stated links lead up from this action." :
                                                      "Nothing is driven by it through stated links.", "hint"));
        else {
          s.appendChild(el("p", isWhy ? "Each step names the document and section that states it (the same answer as " +
                                        "drivers why)." : "Everything it drives, through stated links (drivers impact)" +
                                        (state.partnership ? ", within " + (PSHIP[state.partnership] || state.partnership) : "") + ".",
                           "hint"));
          renderTree(tree, s);
        }
      }
      renderPathFinder(i);
      var links = outE[i].map(function (k) { return {k: k, out: true}; })
        .concat(inE[i].filter(function (k) { return E[k].f !== i; }).map(function (k) { return {k: k, out: false}; }));
      links.forEach(function (l) {
        var e = E[l.k];
        l.other = l.out ? e.t : e.f;
        l.phrase = l.out ? phraseOut(e.rel) : phraseIn(e.rel);
      });
      links.sort(function (a, b) {
        return (a.out === b.out ? 0 : a.out ? -1 : 1) || cmpStr(E[a.k].rel, E[b.k].rel) || cmpStr(name(a.other), name(b.other));
      });
      var ls = section("Links (" + links.length + ")");
      var list = el("ul", null, "plain links");
      links.forEach(function (l) {
        var li = el("li");
        li.appendChild(el("span", l.phrase + " ", "rel"));
        li.appendChild(nodeButton(l.other));
        li.appendChild(citeBlock(E[l.k]));
        list.appendChild(li);
      });
      if (!links.length) list.appendChild(el("li", "No stated links.", "hint"));
      ls.appendChild(list);
      if (kids[i].length) {
        var ks = section("Opens into (" + kids[i].length + ")");
        ks.appendChild(el("p", "Shown in the graph while this is selected.", "hint"));
      }
    }
    function renderPathFinder(i) {
      var s = section("Path to another node", "path");
      var form = el("form", null, "path-form");
      var lab = el("label", "From here to");
      lab.setAttribute("for", "path-to");
      var input = el("input");
      input.id = "path-to"; input.type = "search"; input.placeholder = "a driver, plan or action";
      input.setAttribute("autocomplete", "off");
      var btn = el("button", "Show path"); btn.type = "submit";
      form.appendChild(lab); form.appendChild(input); form.appendChild(btn);
      var hint = el("ul", null, "plain path-hints");
      form.appendChild(hint);
      input.addEventListener("input", function () {
        hint.replaceChildren();
        search(input.value, 5).forEach(function (id) {
          var li = el("li"), b = el("button", N[byId.get(id)].label, "link");
          b.type = "button";
          b.addEventListener("click", function () { go({node: N[i].id, to: id}, {focusPanel: false}); });
          li.appendChild(b); hint.appendChild(li);
        });
      });
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var hit = search(input.value, 1)[0];
        if (hit) go({node: N[i].id, to: hit}, {focusPanel: false});
        else { hint.replaceChildren(el("li", "No node matches \u201c" + input.value + "\u201d.", "hint")); }
      });
      s.appendChild(form);
      if (state.to === null) return;
      var steps = ctx.path;
      if (!steps) { s.appendChild(el("p", "No chain of stated links joins " + name(i) + " and " + name(state.to) + ".", "hint")); return; }
      var ol = el("ol", null, "path-steps");
      var at = i;
      steps.forEach(function (k) {
        var e = E[k], fwd = e.f === at, nxt = fwd ? e.t : e.f, li = el("li");
        li.appendChild(el("span", (fwd ? phraseOut(e.rel) : phraseIn(e.rel)) + " ", "rel"));
        li.appendChild(nodeButton(nxt));
        li.appendChild(citeBlock(e));
        ol.appendChild(li);
        at = nxt;
      });
      s.appendChild(el("p", name(i) + " \u2192 " + name(state.to) + ": " + steps.length + " step" + (steps.length === 1 ? "" : "s") + ".", "hint"));
      s.appendChild(ol);
      var clear = el("button", "Clear the path", "link"); clear.type = "button";
      clear.addEventListener("click", function () { go({node: N[i].id}, {}); });
      s.appendChild(clear);
    }
    function showOverview(message) {
      panel.replaceChildren();
      var h = el("h2", message ? message : "Start here", "title");
      h.tabIndex = -1; h.id = "panel-title";
      panel.appendChild(h);
      if (message) panel.appendChild(el("p", "Try a word from the title, a number such as 1.17, an acronym such as CIG, " +
                                             "or a phrase from an action's text.", "hint"));
      panel.appendChild(el("p", "Search above for an action, a driver or a UNCRC article, or pick one below. Drivers are " +
                                "on the left, what they drive to the right; select an action to see what drives it, " +
                                "step by step, with the document that states each link.", "hint intro"));
      renderAskBox();
      var cats = {};
      N.forEach(function (n, i) {
        if (n.type === "Driver" && n.number && n.category && passes(i)) (cats[n.category] = cats[n.category] || []).push(i);
      });
      var catNames = {national: "National drivers", local: "Local drivers", improvement: "Improvement programmes",
                      governance: "Governance, planning and delivery"};
      var s = section("The drivers document" + (DATA.meta.edition ? " (" + DATA.meta.edition + " edition)" : ""), "overview");
      Object.keys(catNames).forEach(function (c) {
        if (!cats[c]) return;
        cats[c].sort(function (a, b) { return cmpArr(numberKey(N[a].number), numberKey(N[b].number)); });
        var d = el("details");
        d.appendChild(el("summary", catNames[c] + " (" + cats[c].length + ")"));
        var ul = el("ul", null, "plain");
        cats[c].forEach(function (i) { var li = el("li"); li.appendChild(nodeButton(i)); ul.appendChild(li); });
        d.appendChild(ul);
        s.appendChild(d);
      });
      var plans = N.filter(function (n, i) { return n.type === "Plan" && passes(i); });
      if (plans.length) {
        var ps = section("Plans (" + plans.length + ")", "plans");
        var ul = el("ul", null, "plain");
        plans.sort(function (a, b) { return cmpStr(a.title, b.title); }).forEach(function (n) {
          var reach = 0;
          bfs(n.i, null, true, true).forEach(function (k, j) { if (N[j].type === "Action") reach++; });
          var li = el("li"); li.appendChild(nodeButton(n.i));
          li.appendChild(el("span", " " + reach + (reach === 1 ? " action" : " actions"), "count"));
          ul.appendChild(li);
        });
        ps.appendChild(ul);
      }
    }

    // -- "What drives this?": pasted text to its action, or (with drivers serve) suggestions ----------
    function normText(s) { return fold(s).replace(/["\u201c\u201d]/g, "").replace(/\s+/g, " ").trim(); }
    /** The actions a pasted text is, best first: as graph/answers/why.py's find, a phrase found in an
     * action's title or text (the larger its share, the better), else 80% of 3 or more words. */
    function findActions(text) {
      var q = normText(text), qw = words(q), out = [];
      if (!q) return out;
      N.forEach(function (n, i) {
        if (n.type !== "Action") return;
        if (state.partnership && n.partnership && n.partnership !== state.partnership) return;
        var fields = [n.title, n.text].filter(Boolean).map(normText), best = 0;
        fields.forEach(function (f) { if (f.indexOf(q) >= 0) best = Math.max(best, 1 + q.length / f.length); });
        if (!best && qw.length >= 3) {
          var have = new Set(words(fields.join(" ")));
          var share = qw.filter(function (w) { return have.has(w); }).length / qw.length;
          if (share >= 0.8) best = share;
        }
        if (best) out.push([best, n.id, i]);
      });
      out.sort(function (a, b) { return b[0] - a[0] || cmpStr(a[1], b[1]); });
      // one clear winner: the only action holding the phrase, or one holding it as a much larger share
      var holders = out.filter(function (r) { return r[0] >= 1; });
      out.clear = out.length === 1 || holders.length === 1 ||
                  holders.length > 1 && holders[0][0] - 1 >= 2 * (holders[1][0] - 1);
      return out;
    }
    var askText = "";
    function renderAskBox() {
      var s = section("What drives this?", "ask-box");
      var form = el("form", null, "ask-form");
      var lab = el("label", "Paste an action from a plan, or describe a new one");
      lab.setAttribute("for", "ask");
      var area = el("textarea");
      area.id = "ask"; area.rows = 3; area.value = askText;
      var btn = el("button", "What drives this?"); btn.type = "submit";
      form.appendChild(lab); form.appendChild(area); form.appendChild(btn);
      form.addEventListener("submit", function (ev) { ev.preventDefault(); ask(area.value); });
      s.appendChild(form);
      var out = el("div"); out.id = "ask-result"; out.setAttribute("aria-live", "polite");
      s.appendChild(out);
    }
    function askResult() {  // the box's answer area, on the start panel (shown again if a node is selected)
      if (!document.getElementById("ask-result")) go({node: null, to: null}, {});
      return document.getElementById("ask-result");
    }
    function showChoices(list, text) {
      var out = askResult();
      out.replaceChildren(el("p", "Several actions match \u201c" + short(text, 80) + "\u201d; choose one:", "hint"));
      var ul = el("ul", null, "plain");
      list.forEach(function (c) {
        var i = byId.get(c.id !== undefined ? c.id : c);
        if (i === undefined) return;
        var li = el("li"); li.appendChild(nodeButton(i)); li.appendChild(el("span", " " + context(i), "cite"));
        ul.appendChild(li);
      });
      out.appendChild(ul);
    }
    function suggestionRows(sugg) {  // a list, or {type: [...]} groups, as drivers suggest --format json gives them
      if (Array.isArray(sugg)) return sugg;
      var rows = [];
      Object.keys(sugg || {}).forEach(function (k) { if (Array.isArray(sugg[k])) rows = rows.concat(sugg[k]); });
      return rows;
    }
    function showSuggestions(sugg, text, note) {
      var out = askResult(), rows = suggestionRows(sugg);
      out.replaceChildren(el("p", "No action in the graph is \u201c" + short(text, 80) + "\u201d. " +
                                  (rows.length ? "Suggested links, best first \u2014 INFERRED from the words, not stated " +
                                                 "in any document; check each before you accept it:" :
                                                 note || "No confident suggestion."), rows.length ? "hint inferred-note" : "hint"));
      var ol = el("ol", null, "suggestions");
      rows.forEach(function (r) {
        var li = el("li"), i = byId.get(r.id);
        li.appendChild(i === undefined ? el("span", r.title || r.id) : nodeButton(i));
        li.appendChild(el("span", (r.type || "") + (r.score !== undefined ? " \u00b7 score " + Number(r.score).toFixed(2) : ""), "tag"));
        li.appendChild(el("span", "inferred", "tag inferred"));
        var ev = r.evidence;
        if (ev) li.appendChild(el("div", Array.isArray(ev) ? ev.map(function (x) { return typeof x === "string" ? x : JSON.stringify(x); })
                                                               .join("; ") : typeof ev === "string" ? ev : JSON.stringify(ev), "cite"));
        ol.appendChild(li);
      });
      out.appendChild(ol);
    }
    /** "What drives this?" for pasted text: the answer shown, as a Promise of {kind, ...}. */
    function ask(text) {
      text = String(text || "");
      askText = text;
      var area = document.getElementById("ask");
      if (area && area.value !== text) area.value = text;
      if (!text.trim()) return Promise.resolve({kind: "empty"});
      if (API) {
        return fetch(API + "ask?q=" + encodeURIComponent(text) + (state.partnership ? "&partnership=" +
                     encodeURIComponent(state.partnership) : ""), {headers: {"Accept": "application/json"}})
          .then(function (r) { return r.json().then(function (body) { return {ok: r.ok, status: r.status, body: body}; }); })
          .then(function (r) {
            var b = r.body || {};
            if (!r.ok) { showSuggestions([], text, "The server answered " + r.status + ": " + (b.message || b.error || "")); return {kind: "error", status: r.status}; }
            if (b.kind === "why" && b.why && b.why.action && byId.has(b.why.action.id)) {
              go({node: b.why.action.id}, {focusPanel: true});
              return {kind: "why", id: b.why.action.id, drivers: (b.why.drivers || []).length};
            }
            if (b.kind === "choose") { showChoices(b.candidates || [], text); return {kind: "choose", candidates: (b.candidates || []).map(function (c) { return c.id; })}; }
            showSuggestions(b.suggestions, text);
            return {kind: "suggest", suggestions: suggestionRows(b.suggestions).map(function (s) { return s.id; })};
          });
      }
      var found = findActions(text), hits = found.map(function (r) { return r[2]; });
      if (hits.length && found.clear) {
        go({node: N[hits[0]].id}, {focusPanel: true});
        return Promise.resolve({kind: "why", id: N[hits[0]].id, drivers: ctx.tree ? ctx.tree.size : 0});
      }
      if (hits.length > 1) {
        showChoices(hits.slice(0, 12).map(function (i) { return N[i].id; }), text);
        return Promise.resolve({kind: "choose", candidates: hits.slice(0, 12).map(function (i) { return N[i].id; })});
      }
      showSuggestions([], text, "Suggestions for new text come from drivers serve (or, at a terminal, drivers suggest " +
                                "\u201c\u2026\u201d); this offline page answers only for actions in the graph.");
      return Promise.resolve({kind: "suggest", suggestions: []});
    }

    // -- selecting, framing, the address ---------------------------------------------------------
    /** Show these nodes whole, with room for their labels to the right and the headings above. */
    function frameIdx(list, maxScale, right, top, bottom) {
      if (!list.length) return;
      right = right || 200;  // layout units kept free right of the last column, for its labels
      top = top === undefined ? 60 : top;  // screen pixels kept free above (the tiers' headings) ...
      bottom = bottom === undefined ? 10 : bottom;  // ... and below (a tree's caption)
      var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
      list.forEach(function (i) {
        var p = posOf(i);
        x0 = Math.min(x0, p.x); x1 = Math.max(x1, p.x); y0 = Math.min(y0, p.y); y1 = Math.max(y1, p.y);
      });
      var W = container.clientWidth || 1, H = container.clientHeight || 1;
      var bw = x1 - x0 + 40 + right, bh = y1 - y0 + 40;
      var s = Math.min(maxScale || 1.1, (W - 40) / bw, (H - top - bottom) / bh);
      s = Math.max(0.03, s);
      var cx = (x0 + x1) / 2 + right / 2, cy = (y0 + y1) / 2 - (top - bottom) / 2 / s;
      network.moveTo({position: {x: cx, y: cy}, scale: s, animation: false});
    }
    function frame(ids) { frameIdx(ids.map(function (id) { return byId.get(id); }), 1.1); }
    function fitShown() {
      var list = []; drawnNode.forEach(function (r, i) { list.push(i); });
      frameIdx(list, 1.1);
    }
    function frameSelection() {
      if (ctx.place) {  // a tree: its last column's labels get a column's room, like the others
        var all = []; ctx.place.forEach(function (p, i) { all.push(i); }); frameIdx(all, 1.0, ctx.col + 20, 56, 58); return;  // below the buttons, above the caption
      }
      var ids = [];
      ctx.roles.forEach(function (r, i) { if (r !== "far" && drawnNode.has(i)) ids.push(N[i].id); });
      frame(ids.length ? ids : [N[state.selected].id]);
    }
    function hashOf(s) {
      var parts = [];
      if (s.node) parts.push("node=" + encodeURIComponent(s.node));
      if (s.to) parts.push("to=" + encodeURIComponent(s.to));
      if (s.p) parts.push("p=" + encodeURIComponent(s.p));
      if (s.q && !s.node) parts.push("q=" + encodeURIComponent(s.q));
      if (s.node && s.view === "graph") parts.push("view=graph");
      return parts.length ? "#" + parts.join("&") : "";
    }
    function parseHash(h) {
      var out = {};
      String(h || "").replace(/^#/, "").split("&").forEach(function (kv) {
        if (!kv) return;
        var i = kv.indexOf("="), k = i < 0 ? kv : kv.slice(0, i), v = i < 0 ? "" : kv.slice(i + 1);
        try { out[k] = decodeURIComponent(v.replace(/\+/g, " ")); } catch (err) { out[k] = v; }
      });
      return out;
    }
    function current() {
      return {node: state.selected === null ? null : N[state.selected].id, to: state.to === null ? null : N[state.to].id,
              p: state.partnership || null, q: state.query || null, view: state.view};
    }
    /** Move to a state (node, to, p, q, view): show it now, and record it in the address, so Back and
     * Forward step through the states and the address can be shared. */
    function go(s, opts) {
      var next = Object.assign(current(), {node: null, to: null, q: null, view: "tree"}, s);
      if (next.p === undefined) next.p = state.partnership || null;
      apply(next, opts || {});
      var h = hashOf(current());
      if (h !== location.hash && !(h === "" && (location.hash === "" || location.hash === "#"))) {
        try { history.pushState(null, "", h || location.pathname + location.search); }
        catch (err) { location.hash = h; }  // where pushState is refused, a plain hash change does it
      }
    }
    function apply(s, opts) {
      opts = opts || {};
      state.partnership = s.p && PSHIP[s.p] !== undefined ? s.p : "";
      document.getElementById("partnership").value = state.partnership;
      var i = s.node !== null && s.node !== undefined ? byId.get(s.node) : undefined;
      if (i === undefined && s.node) {  // a number or alias in the address: resolve as a search would
        var hit = search(s.node, 1)[0];
        i = hit === undefined ? undefined : byId.get(hit);
      }
      state.selected = i === undefined ? null : i;
      var t = s.to ? byId.get(s.to) : undefined;
      state.to = state.selected !== null && t !== undefined ? t : null;
      state.query = s.q || "";
      state.view = s.view === "graph" ? "graph" : "tree";
      viewButton();
      network.unselectAll();  // the look of the selection is drawn here, not by vis-network
      sync();
      if (state.selected !== null) {
        showNode(state.selected);
        if (opts.move !== false) frameSelection();
      } else if (s.q) {
        var hits = search(s.q, 1);
        showOverview(hits.length ? null : "No match for \u201c" + s.q + "\u201d");
        if (opts.move !== false) fitShown();
      } else {
        showOverview();
        if (opts.move !== false) fitShown();
      }
      panel.scrollTop = 0;
      if (opts.focusPanel) {
        var h = document.getElementById("panel-title");
        if (h) h.focus({preventScroll: true});
      }
      network.redraw();
    }
    function fromAddress() {  // Back, Forward, or an address typed or pasted
      var s = parseHash(location.hash);
      if (hashOf(s) !== hashOf(current())) {
        closeList();  // the search's suggestions belong to what was typed, not to the new view
        apply(s, {});
      }
    }
    window.addEventListener("popstate", fromAddress);
    window.addEventListener("hashchange", fromAddress);

    // -- the search box with suggestions ---------------------------------------------------------
    var box = document.getElementById("search"), list = document.getElementById("suggestions"), active = -1, offered = [];
    function context(i) {
      var n = N[i], bits = [n.type];
      if (n.in !== undefined) bits.push("in " + short(N[n.in].label, 40));
      if (n.partnership) bits.push(PSHIP[n.partnership] || n.partnership);
      return bits.join(" \u00b7 ");
    }
    function suggest() {
      offered = search(box.value, 8);
      list.replaceChildren();
      active = -1;
      if (!box.value.trim()) { list.hidden = true; box.setAttribute("aria-expanded", "false"); return; }
      if (!offered.length) {
        list.appendChild(el("li", "No match", "none"));
      }
      offered.forEach(function (id, k) {
        var i = byId.get(id), li = el("li");
        li.id = "sugg-" + k;
        li.setAttribute("role", "option");
        li.appendChild(el("span", N[i].label, "s-label"));
        li.appendChild(el("span", context(i), "s-context"));
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(id); });
        list.appendChild(li);
      });
      list.hidden = false;
      box.setAttribute("aria-expanded", "true");
    }
    function highlight(k) {
      active = k;
      Array.prototype.forEach.call(list.children, function (li, j) { li.setAttribute("aria-selected", j === k ? "true" : "false"); });
      if (k >= 0) box.setAttribute("aria-activedescendant", "sugg-" + k); else box.removeAttribute("aria-activedescendant");
    }
    function closeList() { list.hidden = true; box.setAttribute("aria-expanded", "false"); highlight(-1); }
    function choose(id) { closeList(); go({node: id}, {focusPanel: true}); }
    /** Runs a search as the Find button does: the best match is selected; none clears the selection. */
    function find(text) {
      var hits = search(text, 1);
      closeList();
      if (hits.length) go({node: hits[0]}, {focusPanel: true});
      else go({q: String(text)}, {});
      return hits[0] || null;
    }
    box.addEventListener("input", suggest);
    box.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown" && offered.length) { ev.preventDefault(); highlight(Math.min(offered.length - 1, active + 1)); }
      else if (ev.key === "ArrowUp" && offered.length) { ev.preventDefault(); highlight(Math.max(-1, active - 1)); }
      else if (ev.key === "Escape") { if (!list.hidden) { ev.stopPropagation(); closeList(); } }
      else if (ev.key === "Enter" && active >= 0) { ev.preventDefault(); choose(offered[active]); }
    });
    box.addEventListener("blur", function () { setTimeout(closeList, 150); });
    document.getElementById("search-form").addEventListener("submit", function (ev) { ev.preventDefault(); find(box.value); });

    // -- filters, legend and controls ------------------------------------------------------------
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
      shape.setAttribute("stroke", t.color === "#F0E442" ? "#8a7f00" : t.color);
      svg.appendChild(shape);
      return svg;
    }
    function lineSample(f) {
      var ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg");
      svg.setAttribute("width", "30"); svg.setAttribute("height", "10"); svg.setAttribute("aria-hidden", "true");
      var line = document.createElementNS(ns, "line");
      [["x1", 1], ["y1", 5], ["x2", 24], ["y2", 5]].forEach(function (a) { line.setAttribute(a[0], a[1]); });
      line.setAttribute("stroke", f.color); line.setAttribute("stroke-width", Math.max(1.5, f.width));
      if (f.dashes) line.setAttribute("stroke-dasharray", f.dashes.join(" "));
      var head = document.createElementNS(ns, "polygon");
      head.setAttribute("points", "23,1 29,5 23,9"); head.setAttribute("fill", f.color);
      svg.appendChild(line); svg.appendChild(head);
      return svg;
    }
    var countCells = {};
    function checkbox(group, value, label, count, sw, checked, onChange) {
      var lab = el("label"), b = el("input");
      b.type = "checkbox"; b.checked = checked;
      b.setAttribute("data-filter", group); b.value = value;
      b.addEventListener("change", function () { onChange(b.checked); });
      lab.appendChild(b);
      if (sw) lab.appendChild(sw);
      lab.appendChild(el("span", label));
      var cnt = el("span", count, "count");
      lab.appendChild(cnt);
      document.getElementById("f-" + group).appendChild(lab);
      return cnt;
    }
    function refilter() { sync(); if (state.selected === null) { showOverview(); fitShown(); } else { showNode(state.selected); frameSelection(); } network.redraw(); }
    DATA.types.forEach(function (t) {
      countCells[t.name] = checkbox("type", t.name, t.name, t.count, swatch(t), state.open[t.name], function (on) {
        state.open[t.name] = on; refilter();
      });
    });
    var closedNote = DATA.meta.closed.length ? DATA.meta.closed.join(", ") + ": folded into their plans and themes " +
                     "at first; select a plan or theme to open them, or tick to show all." : "";
    document.getElementById("closed-hint").textContent = closedNote;
    Object.keys(FAM).forEach(function (f) {
      var used = E.some(function (e) { return e.family === f; });
      if (!used) return;
      checkbox("links", f, FAM[f].label, "", lineSample(FAM[f]), true, function (on) { state.family[f] = on; refilter(); });
    });
    var catNames = {national: "National drivers", local: "Local drivers", improvement: "Improvement programmes",
                    governance: "Governance, planning and delivery"};
    DATA.categories.forEach(function (c) {
      checkbox("category", c.name, catNames[c.name] || c.name, c.count, null, true, function (on) { state.category[c.name] = on; refilter(); });
    });
    if (!DATA.categories.length) document.getElementById("f-category").hidden = true;
    var sel = document.getElementById("partnership");
    var all = el("option", "All partnerships"); all.value = ""; sel.appendChild(all);
    DATA.partnerships.forEach(function (p) {
      if (!p.id) return;
      var o = el("option", p.title + " (" + p.count + ")"); o.value = p.id; sel.appendChild(o);
    });
    sel.addEventListener("change", function () {
      var s = current(); s.p = sel.value || null;
      if (s.node && sel.value) {  // a node of another partnership is left
        var n = N[byId.get(s.node)];
        if (n.partnership && n.partnership !== sel.value) { s.node = null; s.to = null; }
      }
      go(s, {});
    });
    var fp = document.getElementById("f-partnership");
    DATA.partnerships.forEach(function (p) {
      var row = el("div", null, "prow");
      row.appendChild(el("span", p.title));
      row.appendChild(el("span", p.count, "count"));
      fp.appendChild(row);
    });
    function renderLegendCounts(want) {
      var shown = {};
      want.forEach(function (i) { shown[N[i].type] = (shown[N[i].type] || 0) + 1; });
      DATA.types.forEach(function (t) {
        var s = shown[t.name] || 0;
        countCells[t.name].textContent = s === t.count ? String(t.count) : s + " of " + t.count;
      });
    }
    document.getElementById("page-title").textContent = DATA.meta.title;
    var depthBox = document.getElementById("depth");
    depthBox.value = String(state.depth);
    depthBox.addEventListener("change", function () {
      var v = parseInt(depthBox.value, 10);
      if (v >= 1 && v <= 9) { state.depth = v; refilter(); }
    });
    function zoomBy(f) {
      network.moveTo({scale: Math.max(0.05, Math.min(4, network.getScale() * f)), animation: false});
    }
    var viewToggle = document.getElementById("view-toggle"), clearButton = document.getElementById("clear");
    function viewButton() {
      var sel = state.selected !== null;
      clearButton.hidden = !sel;
      viewToggle.hidden = !sel;
      viewToggle.textContent = state.view === "tree" ? "Show in the whole graph" : "Show as a tree";
    }
    viewToggle.addEventListener("click", function () {
      var s = current(); s.view = state.view === "tree" ? "graph" : "tree"; go(s, {});
    });
    clearButton.addEventListener("click", function () { go({node: null, to: null}, {}); box.focus(); });
    document.getElementById("zoom-in").addEventListener("click", function () { zoomBy(1.25); });
    document.getElementById("zoom-out").addEventListener("click", function () { zoomBy(0.8); });
    document.getElementById("fit").addEventListener("click", fitShown);
    var app = document.getElementById("app");
    function toggle(cls, buttonId) {
      var b = document.getElementById(buttonId);
      app.classList.toggle(cls);
      b.setAttribute("aria-expanded", app.classList.contains(cls) ? "false" : "true");
      setTimeout(function () { network.redraw(); }, 0);
    }
    document.getElementById("toggle-side").addEventListener("click", function () { toggle("no-side", "toggle-side"); });
    document.getElementById("toggle-panel").addEventListener("click", function () { toggle("no-panel", "toggle-panel"); });
    if (window.innerWidth < 1200) { app.classList.add("no-side"); document.getElementById("toggle-side").setAttribute("aria-expanded", "false"); }
    function csvCell(v) {
      var s = v === undefined || v === null ? "" : String(v);
      if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;  // a spreadsheet would run it as a formula
      return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    }
    function shownCsv() {
      var cols = ["id", "type", "number", "label", "title", "partnership", "layer", "source", "section"];
      var rows = [cols.join(",")];
      var ids = []; drawnNode.forEach(function (r, i) { ids.push(i); });
      ids.sort(function (a, b) { return cmpStr(N[a].id, N[b].id); });
      ids.forEach(function (i) {
        var n = N[i];
        rows.push([n.id, n.type, n.number, n.label, n.title, n.partnership, TIERS[n.tier].name, n.source, n.section]
                    .map(csvCell).join(","));
      });
      return rows.join("\r\n") + "\r\n";
    }
    document.getElementById("export-csv").addEventListener("click", function () {
      download("drivers-graph-nodes.csv", new Blob([shownCsv()], {type: "text/csv;charset=utf-8"}));
    });
    document.getElementById("export-png").addEventListener("click", function () {
      container.querySelector("canvas").toBlob(function (b) { download("drivers-graph.png", b); }, "image/png");
    });
    document.getElementById("print").addEventListener("click", function () { window.print(); });
    var before = null;
    window.addEventListener("beforeprint", function () {
      before = {scale: network.getScale(), pos: network.getViewPosition()};
      network.setSize("100%", "100%"); network.redraw(); fitShown();
    });
    window.addEventListener("afterprint", function () {
      if (before) network.moveTo({scale: before.scale, position: before.pos, animation: false});
    });

    // keyboard: "/" finds; on the drawing, arrows move, + and - zoom, 0 fits; Escape clears
    document.addEventListener("keydown", function (ev) {
      var typing = /^(INPUT|SELECT|TEXTAREA)$/.test(ev.target.tagName);
      if (ev.key === "/" && !typing) { ev.preventDefault(); box.focus(); box.select(); return; }
      if (ev.key === "Escape" && !typing && state.selected !== null) { go({node: null, to: null}, {}); return; }
      if (ev.target !== container) return;
      var step = 80, pos = network.getViewPosition(), s = network.getScale();
      var moves = {ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step]};
      if (moves[ev.key]) {
        ev.preventDefault();
        network.moveTo({position: {x: pos.x + moves[ev.key][0] / s, y: pos.y + moves[ev.key][1] / s}, animation: false});
      } else if (ev.key === "+" || ev.key === "=") { ev.preventDefault(); zoomBy(1.25); }
      else if (ev.key === "-" || ev.key === "_") { ev.preventDefault(); zoomBy(0.8); }
      else if (ev.key === "0") { ev.preventDefault(); fitShown(); }
    });
    network.on("click", function (p) {
      if (p.nodes.length) go({node: p.nodes[0]}, {move: false});
      else if (!p.edges.length && state.selected !== null) go({node: null}, {move: false});
    });
    window.addEventListener("resize", function () { network.redraw(); });

    // -- the test API ----------------------------------------------------------------------------
    function treeJson(t) {
      if (!t) return null;
      var out = [];
      t.parent.forEach(function (k, i) {
        var e = E[k];
        out.push({id: N[i].id, from: N[e.f].id, rel: e.rel, to: N[e.t].id, source: e.source, section: e.section,
                  depth: t.depth.get(i)});
      });
      out.sort(function (a, b) { return a.depth - b.depth || cmpStr(a.id, b.id); });
      return out;
    }
    Object.assign(explorer, {
      network: network, data: DATA,
      search: function (text) { return search(text); },
      find: find,
      select: function (id) {
        if (id === null || id === undefined) { go({node: null, to: null}, {}); return true; }
        if (!byId.has(id)) return false;
        go({node: id}, {focusPanel: true});
        return true;
      },
      selected: function () { return state.selected === null ? null : N[state.selected].id; },
      labels: function () {
        var r = container.querySelector("canvas").getBoundingClientRect();
        return drawn.map(function (b) { return {id: b.id, x: b.x + r.left, y: b.y + r.top, w: b.w, h: b.h, text: b.text}; });
      },
      positions: function () { var out = {}; N.forEach(function (n) { out[n.id] = {x: n.x, y: n.y}; }); return out; },
      tier: function (id) { var i = byId.get(id); return i === undefined ? null : N[i].tier; },
      shown: function () { var out = []; drawnNode.forEach(function (r, i) { out.push(N[i].id); }); return out.sort(); },
      why: function (id) { var i = byId.get(id); return i === undefined ? null : treeJson(why(i)); },
      impact: function (id) { var i = byId.get(id); return i === undefined ? null : treeJson(impact(i)); },
      path: function (a, b) {
        var i = byId.get(a), j = byId.get(b);
        if (i === undefined || j === undefined) return null;
        var p = pathBetween(i, j);
        return p && p.map(function (k) { return {from: N[E[k].f].id, rel: E[k].rel, to: N[E[k].t].id}; });
      },
      setPartnership: function (p) { sel.value = p || ""; sel.dispatchEvent(new Event("change")); },
      setType: function (t, on) {
        var b = document.querySelector("input[data-filter='type'][value='" + t + "']");
        if (!b) return false;
        if (b.checked !== on) b.click();
        return true;
      },
      csv: shownCsv,
      ask: ask,
      heads: function () { return heads.slice(); }
    });

    // -- first view ------------------------------------------------------------------------------
    var first = parseHash(location.hash);
    if (!first.node && DATA.meta.focus) first.node = DATA.meta.focus;
    apply(first, {});
    mark("applied");
    network.once("afterDrawing", function () {
      mark("drawn");
      window.__readyAt = performance.now();
      window.__ready = true;
      document.body.setAttribute("data-ready", "true");
      readyResolve(explorer);
      setTimeout(ensureIndex, 0);  // the search index, once the first view is up
    });
    network.redraw();
  }
})();
