package org.backprop4j.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.backprop4j.reference.OneStep;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The page of {@code nn explain --html}: one self-contained file (inline style, script and data; it
 * fetches nothing) with the network drawn as units and weighted edges and buttons that step through
 * E1–E2 forward, then E3–E4, then E6–E12 backward. The equations shown at each step are the
 * {@link Explanation}'s own text blocks, and every value on hover is rounded by the same code, so
 * the page and the text output cannot disagree.
 */
final class ExplainPage {
    private ExplainPage() {
    }

    /** One press of "next": a title, what it reveals (kind, SPEC layer) and the blocks it shows. */
    private record Step(String label, String title, String kind, int layer, List<Integer> blocks) { }

    static String html(Explanation e) {
        return TEMPLATE.replace("/*DATA*/", json(e).replace("</", "<\\/"))
                .replace("<!--TITLE-->", "One step of backpropagation: " + e.sizes());
    }

    private static List<Step> steps(Explanation e) {
        int n = e.step.layers() + 1;
        List<Step> steps = new ArrayList<>();
        steps.add(step(e, "Start", "Start: W, b and the samples", "start", 0, Explanation.Stage.START, -1, true));
        for (int m = 2; m <= n; m++) {
            steps.add(step(e, "E1–E2 layer " + m, "Forward: E1, E2 for layer " + m, "forward", m, Explanation.Stage.FORWARD, m, false));
        }
        steps.add(step(e, "E3–E4", "Cost: E3 per sample, E4 over the batch", "cost", n, Explanation.Stage.COST, -1, true));
        steps.add(step(e, "E6", "Backward: E6, the output layer's δ", "delta", n, Explanation.Stage.OUTPUT_DELTA, -1, false));
        for (int m = n - 1; m >= 2; m--) {
            steps.add(step(e, "E7 layer " + m, "Backward: E7, δ of layer " + m, "delta", m, Explanation.Stage.HIDDEN_DELTA, m, false));
        }
        steps.add(step(e, "E8–E9", "E8, E9: each sample's gradients", "grad", 0, Explanation.Stage.GRADIENTS, -1, false));
        steps.add(step(e, "E10", "E10: summed over the batch", "sum", 0, Explanation.Stage.SUM, -1, true));
        steps.add(step(e, "E11–E12", "E11, E12: the update", "update", 0, Explanation.Stage.UPDATE, -1, true));
        return steps;
    }

    /** The blocks of a stage (those of one layer if layer ≥ 0), with or without its headings. */
    private static Step step(Explanation e, String label, String title, String kind, int revealLayer, Explanation.Stage stage, int layer, boolean headings) {
        List<Integer> blocks = new ArrayList<>();
        for (int i = 0; i < e.blocks.size(); i++) {
            Explanation.Block b = e.blocks.get(i);
            if (b.stage() != stage) continue;
            if (b.isHeading() ? !headings : layer >= 0 && b.layer() != layer) continue;
            blocks.add(i);
        }
        return new Step(label, title, kind, revealLayer, blocks);
    }

