// The playground's one HTML file: the shell (the page's sections, by the ids page/main.ts fills), its CSS, and the
// bundle of page/main.ts inline, so that it opens from disk with nothing fetched.

const CSS = `
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; background: #f7f7f7; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 14px; padding: 10px 18px; background: #183d4e; color: #fff; }
header h1 { font-size: 18px; margin: 0 12px 0 0; font-weight: 500; }
header h1 small { font-size: 12px; opacity: 0.7; font-weight: 400; }
header .stat { font-variant-numeric: tabular-nums; }
header .stat b { font-size: 16px; font-weight: 500; }
button { font: inherit; cursor: pointer; border: 1px solid #bbb; background: #fff; border-radius: 4px; padding: 3px 10px; }
button:disabled { opacity: 0.4; cursor: default; }
button.small { padding: 0 6px; min-width: 22px; }
header button { background: #2b5a70; color: #fff; border-color: #4b7a90; }
header button#play { width: 44px; height: 44px; border-radius: 50%; font-size: 18px; background: #fff; color: #183d4e; }
select, input[type=number] { font: inherit; }
input[type=number] { width: 7em; }
.bar { display: flex; flex-wrap: wrap; gap: 6px 18px; padding: 8px 18px; background: #fff; border-bottom: 1px solid #ddd; }
.field { display: inline-flex; flex-direction: column; gap: 2px; }
.field .label { font-size: 11px; color: #666; text-transform: uppercase; letter-spacing: 0.03em; }
.field.checkbox { flex-direction: row-reverse; justify-content: flex-end; align-items: center; gap: 6px; }
.field.range output { font-size: 11px; color: #444; }
.field.disabled { opacity: 0.4; }
#data-controls .field { display: flex; margin-bottom: 8px; }
header .field .label { color: #cfe0e8; }
.errors { white-space: pre-wrap; color: #a40000; background: #fff0f0; border: 1px solid #e0b0b0; margin: 8px 18px; padding: 6px 10px; }
main.columns { display: grid; grid-template-columns: 190px minmax(420px, 1fr) 330px; gap: 18px; padding: 14px 18px; align-items: start; }
section h2 { font-size: 13px; text-transform: uppercase; letter-spacing: 0.05em; color: #555; margin: 0 0 8px; font-weight: 600; }
section h3 { font-size: 13px; margin: 12px 0 4px; }
#network-column h2 { display: flex; gap: 14px; align-items: center; flex-wrap: wrap; }
#network-column h2 label { text-transform: none; letter-spacing: 0; font-weight: 400; color: #222; }
#hidden-controls { display: flex; gap: 6px 16px; flex-wrap: wrap; align-items: center; margin-bottom: 6px; }
.hidden-layer { display: inline-flex; gap: 4px; align-items: center; padding: 1px 6px; background: #fff; border: 1px solid #ddd; border-radius: 4px; }
.hidden-layer .units { min-width: 1.6em; text-align: center; font-variant-numeric: tabular-nums; }
.network-scroll { overflow-x: auto; }
#network { position: relative; }
#network svg.links { position: absolute; left: 0; top: 0; }
#network .link { stroke-linecap: round; opacity: 0.85; }
#network .link:hover { opacity: 1; stroke: #000 !important; }
#network .neuron { position: absolute; width: 40px; height: 40px; border: 1px solid #999; background: #fff; cursor: default; }
#network .neuron:hover { outline: 2px solid #000; }
#network .neuron canvas { width: 38px; height: 38px; display: block; }
#network .neuron-name { position: absolute; left: -22px; top: 12px; font-size: 11px; color: #555; }
#network .column-title { position: absolute; text-align: center; font-size: 11px; color: #666; }
#network .column-summary { position: absolute; text-align: center; font-size: 10px; color: #555; font-variant-numeric: tabular-nums; }
#network[data-mode=backward] .neuron { border-color: #000; }
.tooltip { position: absolute; z-index: 10; width: max-content; max-width: 560px; background: rgba(255, 255, 255, 0.97); border: 1px solid #888; border-radius: 4px; padding: 6px 8px; font: 12px/1.45 ui-monospace, Menlo, Consolas, monospace; box-shadow: 0 2px 6px rgba(0, 0, 0, 0.2); pointer-events: none; white-space: pre-wrap; }
.hint { color: #666; font-size: 12px; max-width: 640px; }
.stats { display: grid; grid-template-columns: auto auto; gap: 0 12px; font-variant-numeric: tabular-nums; margin-bottom: 8px; }
.stats b { font-weight: 500; }
#heatmap { width: 300px; height: 300px; border: 1px solid #ccc; display: block; }
#loss-chart { width: 300px; height: 100px; display: block; margin-top: 8px; background: #fff; }
.legend { font-size: 11px; color: #555; }
.legend .train { color: #0877bd; } .legend .test { color: #222; }
.panel { padding: 4px 18px 14px; }
.panel .controls { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-bottom: 6px; }
table.steps { border-collapse: collapse; width: 100%; background: #fff; margin-bottom: 6px; }
table.steps th, table.steps td { border: 1px solid #ddd; padding: 3px 6px; vertical-align: top; text-align: left; }
table.steps th { background: #eef2f4; font-weight: 500; font-size: 12px; }
table.steps td.formula { font-family: ui-monospace, Menlo, Consolas, monospace; white-space: nowrap; }
table.steps tr.later { opacity: 0.25; }
table.steps tr.current { background: #fff8d8; }
.quantity { display: inline-block; vertical-align: top; margin: 0 14px 4px 0; }
.q-name { font-family: ui-monospace, Menlo, Consolas, monospace; font-weight: 600; }
.q-shape { color: #777; font-size: 11px; }
.matrix { font: 11px/1.3 ui-monospace, Menlo, Consolas, monospace; border-left: 1px solid #999; border-right: 1px solid #999; padding: 0 3px; }
.matrix .num { display: inline-block; min-width: 5.6em; text-align: right; }
.info { color: #444; margin: 4px 0; }
`;

