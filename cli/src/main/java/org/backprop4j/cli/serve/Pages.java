package org.backprop4j.cli.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.backprop4j.nn.Activation;
import org.backprop4j.nn.Dense;
import org.backprop4j.nn.Model;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The page of {@code GET /}: for an MNIST-shaped model (784 inputs, 10 outputs) a canvas to draw a
 * digit on, prepared the way MNIST's digits were (the ink's bounding box fitted into 20×20 by area
 * averaging, then placed in 28×28 so that its centre of mass is the centre), with the ten
 * probabilities updating while one draws; for any other model a form of its inputs. Both post to
 * {@code /predict} on the same server and fetch nothing else.
 */
final class Pages {
    private Pages() {
    }

    static boolean isMnistShaped(Model m) {
        return m.network().inputs() == 784 && m.network().outputs() == 10;
    }

    static String page(Model m) {
        return (isMnistShaped(m) ? CANVAS : FORM).replace("/*MODEL*/", config(m).replace("</", "<\\/"))
                .replace("<!--COMMON-->", COMMON);
    }

    private static String config(Model m) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.writeStartObject();
            g.writeNumberField("inputs", m.network().inputs());
            g.writeNumberField("outputs", m.network().outputs());
            StringBuilder net = new StringBuilder().append(m.network().inputs());
            for (Dense d : m.network().layers()) net.append('-').append(d.outputs()).append('(').append(d.activation().id()).append(')');
            g.writeStringField("network", net.toString());
            g.writeArrayFieldStart("classes");
            for (String c : m.classes()) g.writeString(c);
            g.writeEndArray();
            Dense out = m.network().layer(m.network().layers().size() - 1);
            g.writeStringField("key", out.activation() == Activation.SOFTMAX ? "probabilities" : "outputs");
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /** Style and the answer's table, shared by both pages. */
    private static final String COMMON = """
            <style>
              body { font-family: system-ui, sans-serif; margin: 1.2em; color: #222; }
              .row { display: flex; flex-wrap: wrap; gap: 2em; align-items: flex-start; }
              #pad { background: #000; border-radius: 6px; touch-action: none; cursor: crosshair; }
              #preview { image-rendering: pixelated; border: 1px solid #ccc; background: #000; }
              button { font: inherit; padding: 0.3em 0.9em; margin-top: 0.5em; }
              table { border-collapse: collapse; }
              td { padding: 0.15em 0.5em; font-variant-numeric: tabular-nums; }
              .bar { height: 0.9em; background: #3a6ea5; display: inline-block; vertical-align: middle; }
              tr.top td { font-weight: 700; }
              #label { font-size: 2.4em; font-weight: 700; }
              #status { color: #a00; min-height: 1.2em; }
              input { width: 7em; font: inherit; }
            </style>
            <script>
            "use strict";
            const M = JSON.parse(document.getElementById("model").textContent);
            document.getElementById("network").textContent = M.network;
            let inFlight = false, pending = null;
            // POSTs one row; while a request is out, only the latest row waits to be sent next
            function predict(row) {
              if (inFlight) { pending = row; return; }
              inFlight = true;
              window.lastInput = row;
              fetch("/predict", {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify({rows: [row]})})
                .then(r => r.json().then(body => ({ok: r.ok, body})))
                .then(({ok, body}) => {
                  if (!ok) { document.getElementById("status").textContent = body.error; return; }
                  document.getElementById("status").textContent = "";
                  show(row, body);
                })
                .catch(e => { document.getElementById("status").textContent = String(e); })
                .finally(() => { inFlight = false; if (pending) { const next = pending; pending = null; predict(next); } });
            }
            function show(row, body) {
              window.lastAnswer = {input: row, answer: body};
              const values = body[M.key][0], table = document.getElementById("answer");
              const label = body.labels ? body.labels[0] : "";
              document.getElementById("label").textContent = label;
              table.textContent = "";
              const max = Math.max(...values.map(Math.abs), 1e-12);
              values.forEach((v, j) => {
                const tr = table.insertRow();
                if (M.classes.length && M.classes[j] === label) tr.className = "top";
                tr.insertCell().textContent = M.classes.length ? M.classes[j] : "y" + j;
                const bar = document.createElement("span");
                bar.className = "bar"; bar.style.width = (120 * Math.abs(v) / max) + "px";
                tr.insertCell().appendChild(bar);
                const cell = tr.insertCell();
                cell.textContent = v.toFixed(4);
                cell.dataset.value = String(v);
              });
              document.dispatchEvent(new CustomEvent("answered"));
            }
            </script>
            """;

