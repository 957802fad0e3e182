// Mechanism page: the PNG download. Cytoscape draws the whole diagram (cy.png, full extent, white, `scale` pixels
// per layout unit); this frames it with what a figure needs to stand on its own - a title naming the view and the
// filter, the legend (the same colours, line styles and arrowheads as on screen) and a citation line - and saves it.
// The request (title, legend entries, citation, file name) comes from the server (pages/mechanism.py,
// export_image); nothing here decides what the figure says.
(function () {
    const clientside = (window.dash_clientside = window.dash_clientside || {});

    const DASHES = { solid: [], dashed: [6, 4], dotted: [1.5, 3.5] };

    function arrowHead(ctx, x, y, kind, colour) {
        ctx.fillStyle = colour;
        ctx.strokeStyle = colour;
        ctx.setLineDash([]);
        ctx.beginPath();
        if (kind === "tee") {
            ctx.moveTo(x, y - 7);
            ctx.lineTo(x, y + 7);
            ctx.lineWidth = 3;
            ctx.stroke();
        } else if (kind === "circle") {
            ctx.arc(x - 4, y, 4.5, 0, 2 * Math.PI);
            ctx.fill();
        } else if (kind === "square") {
            ctx.fillRect(x - 9, y - 4.5, 9, 9);
        } else if (kind === "chevron") {
            ctx.moveTo(x - 9, y - 6);
            ctx.lineTo(x, y);
            ctx.lineTo(x - 9, y + 6);
            ctx.lineWidth = 2.5;
            ctx.stroke();
        } else if (kind === "triangle" || kind === "triangle-backcurve") {
            ctx.moveTo(x, y);
            ctx.lineTo(x - 11, y - 6);
            ctx.lineTo(x - (kind === "triangle" ? 11 : 7), y);
            ctx.lineTo(x - 11, y + 6);
            ctx.closePath();
            ctx.fill();
        }
    }

    // Legend entries in rows that fit `width`; returns the height used (drawing only when `draw` is true).
    function legend(ctx, entries, x0, y0, width, unit, draw) {
        const rowH = 26 * unit;
        const font = `${15 * unit}px sans-serif`;
        ctx.font = font;
        let x = x0;
        let y = y0;
        for (const e of entries) {
            const glyph = 44 * unit;
            const w = glyph + 8 * unit + ctx.measureText(e.label).width + 28 * unit;
            if (x > x0 && x + w > x0 + width) {
                x = x0;
                y += rowH;
            }
            if (draw) {
                ctx.save();
                ctx.scale(unit, unit);
                const gx = x / unit;
                const gy = (y + rowH / 2) / unit;
                if (e.type === "box") {
                    ctx.fillStyle = e.fill;
                    ctx.strokeStyle = e.border;
                    ctx.lineWidth = 1.5;
                    ctx.setLineDash(e.dashed ? [4, 3] : []);
                    ctx.fillRect(gx + 6, gy - 8, 32, 16);
                    ctx.strokeRect(gx + 6, gy - 8, 32, 16);
                } else {
                    ctx.strokeStyle = e.colour;
                    ctx.lineWidth = 2.5;
                    ctx.setLineDash(DASHES[e.line] || []);
                    ctx.beginPath();
                    ctx.moveTo(gx + 2, gy);
                    ctx.lineTo(gx + 40, gy);
                    ctx.stroke();
                    arrowHead(ctx, gx + 42, gy, e.arrow, e.colour);
                }
                ctx.restore();
                ctx.fillStyle = "#000000";
                ctx.font = font;
                ctx.textBaseline = "middle";
                ctx.fillText(e.label, x + glyph + 8 * unit, y + rowH / 2);
            }
            x += w;
        }
        return y + rowH - y0;
    }

    function compose(image, request) {
        const unit = Math.max(1, request.scale / 2); // text and legend sized for the print width
        const pad = 24 * unit;
        const width = Math.max(image.width + 2 * pad, 1200);
        const scratch = document.createElement("canvas").getContext("2d");
        const legendH = legend(scratch, request.legend, pad, 0, width - 2 * pad, unit, false);
        const head = pad + 34 * unit + 26 * unit;
        const foot = pad + legendH + 18 * unit + 22 * unit + pad;
        const canvas = document.createElement("canvas");
        canvas.width = width;
        canvas.height = head + image.height + foot;
        const ctx = canvas.getContext("2d");
        ctx.fillStyle = "#ffffff";
        ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.fillStyle = "#000000";
        ctx.textBaseline = "top";
        ctx.font = `bold ${24 * unit}px sans-serif`;
        ctx.fillText(request.title, pad, pad);
        ctx.font = `${15 * unit}px sans-serif`;
        ctx.fillStyle = "#333333";
        ctx.fillText(request.subtitle, pad, pad + 34 * unit);
        ctx.drawImage(image, Math.round((width - image.width) / 2), head);
        const legendTop = head + image.height + pad;
        legend(ctx, request.legend, pad, legendTop, width - 2 * pad, unit, true);
        ctx.fillStyle = "#333333";
        ctx.textBaseline = "top";
        ctx.font = `${13 * unit}px sans-serif`;
        ctx.fillText(request.citation, pad, legendTop + legendH + 18 * unit);
        return canvas;
    }

    clientside.mechanismExport = {
        png: function (request, graphId) {
            const none = window.dash_clientside.no_update;
            const el = document.getElementById(graphId);
            const cy = el && el._cyreg && el._cyreg.cy;
            if (!request || !cy) {
                return none;
            }
            const image = new Image();
            image.onload = function () {
                compose(image, request).toBlob(function (blob) {
                    const link = document.createElement("a");
                    link.href = URL.createObjectURL(blob);
                    link.download = request.filename;
                    document.body.appendChild(link);
                    link.click();
                    link.remove();
                    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
                }, "image/png");
            };
            image.src = cy.png({ full: true, bg: "#ffffff", scale: request.scale, output: "base64uri" });
            return request.n;
        },
    };
})();