    private static String json(Explanation e) {
        OneStep s = e.step;
        int L = s.layers(), K = s.K();
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.writeStartObject();
            g.writeArrayFieldStart("header");
            for (String h : e.header()) g.writeString(h);
            g.writeEndArray();
            g.writeArrayFieldStart("sizes");
            g.writeNumber(s.W()[0][0].length);
            for (double[][] Wl : s.W()) g.writeNumber(Wl.length);
            g.writeEndArray();
            g.writeArrayFieldStart("activations");
            for (var f : s.f()) g.writeString(f.id());
            g.writeEndArray();
            g.writeNumberField("K", K);
            g.writeArrayFieldStart("blocks");
            for (Explanation.Block b : e.blocks) g.writeString(b.text());
            g.writeEndArray();
            g.writeArrayFieldStart("steps");
            for (Step st : steps(e)) {
                g.writeStartObject();
                g.writeStringField("label", st.label());
                g.writeStringField("title", st.title());
                g.writeStringField("kind", st.kind());
                g.writeNumberField("layer", st.layer());
                g.writeArrayFieldStart("blocks");
                for (int i : st.blocks()) g.writeNumber(i);
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            // units[m][i] for SPEC layer m+1: per sample z, a, δ (shown and as numbers for colour), b and new b
            g.writeArrayFieldStart("units");
            for (int m = 0; m <= L; m++) {
                g.writeStartArray();
                int size = m == 0 ? s.W()[0][0].length : s.W()[m - 1].length;
                for (int i = 0; i < size; i++) {
                    g.writeStartObject();
                    for (String q : new String[] {"z", "a", "delta"}) {
                        g.writeArrayFieldStart(q);
                        for (int k = 0; k < K; k++) g.writeString(m == 0 && !q.equals("a") ? "" : e.num(value(s, q, k, m, i)));
                        g.writeEndArray();
                        g.writeArrayFieldStart(q + "v");
                        for (int k = 0; k < K; k++) g.writeNumber(m == 0 && !q.equals("a") ? 0 : value(s, q, k, m, i));
                        g.writeEndArray();
                    }
                    if (m > 0) {
                        g.writeStringField("b", e.num(s.b()[m - 1][i]));
                        g.writeStringField("db", e.num(s.sum().db()[m - 1][i]));
                        g.writeStringField("dJ", e.num(s.costGradient().db()[m - 1][i]));
                        g.writeStringField("fd", e.num(s.centralDifference().db()[m - 1][i]));
                        g.writeStringField("newB", e.num(s.newB()[m - 1][i]));
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndArray();
            // edges[l][i][j]: W_ij^(l+1) before, per-sample E8 gradient, ΔW, ∂J/∂W, central difference, new W
            g.writeArrayFieldStart("edges");
            for (int l = 0; l < L; l++) {
                g.writeStartArray();
                for (int i = 0; i < s.W()[l].length; i++) {
                    g.writeStartArray();
                    for (int j = 0; j < s.W()[l][0].length; j++) {
                        g.writeStartObject();
                        g.writeStringField("W", e.num(s.W()[l][i][j]));
                        g.writeNumberField("Wv", s.W()[l][i][j]);
                        g.writeArrayFieldStart("g");
                        for (int k = 0; k < K; k++) g.writeString(e.num(s.sampleGradients().get(k).dW()[l][i][j]));
                        g.writeEndArray();
                        g.writeArrayFieldStart("gv");
                        for (int k = 0; k < K; k++) g.writeNumber(s.sampleGradients().get(k).dW()[l][i][j]);
                        g.writeEndArray();
                        g.writeStringField("dW", e.num(s.sum().dW()[l][i][j]));
                        g.writeNumberField("dWv", s.sum().dW()[l][i][j]);
                        g.writeStringField("dJ", e.num(s.costGradient().dW()[l][i][j]));
                        g.writeStringField("fd", e.num(s.centralDifference().dW()[l][i][j]));
                        g.writeStringField("newW", e.num(s.newW()[l][i][j]));
                        g.writeNumberField("newWv", s.newW()[l][i][j]);
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return w.toString();
    }

    /** z, a or δ of unit i of SPEC layer m+1 for sample k (m = 0: the input, a = x). */
    private static double value(OneStep s, String q, int k, int m, int i) {
        return switch (q) {
            case "z" -> s.passes().get(k).z()[m][i];
            case "a" -> s.passes().get(k).a()[m][i];
            default -> s.deltas().get(k)[m][i];
        };
    }

    private static final String TEMPLATE = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title><!--TITLE--></title>
            <style>
              body { font-family: system-ui, sans-serif; margin: 1em; color: #222; background: #fff; }
              header p { margin: 0.1em 0; font-size: 0.9em; color: #444; }
              .controls { margin: 0.8em 0; display: flex; flex-wrap: wrap; gap: 0.4em; align-items: center; }
              button { font: inherit; padding: 0.3em 0.8em; border: 1px solid #888; border-radius: 4px; background: #f4f4f4; cursor: pointer; }
              button.on { background: #246; color: #fff; border-color: #246; }
              button:disabled { opacity: 0.4; cursor: default; }
              #title { font-weight: 600; margin-left: 0.5em; }
              main { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
              #drawing { width: 560px; max-width: 100%; flex: none; }
              #net { border: 1px solid #ddd; border-radius: 6px; background: #fcfcfc; max-width: 100%; }
              #net circle { stroke: #333; stroke-width: 1.5; cursor: pointer; }
              #net line { cursor: pointer; }
              #net text { font-size: 12px; pointer-events: none; }
              #net text.value { font-size: 10px; fill: #333; }
              #net .hl { stroke: #000 !important; stroke-width: 3 !important; }
              #info { min-height: 7em; font-family: ui-monospace, monospace; font-size: 0.9em; white-space: pre; background: #f6f6f0;
                      border: 1px solid #ddd; border-radius: 6px; padding: 0.6em; margin-top: 0.6em; }
              #equations { flex: 1; min-width: 28em; }
              #equations pre { background: #f7f7fb; border-left: 3px solid #246; padding: 0.5em 0.7em; margin: 0 0 0.6em 0; overflow-x: auto; }
              #legend { font-size: 0.85em; color: #444; }
            </style>
            </head>
            <body>
            <header><h1>One step of backpropagation</h1><div id="header"></div></header>
            <div class="controls">
              <button id="prev">◀ back</button><button id="next">next ▶</button>
              <span id="title"></span>
            </div>
            <div class="controls" id="stages"></div>
            <div class="controls" id="samples"></div>
            <main>
              <div id="drawing">
                <svg id="net" width="560" height="360" viewBox="0 0 560 360" role="img" aria-label="the network"></svg>
                <div id="legend"></div>
                <div id="info">Hover over or tap a unit or an edge.</div>
              </div>
              <div id="equations"></div>
            </main>
            <script type="application/json" id="step-data">/*DATA*/</script>
            <script>
            "use strict";
            const D = JSON.parse(document.getElementById("step-data").textContent);
            const SVG = "http://www.w3.org/2000/svg";
            let step = 0, sample = 0, selected = null;
            const net = document.getElementById("net");

            for (const h of D.header) { const p = document.createElement("p"); p.textContent = h; document.getElementById("header").appendChild(p); }

            // which quantities the steps up to the current one have computed
            function reached(kind, layer) {
              for (let s = 0; s <= step; s++) {
                const st = D.steps[s];
                if (st.kind === kind && (layer === undefined || st.layer === layer)) return true;
              }
              return false;
            }
            const forwardDone = m => m === 1 || reached("forward", m);
            const deltaDone = m => m > 1 && reached("delta", m);

            // red for positive, blue for negative, paler for smaller against the largest of its kind
            function colour(v, max) {
              if (!(max > 0) || !isFinite(v)) return "rgb(235,235,235)";
              const t = Math.min(1, Math.abs(v) / max), c = Math.round(235 - 185 * t);
              return v >= 0 ? `rgb(235,${c},${c})` : `rgb(${c},${c},235)`;
            }
            const maxAbs = xs => xs.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

            // layout: one column per layer, units spread evenly
            const maxUnits = Math.max(...D.sizes);
            const W = 560, H = Math.max(220, Math.min(600, 60 + 55 * maxUnits)), cols = D.sizes.length;
            net.setAttribute("height", H); net.setAttribute("viewBox", `0 0 ${W} ${H}`);
            const r = Math.max(4, Math.min(18, (H - 40) / (2.6 * maxUnits)));
            const pos = D.sizes.map((n, m) => Array.from({length: n}, (_, i) => [
              75 + m * (W - 150) / Math.max(1, cols - 1), H / 2 + (i - (n - 1) / 2) * Math.min(2.6 * r + 8, (H - 40) / Math.max(1, n - 1 || 1))]));
            const edgeEls = [], unitEls = [], valueEls = [];
            for (let l = 0; l < cols - 1; l++) {
              edgeEls.push([]);
              for (let i = 0; i < D.sizes[l + 1]; i++) {
                edgeEls[l].push([]);
                for (let j = 0; j < D.sizes[l]; j++) {
                  const e = document.createElementNS(SVG, "line");
                  const [x1, y1] = pos[l][j], [x2, y2] = pos[l + 1][i];
                  e.setAttribute("x1", x1); e.setAttribute("y1", y1); e.setAttribute("x2", x2); e.setAttribute("y2", y2);
                  e.setAttribute("id", `edge-${l + 1}-${i + 1}-${j + 1}`);
                  e.addEventListener("mouseover", () => select({edge: [l, i, j]}));
                  e.addEventListener("click", () => select({edge: [l, i, j]}));
                  net.appendChild(e);
                  edgeEls[l][i].push(e);
                }
              }
            }
            for (let m = 0; m < cols; m++) {
              unitEls.push([]); valueEls.push([]);
              for (let i = 0; i < D.sizes[m]; i++) {
                const c = document.createElementNS(SVG, "circle");
                c.setAttribute("cx", pos[m][i][0]); c.setAttribute("cy", pos[m][i][1]); c.setAttribute("r", r);
                c.setAttribute("id", `unit-${m + 1}-${i + 1}`);
                c.addEventListener("mouseover", () => select({unit: [m, i]}));
                c.addEventListener("click", () => select({unit: [m, i]}));
                net.appendChild(c);
                unitEls[m].push(c);
                const v = document.createElementNS(SVG, "text");     // the unit's value, for networks small enough to label
                v.setAttribute("x", pos[m][i][0]); v.setAttribute("y", pos[m][i][1] + r + 11); v.setAttribute("text-anchor", "middle");
                v.setAttribute("class", "value"); v.setAttribute("id", `value-${m + 1}-${i + 1}`);
                net.appendChild(v);
                valueEls[m].push(v);
              }
              const t = document.createElementNS(SVG, "text");
              t.setAttribute("x", pos[m][0][0]); t.setAttribute("y", 16); t.setAttribute("text-anchor", "middle");
              t.textContent = `layer ${m + 1}` + (m > 0 ? ` (${D.activations[m - 1]})` : "");
              net.appendChild(t);
            }

            // what colours the edges at this step, and its values
            function edgeQuantity() {
              if (reached("update")) return ["new W (E11)", e => e.newWv];
              if (reached("sum")) return ["ΔW (E10)", e => e.dWv];
              if (reached("grad")) return [`∇_W J of sample ${sample + 1} (E8)`, e => e.gv[sample]];
              return ["W", e => e.Wv];
            }

            function draw() {
              const st = D.steps[step];
              document.getElementById("title").textContent = `step ${step + 1} of ${D.steps.length}: ${st.title}`;
              document.getElementById("prev").disabled = step === 0;
              document.getElementById("next").disabled = step === D.steps.length - 1;
              document.querySelectorAll("#stages button").forEach((b, s) => b.classList.toggle("on", s === step));
              document.querySelectorAll("#samples button").forEach((b, k) => b.classList.toggle("on", k === sample));
              const eq = document.getElementById("equations");
              eq.textContent = "";
              for (const b of st.blocks) { const pre = document.createElement("pre"); pre.textContent = D.blocks[b]; eq.appendChild(pre); }

              const backward = reached("delta");
              const unitValue = (m, i) => backward && deltaDone(m + 1) ? D.units[m][i].deltav[sample]
                  : forwardDone(m + 1) ? D.units[m][i].av[sample] : NaN;
              for (let m = 0; m < cols; m++) {
                const vals = D.units[m].map((_, i) => unitValue(m, i)).filter(isFinite);
                for (let i = 0; i < D.sizes[m]; i++) {
                  unitEls[m][i].setAttribute("fill", colour(unitValue(m, i), maxAbs(vals)));
                  const u = D.units[m][i];
                  valueEls[m][i].textContent = maxUnits > 12 ? "" : backward && deltaDone(m + 1) ? "δ " + u.delta[sample]
                      : forwardDone(m + 1) ? "a " + u.a[sample] : "";
                }
              }
              const [name, get] = edgeQuantity();
              for (let l = 0; l < cols - 1; l++) {
                const all = D.edges[l].flat().map(get), max = maxAbs(all);
                for (let i = 0; i < D.sizes[l + 1]; i++) for (let j = 0; j < D.sizes[l]; j++) {
                  const v = get(D.edges[l][i][j]);
                  edgeEls[l][i][j].setAttribute("stroke", colour(v, max));
                  edgeEls[l][i][j].setAttribute("stroke-width", String(1 + 4 * (max > 0 ? Math.abs(v) / max : 0)));
                }
              }
              document.getElementById("legend").textContent = `sample k = ${sample + 1}. Units: ${backward ? "δ where computed, else a" : "a"}; `
                  + `edges: ${name}, per layer. Red positive, blue negative, grey not yet computed.`;
              showInfo();
            }

            function select(what) {
              selected = what;
              document.querySelectorAll("#net .hl").forEach(x => x.classList.remove("hl"));
              if (what.unit) unitEls[what.unit[0]][what.unit[1]].classList.add("hl");
              else edgeEls[what.edge[0]][what.edge[1]][what.edge[2]].classList.add("hl");
              showInfo();
            }

            function showInfo() {
              const info = document.getElementById("info");
              if (!selected) return;
              const lines = [];
              if (selected.unit) {
                const [m, i] = selected.unit, u = D.units[m][i], L = m + 1;
                lines.push(`unit ${i + 1} of layer ${L}, sample k = ${sample + 1}`);
                if (m === 0) lines.push(`a = x_${i + 1} = ${u.a[sample]}`);
                else if (forwardDone(L)) { lines.push(`z = ${u.z[sample]}   (E1)`); lines.push(`a = ${u.a[sample]}   (E2)`); }
                else lines.push("z, a: not yet computed (E1, E2)");
                if (m > 0) {
                  lines.push(deltaDone(L) ? `δ = ${u.delta[sample]}   (${L === cols ? "E6" : "E7"})` : `δ: not yet computed (${L === cols ? "E6" : "E7"})`);
                  lines.push(`b = ${u.b}` + (reached("sum") ? `   Δb = ${u.db}` : ""));
                  if (reached("update")) lines.push(`∂J/∂b = ${u.dJ}   central difference ${u.fd}   new b = ${u.newB}`);
                }
              } else {
                const [l, i, j] = selected.edge, e = D.edges[l][i][j];
                lines.push(`W_${i + 1}${j + 1}^(${l + 1}): from unit ${j + 1} of layer ${l + 1} to unit ${i + 1} of layer ${l + 2}`);
                lines.push(`W = ${e.W}`);
                if (reached("grad")) lines.push(`∇_W J of sample ${sample + 1} = ${e.g[sample]}   (E8)`);
                if (reached("sum")) lines.push(`ΔW = ${e.dW}   (E10)`);
                if (reached("update")) {
                  lines.push(`∂J/∂W = ${e.dJ}   central difference ${e.fd}`);
                  lines.push(`new W = ${e.newW}   (E11)`);
                }
              }
              info.textContent = lines.join("\\n");
            }

            D.steps.forEach((st, s) => {
              const b = document.createElement("button");
              b.textContent = st.label;
              b.title = st.title;
              b.addEventListener("click", () => { step = s; draw(); });
              document.getElementById("stages").appendChild(b);
            });
            for (let k = 0; k < D.K; k++) {
              const b = document.createElement("button");
              b.textContent = `sample ${k + 1}`;
              b.addEventListener("click", () => { sample = k; draw(); });
              document.getElementById("samples").appendChild(b);
            }
            document.getElementById("prev").addEventListener("click", () => { if (step > 0) { step--; draw(); } });
            document.getElementById("next").addEventListener("click", () => { if (step < D.steps.length - 1) { step++; draw(); } });
            const start = /step=(\\d+)/.exec(location.hash);     // #step=N opens the page at step N (for links and screenshots)
            if (start) step = Math.min(D.steps.length - 1, Math.max(0, start[1] - 1));
            draw();
            </script>
            </body>
            </html>
            """;
}