    private static final String CANVAS = """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
            <title>nn serve: draw a digit</title></head>
            <body>
            <h1>Draw a digit</h1>
            <p>Model <span id="network"></span>. The drawing is prepared as MNIST's digits were: fitted into 20×20,
            centred by its centre of mass in 28×28 (shown on the right, as the network sees it).</p>
            <script type="application/json" id="model">/*MODEL*/</script>
            <div class="row">
              <div><canvas id="pad" width="280" height="280"></canvas><br><button id="clear">clear</button></div>
              <div><canvas id="preview" width="28" height="28" style="width:112px;height:112px"></canvas>
                <div id="label"></div><div id="status"></div><table id="answer"></table></div>
            </div>
            <!--COMMON-->
            <script>
            "use strict";
            const pad = document.getElementById("pad"), ctx = pad.getContext("2d", {willReadFrequently: true});
            function clearPad() {
              ctx.fillStyle = "#000"; ctx.fillRect(0, 0, pad.width, pad.height);
              document.getElementById("answer").textContent = ""; document.getElementById("label").textContent = "";
              document.getElementById("preview").getContext("2d").clearRect(0, 0, 28, 28);
            }
            clearPad();
            ctx.strokeStyle = "#fff"; ctx.lineWidth = 18; ctx.lineCap = "round"; ctx.lineJoin = "round";
            let drawing = false, last = null, scheduled = false;
            const at = e => { const r = pad.getBoundingClientRect(); return [(e.clientX - r.left) * pad.width / r.width, (e.clientY - r.top) * pad.height / r.height]; };
            pad.addEventListener("pointerdown", e => { drawing = true; last = at(e); pad.setPointerCapture(e.pointerId); stroke(at(e)); });
            pad.addEventListener("pointermove", e => { if (drawing) stroke(at(e)); });
            pad.addEventListener("pointerup", () => { drawing = false; update(); });
            pad.addEventListener("pointercancel", () => { drawing = false; });
            document.getElementById("clear").addEventListener("click", clearPad);
            function stroke(p) {
              ctx.beginPath(); ctx.moveTo(last[0], last[1]); ctx.lineTo(p[0], p[1]); ctx.stroke(); last = p;
              if (!scheduled) { scheduled = true; requestAnimationFrame(() => { scheduled = false; update(); }); }
            }
            function update() {
              const v = mnistVector();
              if (v) { drawPreview(v); predict(v); }
            }

            // The 784 inputs: ink in [0, 1] (white on black, like MNIST), its bounding box fitted into 20×20
            // by area averaging (keeping the aspect ratio), placed in 28×28 with its centre of mass at the centre.
            function mnistVector() {
              const W = pad.width, H = pad.height, rgba = ctx.getImageData(0, 0, W, H).data, ink = new Float64Array(W * H);
              let x0 = W, y0 = H, x1 = -1, y1 = -1;
              for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
                const v = rgba[4 * (y * W + x)] / 255;
                ink[y * W + x] = v;
                if (v > 0) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
              }
              if (x1 < 0) return null;
              const w = x1 - x0 + 1, h = y1 - y0 + 1, scale = 20 / Math.max(w, h);
              const tw = Math.max(1, Math.round(w * scale)), th = Math.max(1, Math.round(h * scale));
              const small = new Float64Array(tw * th), sx = w / tw, sy = h / th;
              for (let ty = 0; ty < th; ty++) for (let tx = 0; tx < tw; tx++) {
                const xa = x0 + tx * sx, xb = xa + sx, ya = y0 + ty * sy, yb = ya + sy;
                let sum = 0;
                for (let y = Math.floor(ya); y < Math.ceil(yb); y++) {
                  const wy = Math.min(yb, y + 1) - Math.max(ya, y);
                  for (let x = Math.floor(xa); x < Math.ceil(xb); x++) sum += wy * (Math.min(xb, x + 1) - Math.max(xa, x)) * ink[y * W + x];
                }
                small[ty * tw + tx] = sum / (sx * sy);
              }
              let mass = 0, cx = 0, cy = 0;
              for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) { const v = small[y * tw + x]; mass += v; cx += v * (x + 0.5); cy += v * (y + 0.5); }
              const ox = Math.round(14 - cx / mass), oy = Math.round(14 - cy / mass), out = new Array(784).fill(0);
              for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) {
                const X = x + ox, Y = y + oy;
                if (X >= 0 && X < 28 && Y >= 0 && Y < 28) out[Y * 28 + X] = Math.min(1, small[y * tw + x]);
              }
              return out;
            }
            function drawPreview(v) {
              const p = document.getElementById("preview").getContext("2d"), img = p.createImageData(28, 28);
              v.forEach((g, i) => { const c = Math.round(255 * g); img.data.set([c, c, c, 255], 4 * i); });
              p.putImageData(img, 0, 0);
            }
            </script>
            </body>
            </html>
            """;

    private static final String FORM = """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
            <title>nn serve: try the model</title></head>
            <body>
            <h1>Try the model</h1>
            <p>Model <span id="network"></span>. Enter the raw inputs (the server scales them as the model says).</p>
            <script type="application/json" id="model">/*MODEL*/</script>
            <div class="row">
              <form id="inputs"></form>
              <div><div id="label"></div><div id="status"></div><table id="answer"></table></div>
            </div>
            <!--COMMON-->
            <script>
            "use strict";
            const form = document.getElementById("inputs");
            for (let j = 0; j < M.inputs; j++) {
              const label = document.createElement("label");
              label.textContent = "x" + (j + 1) + " ";
              const input = document.createElement("input");
              input.type = "number"; input.step = "any"; input.value = "0"; input.name = "x" + (j + 1);
              label.appendChild(input); form.appendChild(label); form.appendChild(document.createElement("br"));
            }
            const submit = document.createElement("button");
            submit.textContent = "predict"; form.appendChild(submit);
            form.addEventListener("submit", e => { e.preventDefault(); predict([...form.querySelectorAll("input")].map(i => Number(i.value))); });
            </script>
            </body>
            </html>
            """;
}
