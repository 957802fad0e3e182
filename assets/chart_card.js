// The browser side of ChartCard (msc_atlas/ui/chart_card.py): tables built when their <details> opens, and the
// chart downloads (SVG, PNG at 300 dpi) drawn by plotly.js in the browser.
(function () {
  "use strict";

  // html.Details does not report the user opening or closing it: keep its `open` prop in step, so that callbacks can
  // listen to it. "toggle" does not bubble, hence the capture phase; only <details> with an id are Dash's to know.
  document.addEventListener(
    "toggle",
    function (event) {
      var details = event.target;
      var dc = window.dash_clientside;
      if (details instanceof HTMLDetailsElement && details.id && dc && dc.set_props) {
        dc.set_props(details.id, { open: details.open });
      }
    },
    true
  );

  // On a phone, category labels of horizontal bars and heatmap rows ("Intracerebral / intranasal to CNS") would take
  // two thirds of the chart's width and leave the bars a sliver: below NARROW pixels they are cut to SHORT characters
  // (the hover, the table and the downloads keep them whole). Re-applied after every draw, which replaces the layout.
  var NARROW = 480;
  var SHORT = 16;
  var CHAR_PX = 7.6; // a generous average width of a 13 px label character

  function shorten(text) {
    text = String(text);
    return text.length > SHORT ? text.slice(0, SHORT - 1).replace(/[\s/(,-]+$/, "") + "…" : text;
  }

  function fitLabels(gd) {
    var full = gd._fullLayout;
    var axis = full && full.yaxis;
    var rowsAreCategories =
      axis && axis.type === "category" &&
      (gd.data || []).some(function (t) { return (t.type === "bar" && t.orientation === "h") || t.type === "heatmap"; });
    if (!rowsAreCategories || full.width >= NARROW || gd._atlasShortLabels === full.width) {
      return;
    }
    var categories = (axis._categories || []).slice();
    var short = categories.map(shorten);
    gd._atlasShortLabels = full.width; // before relayout: its own afterplot must not relayout again
    if (short.some(function (text, i) { return text !== String(categories[i]); })) {
      // the figures set their left margin for the whole labels (msc_atlas/text_metrics.py): fit it to the cut ones
      var longest = Math.max.apply(null, short.map(function (text) { return text.length; }));
      var margin = (gd.layout.margin && gd.layout.margin.l) || full.margin.l;
      gd._atlasMarginL = margin;
      window.Plotly.relayout(gd, {
        "yaxis.tickmode": "array",
        "yaxis.tickvals": categories,
        "yaxis.ticktext": short,
        "margin.l": Math.min(margin, Math.round(longest * CHAR_PX) + 12),
      });
    }
  }

  function watch(gd) {
    if (gd._atlasWatched || typeof gd.on !== "function") {
      return;
    }
    gd._atlasWatched = true;
    gd.on("plotly_afterplot", function () {
      if (!(gd.layout && gd.layout.yaxis && gd.layout.yaxis.ticktext)) {
        gd._atlasShortLabels = null; // a new figure (Plotly.react): its labels are whole again
      }
      fitLabels(gd);
    });
    if (gd._fullLayout) {
      fitLabels(gd);
    }
  }

  var scanQueued = false; // one look for new graphs per frame, however many nodes a render adds
  new MutationObserver(function () {
    if (!scanQueued) {
      scanQueued = true;
      window.requestAnimationFrame(function () {
        scanQueued = false;
        document.querySelectorAll(".atlas-graph .js-plotly-plot").forEach(watch);
      });
    }
  }).observe(document.documentElement, { childList: true, subtree: true });

  var PENDING = "Loading the table…"; // chart_card.PENDING: the words the table holds until it is built
  var PRINT_WIDTH = 2008; // pixels: 17 cm (a full journal page width) at 300 dpi
  var LAYOUT_WIDTH = [640, 960]; // the export's layout width: 13 px type prints at 6.5-9.8 pt at that size
  var BORDER = 24; // layout pixels of white around an exported chart
  var PIXELS_PER_METRE = Math.round(300 / 0.0254); // 300 dpi, as the PNG's pHYs chunk states it

  var CRC_TABLE = (function () {
    var table = [];
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) {
        c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      }
      table.push(c >>> 0);
    }
    return table;
  })();

  function crc32(bytes) {
    var crc = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) {
      crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    }
    return (crc ^ 0xffffffff) >>> 0;
  }

  // The canvas's PNG says nothing about its resolution, so a word processor places it at 96 dpi (53 cm wide).
  // A pHYs chunk after IHDR (the PNG's first chunk, 8 + 25 bytes in) states 300 dpi: it opens 17 cm wide.
  // Returns the file and its size in pixels.
  function pngAt300Dpi(base64) {
    var raw = atob(base64);
    var png = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) {
      png[i] = raw.charCodeAt(i);
    }
    var header = new DataView(png.buffer);
    var size = { width: header.getUint32(16), height: header.getUint32(20) }; // IHDR's first fields
    for (var at = 8; at + 8 <= png.length; at += 12 + header.getUint32(at)) {
      var type = raw.slice(at + 4, at + 8);
      if (type === "pHYs") {
        // the canvas stated a resolution already: keep the file
        return { blob: new Blob([png], { type: "image/png" }), width: size.width, height: size.height };
      }
      if (type === "IDAT") {
        break; // pHYs, when present, comes before the image data
      }
    }
    var chunk = new Uint8Array(21);
    var view = new DataView(chunk.buffer);
    view.setUint32(0, 9);
    chunk.set([0x70, 0x48, 0x59, 0x73], 4); // "pHYs"
    view.setUint32(8, PIXELS_PER_METRE);
    view.setUint32(12, PIXELS_PER_METRE);
    chunk[16] = 1; // unit: the metre
    view.setUint32(17, crc32(chunk.subarray(4, 17)));
    var blob = new Blob([png.subarray(0, 33), chunk, png.subarray(33)], { type: "image/png" });
    return { blob: blob, width: size.width, height: size.height };
  }

  function save(blob, filename) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = filename;
    link.rel = "noopener";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () {
      URL.revokeObjectURL(url);
    }, 30000);
  }

  // "Trials per country (all products)<br><span ...>COVID-19 & ARDS</span>" -> "msc-atlas-trials-per-country-...".
  function fileName(gd) {
    var title = (gd.layout && gd.layout.title && gd.layout.title.text) || "chart";
    var words = title
      .replace(/<[^>]*>/g, " ")
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "");
    return ("msc-atlas-" + (words || "chart")).slice(0, 120).replace(/-+$/, "");
  }

  // The chart as drawn, with a white border: on the page the card's padding gives the title and axis labels room,
  // in a file they would touch the edges. Copies: plotly.js writes into the figure it draws.
  function printFigure(gd) {
    var layout = JSON.parse(JSON.stringify(gd.layout));
    if (gd._atlasShortLabels && layout.yaxis) {
      // whole labels in a file (a phone's cut ones are for its screen only)
      delete layout.yaxis.tickmode;
      delete layout.yaxis.tickvals;
      delete layout.yaxis.ticktext;
      if (gd._atlasMarginL && layout.margin) {
        layout.margin.l = gd._atlasMarginL;
      }
    }
    var margin = layout.margin || {};
    layout.margin = {
      l: (margin.l || 0) + BORDER,
      r: (margin.r || 0) + BORDER,
      t: (margin.t || 0) + BORDER / 2,
      b: (margin.b || 0) + BORDER,
    };
    if (layout.title) {
      layout.title.y = 1;
      layout.title.yanchor = "top";
      layout.title.pad = { l: BORDER, t: BORDER };
    }
    return {
      data: JSON.parse(JSON.stringify(gd.data)),
      layout: layout,
      config: { topojsonURL: gd._context.topojsonURL }, // the map's countries, from this site
    };
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.atlas = Object.assign(window.dash_clientside.atlas || {}, {
    // Inputs: the <details>' open, then the table's own Inputs; States: the card's request store, the table shown.
    // Returns [request, table]: ask the server for the table when it is open and not built for these Inputs yet;
    // empty it when the Inputs change while it is closed, so that an out-of-date table is never shown.
    tableRequest: function () {
      var dc = window.dash_clientside;
      var args = Array.prototype.slice.call(arguments);
      var open = args[0];
      var request = args[args.length - 2] || {};
      var shown = args[args.length - 1];
      var key = JSON.stringify(args.slice(1, -2));
      var built = request.key === key && shown !== PENDING;
      if (open) {
        return built ? [dc.no_update, dc.no_update] : [{ key: key, n: (request.n || 0) + 1 }, dc.no_update];
      }
      return shown === PENDING || request.key === key ? [dc.no_update, dc.no_update] : [dc.no_update, PENDING];
    },

    // A card's SVG or PNG button: the chart as drawn (title with the filter included), laid out at a journal
    // figure's width, saved under a name made from its title. Returns the words of the card's status line.
    exportChart: function () {
      var dc = window.dash_clientside;
      var trigger = dc.callback_context.triggered_id;
      if (!trigger || typeof trigger !== "object") {
        return dc.no_update;
      }
      var holder = document.getElementById(trigger.card);
      var gd = holder && (holder.classList.contains("js-plotly-plot") ? holder : holder.querySelector(".js-plotly-plot"));
      if (!window.Plotly || !gd || !gd._fullLayout) {
        return "The chart is not drawn yet; try again in a moment.";
      }
      var format = trigger.format === "svg" ? "svg" : "png";
      var width = Math.round(Math.min(LAYOUT_WIDTH[1], Math.max(LAYOUT_WIDTH[0], gd._fullLayout.width)));
      var height = Math.round(gd._fullLayout.height); // the figures set their height
      var filename = fileName(gd) + "." + format;
      return window.Plotly.toImage(printFigure(gd), {
        format: format,
        width: width,
        height: height,
        scale: format === "png" ? PRINT_WIDTH / width : 1,
        imageDataOnly: true,
      })
        .then(function (data) {
          if (format === "svg") {
            save(new Blob([data], { type: "image/svg+xml" }), filename);
            return "SVG saved (" + width + " × " + height + ", vector).";
          }
          var png = pngAt300Dpi(data);
          save(png.blob, filename);
          return "PNG saved (" + png.width + " × " + png.height + " px, 300 dpi).";
        })
        .catch(function () {
          return "The chart could not be saved.";
        });
    },
  });
})();