const BODY = `
<header>
  <h1>backprop playground <small>a net learns in your browser, forward and backward</small></h1>
  <button id="reset" type="button" title="reset: the same initial weights (the seed)">&#x27f2; reset</button>
  <button id="play" type="button" title="play / pause">&#x25b6;</button>
  <button id="step" type="button" title="one mini-batch step">step</button>
  <label class="field"><span class="label">Speed</span><select id="speed" title="steps per frame">
    <option value="1">1 step/frame</option><option value="2">2</option><option value="5" selected>5</option><option value="10">10</option><option value="20">20</option><option value="50">50</option><option value="100">100</option><option value="500">500</option>
  </select></label>
  <label class="field"><span class="label">Redraw</span><select id="fps"><option value="30" selected>30 fps</option><option value="10">10 fps</option><option value="1000">every frame</option></select></label>
  <span class="stat">step <b id="iteration">0</b></span>
  <span class="stat"><b id="steps-per-second">0</b> steps/s</span>
</header>
<div id="hyper" class="bar"></div>
<div id="errors" class="errors" hidden></div>
<main class="columns">
  <section id="data-column">
    <h2>Data</h2>
    <div id="data-controls"></div>
    <label class="field"><span class="label">Your own CSV</span><input id="csv-file" type="file" accept=".csv,text/csv,text/plain"></label>
    <p class="info" id="csv-info">Two feature columns and a label (or target) column, the last.</p>
  </section>
  <section id="network-column">
    <h2>Network
      <label><input type="radio" name="mode" id="mode-forward" value="forward" checked> forward: W, outputs</label>
      <label><input type="radio" name="mode" id="mode-backward" value="backward"> backward: dL/dW, &delta;</label>
    </h2>
    <div id="hidden-controls"></div>
    <div class="network-scroll"><div id="network"></div></div>
    <p class="hint" id="network-hint"></p>
  </section>
  <section id="output-column">
    <h2>Output</h2>
    <div class="stats">
      <span>test loss</span><b id="test-loss">-</b>
      <span>train loss</span><b id="train-loss">-</b>
      <span id="metric-name-test">test accuracy</span><b id="test-metric">-</b>
      <span id="metric-name-train">train accuracy</span><b id="train-metric">-</b>
    </div>
    <canvas id="heatmap" width="300" height="300"></canvas>
    <label><input type="checkbox" id="show-test"> show test data (black rings)</label>
    <canvas id="loss-chart" width="300" height="100"></canvas>
    <div class="legend"><span class="train">&#x2014; train loss</span> &nbsp; <span class="test">&#x2014; test loss</span></div>
    <p class="info" id="net-info"></p>
  </section>
</main>
<section class="panel" id="step-through-section">
  <h2>Step through one sample</h2>
  <div class="controls">
    <label>training sample # <input id="sample" type="number" min="0" value="0"></label>
    <button id="trace-first" type="button">first step</button>
    <button id="trace-prev" type="button">&#x25c0; previous</button>
    <button id="trace-next" type="button">next &#x25b6;</button>
    <button id="trace-all" type="button">all</button>
    <span class="info">the sample is ringed on the heat-map; while training, the table follows every second</span>
  </div>
  <div id="step-through"></div>
</section>
<section class="panel" id="export-section">
  <h2>Export and import</h2>
  <div class="controls">
    <button id="export-model" type="button">download model (.bpm)</button>
    <button id="export-tfjs" type="button">download TF.js (model.json, weights.bin)</button>
    <label>load a model file <input id="model-file" type="file" accept=".bpm,application/octet-stream"></label>
  </div>
  <p class="info" id="model-info"></p>
</section>
`;

/** The playground page: the shell, its CSS, and `bundleJs` (bundle/playground.js) inline. */
export function playgroundHtml(bundleJs: string): string {
  // a "</script" inside the bundle would end the script element early
  const script = bundleJs.replace(/<\/script/gi, "<\\/script");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>backprop playground</title>
<link rel="icon" href="data:,">
<style>${CSS}</style>
</head>
<body data-state="loading">
${BODY}
<script>${script}</script>
</body>
</html>
`;
}
