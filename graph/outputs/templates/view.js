/* IKZ-Graph network view: draws the picture from the JSON block #ikz-data with vis-network.
 * Texts from the data are only ever set as text (textContent, option.value), never parsed as
 * HTML. Positions come from the data; physics is off, so nothing moves by itself.
 * Fast first draw for thousands of nodes: styles, quotes and facet sets come once in tables
 * (data.styles, data.quotes, data.facets); tooltips are built only when one is shown; the
 * filters run at start only when the browser restored an unchecked box. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("ikz-data").textContent);
  var T = data.texts;
  var FONT = data.font;
  var container = document.getElementById("ikz-network");
  var nodeById = {};
  var edgeById = {};
  function resolveItems(info) {
    (info.items || []).forEach(function (item) { item.facets = data.facets[item.f]; });
  }
  data.nodes.forEach(function (n) {
    nodeById[n.id] = n;
    n.facets = data.facets[n.f];
    n.requires = n.requires || [];
  });
  data.edges.forEach(function (e) {
    edgeById[e.id] = e;
    e.facets = data.facets[e.f];
    e.info.items = e.info.items || [];
    e.width_scale = e.width_scale || 1.0;
    resolveItems(e.info);
  });

  function el(tag, className, text) {
    var element = document.createElement(tag);
    if (className) { element.className = className; }
    if (text !== undefined && text !== null) { element.textContent = String(text); }
    return element;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return String(values[key]); });
  }

  function sharedText(count) {
    return count === 1 ? T.shared_one : fill(T.shared_many, { n: count });
  }

  /* --- what a node or edge is, and on whose word ------------------------------------------ */

  function appendFacts(parent, facts) {
    if (!facts || !facts.length) { return; }
    var list = el("dl");
    facts.forEach(function (fact) {
      list.appendChild(el("dt", null, fact[0]));
      list.appendChild(el("dd", null, fact[1]));
    });
    parent.appendChild(list);
  }

  /* The hover tooltip is compact (the listed cooperations show only a few facts); the details
   * panel shows everything. Quotes are always shown in full. */
  function infoElement(info, items, title, compact) {
    var root = el("div", "ikz-tip");
    var quotes = [];
    var sources = [];
    function ref(quote) {
      for (var i = 0; i < quotes.length; i++) {
        var q = quotes[i];
        if (q.text === quote.text && q.source === quote.source && q.line === quote.line) { return i + 1; }
      }
      quotes.push(quote);
      return quotes.length;
    }
    function appendRefs(parent, list) {
      if (!list || !list.length) { return; }
      var numbers = list.map(function (q) { return "[" + ref(data.quotes[q]) + "]"; });
      parent.appendChild(el("div", "tip-refs", T.evidence + ": " + numbers.join(" ")));
    }
    function addSources(list) {
      (list || []).forEach(function (s) { if (sources.indexOf(s) < 0) { sources.push(s); } });
    }
    root.appendChild(el("div", "tip-kind", info.kind));
    root.appendChild(el("div", "tip-title", title || info.title));
    appendFacts(root, info.facts);
    appendRefs(root, info.quotes);
    addSources(info.sources);
    (items || info.items || []).forEach(function (item) {
      var box = el("div", "tip-item");
      box.appendChild(el("div", "tip-item-title", item.title));
      appendFacts(box, compact ? item.facts.filter(function (fact) {
        return T.compact_keys.indexOf(fact[0]) >= 0;
      }) : item.facts);
      appendRefs(box, item.quotes);
      addSources(item.sources);
      root.appendChild(box);
    });
    if (quotes.length) {
      var list = el("ol", "tip-quotes");
      quotes.forEach(function (quote) {
        var li = el("li");
        li.appendChild(el("q", null, quote.text));
        var where = quote.source + (quote.line ? ", " + T.quote_line + " " + quote.line : "");
        li.appendChild(el("div", "tip-src", "\u2014 " + where));
        list.appendChild(li);
      });
      root.appendChild(list);
    }
    if (sources.length) {
      root.appendChild(el("div", "tip-sources", T.derived_from + ": " + sources.join(" \u00b7 ")));
    }
    return root;
  }

  /* --- the network --------------------------------------------------------------------------- */

  /* Every item gets a placeholder title, so that vis-network shows its tooltip; the content
   * is built when the tooltip is shown (see "showPopup" below). */
  var PLACEHOLDER = " ";

  function visNode(n) {
    var node = { id: n.id, label: n.label, x: n.x, y: n.y, title: PLACEHOLDER, hidden: false };
    var style = data.styles[n.s];
    for (var key in style) { node[key] = style[key]; }
    return node;
  }

  function visEdge(e) {
    var edge = { id: e.id, from: e.from, to: e.to, title: PLACEHOLDER, hidden: false };
    var style = data.styles[e.s];
    for (var key in style) { edge[key] = style[key]; }
    return edge;
  }

  var nodes = new vis.DataSet(data.nodes.map(visNode));
  var edges = new vis.DataSet(data.edges.map(visEdge));
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  network.fit({ animation: false });

  /* Edge labels (the number of shared cooperations, "acting through") are drawn here, not by
   * vis-network: at label_at along the line (or curve), where the layout found room for them, bold on a
   * white box. edgeText holds what each shows now (the filters change the numbers). */
  var edgeText = {};
  data.edges.forEach(function (e) { if (e.label) { edgeText[e.id] = e.label; } });
  var LABEL_PAD = 4;

  function edgeLabelBoxes() {
    var boxes = [];
    var probe = document.createElement("canvas").getContext("2d");
    data.edges.forEach(function (e) {
      var text = edgeText[e.id];
      if (!text || !shownEdges || !shownEdges[e.id]) { return; }
      var drawn = network.body.edges[e.id];
      if (!drawn || !drawn.from || !drawn.to) { return; }
      // on the line as vis-network draws it (straight or curved around a node), beside it by
      // label_offset; the direction from two points either side (exact for its Bezier curves)
      var shape = drawn.edgeType;
      shape.fromPoint = drawn.from;
      shape.toPoint = drawn.to;
      var at = shape.getPoint(e.label_at);
      var a = shape.getPoint(Math.max(0, e.label_at - 0.01)), b = shape.getPoint(Math.min(1, e.label_at + 0.01));
      var dx = b.x - a.x, dy = b.y - a.y;
      var length = Math.sqrt(dx * dx + dy * dy) || 1;
      var x = at.x - dy / length * e.label_offset;
      var y = at.y + dx / length * e.label_offset;
      probe.font = "bold " + e.label_size + "px " + FONT;
      var w = probe.measureText(text).width + 2 * LABEL_PAD;
      var h = e.label_size * 1.22 + 2 * LABEL_PAD;
      boxes.push({ id: e.id, text: text, size: e.label_size, x: x, y: y,
                   left: x - w / 2, top: y - h / 2, right: x + w / 2, bottom: y + h / 2 });
    });
    return boxes;
  }

  network.on("afterDrawing", function (ctx) {
    ctx.save();
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    edgeLabelBoxes().forEach(function (b) {
      ctx.fillStyle = "#ffffff";
      ctx.strokeStyle = "#666666";
      ctx.lineWidth = 1;
      ctx.fillRect(b.left, b.top, b.right - b.left, b.bottom - b.top);
      ctx.strokeRect(b.left, b.top, b.right - b.left, b.bottom - b.top);
      ctx.fillStyle = "#111111";
      ctx.font = "bold " + b.size + "px " + FONT;
      ctx.fillText(b.text, b.x, b.y + 1);
    });
    ctx.restore();
  });

  function edgeTitle(e, items) {
    return e.heading ? e.heading + ": " + sharedText(items.length) : null;
  }

  function tooltipFor(id) {
    if (nodeById[id]) { return infoElement(nodeById[id].info, null, null, true); }
    var e = edgeById[id];
    if (!e) { return null; }
    var items = shownItems[e.id] || e.info.items;
    return infoElement(e.info, items, edgeTitle(e, items), true);
  }

  network.on("showPopup", function (id) {
    var frame = container.querySelector("div.vis-tooltip");
    var content = tooltipFor(id);
    if (!frame || !content) { return; }
    frame.textContent = "";
    frame.appendChild(content);
    var popup = network.interactionHandler && network.interactionHandler.popup;
    if (popup && typeof popup.show === "function") { popup.show(); }  // place it again, now with its size
  });

  /* A tooltip goes when the pointer leaves what it belongs to: another node or line, the empty
   * canvas, or the canvas altogether (vis-network alone keeps it when the pointer jumps off the
   * canvas in one move, and a presenter's pointer does). */
  function hideTooltip() {
    var popup = network.interactionHandler && network.interactionHandler.popup;
    if (popup && typeof popup.hide === "function") { popup.hide(); }
    var frame = container.querySelector("div.vis-tooltip");
    if (frame) { frame.style.visibility = "hidden"; }
    if (network.interactionHandler) { network.interactionHandler.popupObj = undefined; }
  }
  ["blurNode", "blurEdge", "dragStart", "zoom"].forEach(function (name) { network.on(name, hideTooltip); });
  container.addEventListener("mouseleave", hideTooltip);
  container.addEventListener("pointerleave", hideTooltip);
  document.addEventListener("pointermove", function (event) {
    if (!container.contains(event.target)) { hideTooltip(); }
  }, true);

  /* --- filters -------------------------------------------------------------------------------- */

  var filterBoxes = Array.prototype.slice.call(document.querySelectorAll("input[data-facet]"));
  var shownItems = {};
  var hiddenNodes = {};

  function checkedFacets() {
    var checked = {};
    filterBoxes.forEach(function (box) {
      var facet = box.getAttribute("data-facet");
      checked[facet] = checked[facet] || {};
      if (box.checked) { checked[facet][box.value] = true; }
    });
    return checked;
  }

  function passes(facets, checked) {
    for (var facet in checked) {
      var values = facets && facets[facet];
      if (values && values.length && !values.some(function (v) { return checked[facet][v]; })) { return false; }
    }
    return true;
  }

  var shownNodes = {};   // what the page shows now: only changes are sent to vis-network
  var shownEdges = {};
  var edgeState = {};
  data.nodes.forEach(function (n) { shownNodes[n.id] = true; });
  data.edges.forEach(function (e) { shownEdges[e.id] = true; });

  function applyFilters() {
    var checked = checkedFacets();
    var hidden = {};
    var visible = {};
    data.nodes.forEach(function (n) { if (!passes(n.facets, checked)) { hidden[n.id] = true; } });
    data.edges.forEach(function (e) {
      var show = !hidden[e.from] && !hidden[e.to] && passes(e.facets, checked);
      var items = e.info.items;
      if (items.length) {
        var shown = items.filter(function (item) { return passes(item.facets, checked); });
        if (!shown.length) { show = false; }
        shownItems[e.id] = shown;
      }
      visible[e.id] = show;
    });
    data.nodes.forEach(function (n) {
      if (n.requires.length && !n.requires.some(function (id) { return visible[id]; })) { hidden[n.id] = true; }
    });
    data.edges.forEach(function (e) { if (hidden[e.from] || hidden[e.to]) { visible[e.id] = false; } });
    hiddenNodes = hidden;
    var nodeUpdates = [];
    data.nodes.forEach(function (n) {
      var show = !hidden[n.id];
      if (show !== shownNodes[n.id]) { nodeUpdates.push({ id: n.id, hidden: !show }); shownNodes[n.id] = show; }
    });
    var edgeUpdates = [];
    data.edges.forEach(function (e) {
      var update = { id: e.id };
      var changed = false;
      if (visible[e.id] !== shownEdges[e.id]) {
        update.hidden = !visible[e.id];
        shownEdges[e.id] = visible[e.id];
        changed = true;
      }
      if (e.info.items.length) {
        var count = shownItems[e.id].length;
        var state = edgeState[e.id] || { count: e.info.items.length };
        if (count && count !== state.count) {
          if (e.weighted) {
            update.width = (data.settings.width_base + data.settings.width_per * count) * e.width_scale;
          }
          if (e.count_label) {
            edgeText[e.id] = count >= 2 ? String(count) : "";
          }
          state.count = count;
          changed = true;
        }
        edgeState[e.id] = state;
      }
      if (changed) { edgeUpdates.push(update); }
    });
    if (nodeUpdates.length) { nodes.update(nodeUpdates); }
    if (edgeUpdates.length) { edges.update(edgeUpdates); }
    network.redraw();
  }

  filterBoxes.forEach(function (box) { box.addEventListener("change", applyFilters); });

  /* --- details panel ------------------------------------------------------------------------- */

  var details = document.getElementById("ikz-details");

  function showDetails(element) {
    details.textContent = "";
    if (element) {
      details.appendChild(element);
    } else {
      details.appendChild(el("p", "muted", T.details_hint));
    }
  }

  function edgeDetails(e) {
    var items = shownItems[e.id] || e.info.items;
    return infoElement(e.info, items, edgeTitle(e, items));
  }

  network.on("click", function (params) {
    if (params.nodes.length) {
      showDetails(infoElement(nodeById[params.nodes[0]].info));
    } else if (params.edges.length) {
      showDetails(edgeDetails(edgeById[params.edges[0]]));
    } else {
      showDetails(null);
    }
  });

  /* --- search -------------------------------------------------------------------------------- */

  var input = document.getElementById("ikz-search");
  var message = document.getElementById("ikz-search-message");
  var names = document.getElementById("ikz-names");
  var seenLabels = {};
  var sortedLabels = data.nodes.map(function (n) { return n.label; })
    .filter(function (label) {
      if (Object.prototype.hasOwnProperty.call(seenLabels, label)) { return false; }
      seenLabels[label] = true;
      return true;
    })
    .sort(new Intl.Collator(data.lang).compare);
  var options = document.createDocumentFragment();
  sortedLabels.forEach(function (label) {
    var option = document.createElement("option");
    option.value = label;
    options.appendChild(option);
  });
  names.appendChild(options);

  function findNode(query) {
    var q = query.trim().toLocaleLowerCase(data.lang);
    if (!q) { return null; }
    var tests = [
      function (label) { return label === q; },
      function (label) { return label.indexOf(q) === 0; },
      function (label) { return label.indexOf(q) >= 0; }
    ];
    for (var i = 0; i < tests.length; i++) {
      for (var j = 0; j < data.nodes.length; j++) {
        if (tests[i](data.nodes[j].label.toLocaleLowerCase(data.lang))) { return data.nodes[j]; }
      }
    }
    return null;
  }

  /* Did you mean: the label most similar to the query, by the ratio of Python's
   * difflib.SequenceMatcher (Ratcliff/Obershelp: twice the matched characters over both
   * lengths), over the labels and their words (a word scores a little less than a whole
   * label); at least SIMILAR. */
  var SIMILAR = 0.75;

  function matched(a, b, alo, ahi, blo, bhi) {
    if (alo >= ahi || blo >= bhi) { return 0; }
    var besti = alo, bestj = blo, bestsize = 0;
    var previous = {};
    for (var i = alo; i < ahi; i++) {
      var current = {};
      for (var j = blo; j < bhi; j++) {
        if (a.charAt(i) === b.charAt(j)) {
          var k = (previous[j - 1] || 0) + 1;
          current[j] = k;
          if (k > bestsize) { besti = i - k + 1; bestj = j - k + 1; bestsize = k; }
        }
      }
      previous = current;
    }
    if (!bestsize) { return 0; }
    return bestsize + matched(a, b, alo, besti, blo, bestj) +
      matched(a, b, besti + bestsize, ahi, bestj + bestsize, bhi);
  }

  function similarity(a, b) {
    return a.length + b.length ? 2 * matched(a, b, 0, a.length, 0, b.length) / (a.length + b.length) : 1;
  }

  function suggest(query) {
    var q = query.trim().toLocaleLowerCase(data.lang);
    if (!q) { return null; }
    var best = null, bestScore = SIMILAR;
    sortedLabels.forEach(function (label) {
      var lower = label.toLocaleLowerCase(data.lang);
      var candidates = [lower].concat(lower.split(/[\s,()\/–-]+/).filter(function (w) { return w.length >= 4; }));
      candidates.forEach(function (candidate, i) {
        // a whole name before a word of a longer one ("Schwelm" before "Kirchenkreis Schwelm")
        var score = similarity(q, candidate) - (i ? 0.01 : 0);
        if (score > bestScore) { best = label; bestScore = score; }
      });
    });
    return best;
  }

  var lastQuery = null;

  function search(query) {
    lastQuery = query;
    message.textContent = "";
    var node = findNode(query || "");
    if (!node) {
      if ((query || "").trim()) {
        message.textContent = T.not_found + query;
        var guess = suggest(query);
        if (guess) {
          var parts = T.did_you_mean.split("{name}");
          var line = el("span", "did-you-mean", parts[0]);
          var link = el("button", "suggestion", guess);
          link.type = "button";
          link.addEventListener("click", function () { input.value = guess; search(guess); });
          line.appendChild(link);
          line.appendChild(document.createTextNode(parts.slice(1).join("{name}")));
          message.appendChild(line);
        }
      }
      return null;
    }
    if (hiddenNodes[node.id]) {
      message.textContent = T.hidden_by_filter + node.label;
      showDetails(infoElement(node.info));
      return null;
    }
    network.selectNodes([node.id]);
    network.focus(node.id, { scale: Math.max(network.getScale(), 1.2), animation: false });
    showDetails(infoElement(node.info));
    return node.id;
  }

  document.getElementById("ikz-find").addEventListener("click", function () { search(input.value); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); search(input.value); }
  });
  // a name picked from the list (not a change by leaving the box: that would take the
  // did-you-mean button away before its click lands)
  input.addEventListener("change", function () {
    if (input.value && input.value !== lastQuery) { search(input.value); }
  });

  /* --- reset --------------------------------------------------------------------------------- */

  function reset() {
    nodes.update(data.nodes.map(function (n) { return { id: n.id, x: n.x, y: n.y }; }));
    network.unselectAll();
    network.fit({ animation: false });
    showDetails(null);
    message.textContent = "";
  }

  document.getElementById("ikz-reset").addEventListener("click", reset);

  /* --- PNG export: the current picture with title, legend and footer ------------------------- */

  function wrapLines(ctx, text, width) {
    var words = String(text).split(/\s+/);
    var lines = [];
    var line = "";
    words.forEach(function (word) {
      var candidate = line ? line + " " + word : word;
      if (line && ctx.measureText(candidate).width > width) {
        lines.push(line);
        line = word;
      } else {
        line = candidate;
      }
    });
    if (line) { lines.push(line); }
    return lines;
  }

  function drawShape(ctx, shape, x, y, r) {
    var i;
    ctx.beginPath();
    if (shape === "square") {
      ctx.rect(x - r, y - r, 2 * r, 2 * r);
    } else if (shape === "diamond") {
      ctx.moveTo(x, y - r); ctx.lineTo(x + r, y); ctx.lineTo(x, y + r); ctx.lineTo(x - r, y);
    } else if (shape === "triangle") {
      ctx.moveTo(x, y - r); ctx.lineTo(x + r, y + 0.8 * r); ctx.lineTo(x - r, y + 0.8 * r);
    } else if (shape === "triangleDown") {
      ctx.moveTo(x, y + r); ctx.lineTo(x + r, y - 0.8 * r); ctx.lineTo(x - r, y - 0.8 * r);
    } else if (shape === "hexagon") {
      for (i = 0; i < 6; i++) {
        ctx.lineTo(x + r * Math.cos(Math.PI / 3 * i), y + r * Math.sin(Math.PI / 3 * i));
      }
    } else if (shape === "star") {
      for (i = 0; i < 10; i++) {
        var radius = i % 2 === 0 ? r : r * 0.45;
        var angle = -Math.PI / 2 + Math.PI / 5 * i;
        ctx.lineTo(x + radius * Math.cos(angle), y + radius * Math.sin(angle));
      }
    } else {
      ctx.arc(x, y, r, 0, 2 * Math.PI);
    }
    ctx.closePath();
  }

  function drawLegendSymbol(ctx, entry, x, y, s) {
    if (entry.kind === "node") {
      drawShape(ctx, entry.shape, x + 11 * s, y, 9 * s);
      ctx.fillStyle = entry.color;
      ctx.fill();
      ctx.lineWidth = 1.5 * s;
      ctx.strokeStyle = entry.border || "#000000";
      ctx.stroke();
      return;
    }
    ctx.save();
    ctx.strokeStyle = entry.color;
    ctx.lineWidth = entry.width * s;
    ctx.setLineDash(entry.dashes ? [6 * s, 4 * s] : []);
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + (entry.arrows ? 30 : 40) * s, y);
    ctx.stroke();
    if (entry.arrows) {
      ctx.fillStyle = entry.color;
      ctx.beginPath();
      ctx.moveTo(x + 30 * s, y - 6 * s); ctx.lineTo(x + 40 * s, y); ctx.lineTo(x + 30 * s, y + 6 * s);
      ctx.closePath();
      ctx.fill();
    }
    ctx.restore();
  }

  function pngCanvas() {
    var source = container.querySelector("canvas");
    var s = source.width / Math.max(1, source.clientWidth);
    var pad = 16 * s;
    var legendWidth = 320 * s;
    var probe = document.createElement("canvas").getContext("2d");
    var width = source.width + legendWidth;
    probe.font = 13 * s + "px " + FONT;
    var footer = T.as_of + ": " + data.footer.as_of_display + "  \u00b7  " + T.sources + ": " +
      data.footer.sources.join(" \u00b7 ") + "  \u00b7  " + T.version + ": " + data.footer.version;
    var footerLines = wrapLines(probe, footer, width - 2 * pad);
    var subtitleLines = wrapLines(probe, data.description + "  \u00b7  " + data.subtitle, width - 2 * pad);
    var headerHeight = pad + 30 * s + subtitleLines.length * 18 * s + 8 * s;
    var footerHeight = footerLines.length * 18 * s + pad;
    var out = document.createElement("canvas");
    out.width = Math.round(width);
    out.height = Math.round(headerHeight + source.height + footerHeight);
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.textBaseline = "top";
    ctx.fillStyle = "#111111";
    ctx.font = "bold " + 24 * s + "px " + FONT;
    ctx.fillText(data.title, pad, pad);
    ctx.font = 13 * s + "px " + FONT;
    ctx.fillStyle = "#333333";
    subtitleLines.forEach(function (line, i) { ctx.fillText(line, pad, pad + 32 * s + i * 18 * s); });
    ctx.drawImage(source, 0, headerHeight);
    var x = source.width + pad;
    var y = headerHeight + pad;
    ctx.fillStyle = "#111111";
    ctx.font = "bold " + 15 * s + "px " + FONT;
    ctx.fillText(T.legend, x, y);
    y += 28 * s;
    ctx.font = 14 * s + "px " + FONT;
    data.legend.forEach(function (entry) {
      var text = entry.label + (entry.note ? " (" + entry.note + ")" : "");
      var lines = wrapLines(ctx, text, legendWidth - 70 * s);
      drawLegendSymbol(ctx, entry, x, y + 9 * s, s);
      ctx.fillStyle = "#111111";
      lines.forEach(function (line, i) { ctx.fillText(line, x + 52 * s, y + i * 18 * s); });
      y += Math.max(1, lines.length) * 18 * s + 10 * s;
    });
    ctx.font = 13 * s + "px " + FONT;
    ctx.fillStyle = "#333333";
    footerLines.forEach(function (line, i) {
      ctx.fillText(line, pad, headerHeight + source.height + 6 * s + i * 18 * s);
    });
    return out;
  }

  function downloadPng() {
    pngCanvas().toBlob(function (blob) {
      var url = URL.createObjectURL(blob);
      var link = document.createElement("a");
      link.href = url;
      link.download = data.file_stem + ".png";
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    }, "image/png");
  }

  document.getElementById("ikz-png").addEventListener("click", downloadPng);

  /* --- for tests and notebooks --------------------------------------------------------------- */

  function drawn() {
    var body = network.body;
    var nodeCount = body.nodeIndices.filter(function (id) { return !body.nodes[id].options.hidden; }).length;
    var edgeCount = body.edgeIndices.filter(function (id) {
      var edge = body.edges[id];
      return !edge.options.hidden && edge.connected && !body.nodes[edge.fromId].options.hidden &&
        !body.nodes[edge.toId].options.hidden;
    }).length;
    return { nodes: nodeCount, edges: edgeCount };
  }

  window.ikzView = {
    data: data,
    network: network,
    nodes: nodes,
    edges: edges,
    search: search,
    suggest: suggest,
    similarity: similarity,
    edgeLabelBoxes: edgeLabelBoxes,
    hideTooltip: hideTooltip,
    applyFilters: applyFilters,
    reset: reset,
    drawn: drawn,
    pngCanvas: pngCanvas,
    pngDataUrl: function () { return pngCanvas().toDataURL("image/png"); },
    downloadPng: downloadPng,
    ready: true
  };
  // a browser may restore the boxes' state on reload: then the picture must follow them
  if (filterBoxes.some(function (box) { return !box.checked; })) { applyFilters(); network.fit({ animation: false }); }
  network.redraw();
}());
