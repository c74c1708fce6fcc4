/// <reference lib="dom" />
// The playground page: the settings of the URL, the data and the session they make, the training loop (steps per
// animation frame, redrawn at most at the chosen frame rate), and every view drawn from the session's own objects.
// window.playground exposes the same objects and numbers for tests.
import { DivergedError } from "@backprop/layers";
import type { Tensor } from "@backprop/core";
import { neuronImages } from "../neuron-images.js";
import { csvPlane, generateData, type CsvPlane } from "../plane-data.js";
import { PlaygroundSession } from "../session.js";
import { settingsFromQuery, settingsToQuery, type PlaygroundSettings } from "../settings.js";
import { stepThrough, stepThroughNote, type StepThrough } from "../step-through.js";
import { ControlsForm, settingsOfLocation, writeLocation } from "./controls.js";
import { byId, fmt } from "./dom.js";
import { download, modelBytes, onFileBytes, tfjsFiles } from "./export.js";
import { drawHeatmap, outputColors, targetScale } from "./heatmap.js";
import { drawLossChart } from "./loss-chart.js";
import { hoverText } from "./hover.js";
import { importedSession } from "./model-file.js";
import { NetworkView, inputImages } from "./network-view.js";
import { StepThroughView, sampleNumbers, type SampleNumbers } from "./step-through.js";

/** The grid of the heat-map and the neurons' pictures. */
const RES = 48;
/** While training, the step-through table follows at most this often (ms). */
const TRACE_EVERY_MS = 1000;
/** Steps per second are counted over windows of this length (ms). */
const RATE_WINDOW_MS = 500;

/** window.playground: what a test drives and reads; every call redraws the views as the page's own controls do. */
export interface PlaygroundApi {
  /** The settings of the run shown (the URL's query is settingsToQuery of them). */
  readonly settings: PlaygroundSettings;
  /** The run shown: its net, trainer, data and loss curve. */
  readonly session: PlaygroundSession;
  /** n training steps, then one redraw; returns the last step's loss (NaN when the run diverged, its reason shown). */
  step(n?: number): number;
  /** The session's initial weights again, as the reset button. */
  reset(): void;
  /** session.evaluate(): the four figures the page prints. */
  evaluate(): ReturnType<PlaygroundSession["evaluate"]>;
  /** Traces training sample `sample` into the step-through panel; undefined for a net with batch norm (see BATCH_NORM_NOTE). */
  stepThrough(sample: number): StepThrough | undefined;
  /** The gradients of the last mini-batch's update, by parameter name; undefined before a step. */
  lastGradients(): Record<string, Tensor> | undefined;
  /** The model file's bytes, as the export button downloads them. */
  exportModel(): Uint8Array;
  /** A model file's bytes in, as the file input takes them (throws where the input shows the error). */
  importModel(bytes: Uint8Array): void;
  /** A CSV's text as the data set, as the CSV file input takes it. */
  loadCsv(text: string): void;
  /** Applies settings as the form would (a new session); missing keys keep their values. */
  setSettings(patch: Partial<PlaygroundSettings>): void;
  /** Starts and stops the training loop, as the play button. */
  play(): void;
  pause(): void;
  /** Which the network drawing shows: weights and outputs, or the last batch's gradients. */
  setMode(mode: "forward" | "backward"): void;
  /** Redraws every view now. */
  draw(): void;
  /** Steps per second measured in the page over the last window while playing. */
  readonly stepsPerSecond: number;
  /** "ready" once the page has drawn its first run. */
  state: "loading" | "ready";
}

/**
 * The page's app: the settings and the session they build, the training loop, and every view redrawn from the
 * session's objects. The form, the URL and the model file all go through apply() or use(), so they cannot disagree.
 */
class Playground {
  settings: PlaygroundSettings;
  session!: PlaygroundSession;
  csv?: CsvPlane;
  playing = false;
  stepsPerFrame = 5;
  frameMs = 1000 / 30;
  stepsPerSecond = 0;
  sample = 0;
  trace?: StepThrough;
  numbers?: SampleNumbers;
  /** Why there is no step-through (a net with batch norm), else undefined. */
  note?: string;
  private lastDraw = 0;
  private lastTrace = 0;
  private rateStart = 0;
  private rateSteps = 0;
  private readonly form: ControlsForm;
  private readonly network: NetworkView;
  private readonly steps: StepThroughView;
  private readonly inputs = new Map<number, Float64Array[]>();

  constructor() {
    const { settings, errors } = settingsOfLocation();
    // the CSV itself is not in the URL: until one is chosen, its link shows the spiral
    if (settings.dataset === "csv") {
      errors.push("dataset: csv needs a CSV file, chosen below the data set; showing the spiral until then");
      settings.dataset = "spiral";
    }
    this.settings = settings;
    this.form = new ControlsForm(settings, byId("data-controls"), byId("hyper"), byId("hidden-controls"), byId("errors"), (s) => this.apply(s));
    this.form.showErrors(errors);
    this.network = new NetworkView(byId("network"), hoverText(this));
    this.steps = new StepThroughView(byId("step-through"));
    this.wire();
    this.rebuild();
    // the URL says what is shown: bad values replaced by defaults, a csv link by the spiral
    writeLocation(this.settings);
  }

  /** New settings from the form: the data and the session anew, the URL following. */
  apply(s: PlaygroundSettings): void {
    if (s.dataset === "csv" && !this.csv) {
      this.form.showErrors(["dataset: csv needs a CSV file: choose one with 'Your own CSV'"]);
      this.form.show(this.settings);
      return;
    }
    this.settings = s;
    writeLocation(s);
    this.rebuild();
  }

  rebuild(): void {
    this.use(new PlaygroundSession(this.settings, generateData(this.settings, this.settings.dataset === "csv" ? this.csv : undefined)));
  }

  /** `session` becomes the run shown: the sample chooser kept within its training set, every view drawn anew. */
  private use(session: PlaygroundSession): void {
    this.session = session;
    const last = session.data.train.length - 1;
    this.sample = Math.min(this.sample, last);
    const sampleInput = byId<HTMLInputElement>("sample");
    sampleInput.max = String(last);
    sampleInput.value = String(this.sample);
    this.afterReset();
  }

  reset(): void {
    this.session.reset();
    this.afterReset();
  }

  private afterReset(): void {
    this.session.recordCurve();
    this.retrace();
    this.draw();
  }

  /** n steps; a diverged run pauses with the reason shown. */
  step(n = 1): number {
    try {
      const loss = this.session.step(n);
      this.rateSteps += n;
      return loss;
    } catch (error) {
      if (!(error instanceof DivergedError)) throw error;
      this.pause();
      this.form.showErrors([`${error.message}; reset to start again`]);
      return NaN;
    }
  }

  play(): void {
    if (this.playing) return;
    this.playing = true;
    byId("play").innerHTML = "&#x275a;&#x275a;";
    this.rateStart = performance.now();
    this.rateSteps = 0;
    requestAnimationFrame((t) => this.frame(t));
  }

  pause(): void {
    this.playing = false;
    byId("play").innerHTML = "&#x25b6;";
    this.retrace();
    this.draw();
  }

  private frame(now: number): void {
    if (!this.playing) return;
    this.step(this.stepsPerFrame);
    if (!this.playing) return;
    if (now - this.rateStart >= RATE_WINDOW_MS) {
      this.stepsPerSecond = (1000 * this.rateSteps) / (now - this.rateStart);
      this.rateStart = now;
      this.rateSteps = 0;
    }
    if (now - this.lastDraw >= this.frameMs - 1) {
      this.session.recordCurve();
      if (now - this.lastTrace >= TRACE_EVERY_MS) this.retrace();
      this.draw();
      this.lastDraw = now;
    }
    requestAnimationFrame((t) => this.frame(t));
  }

  /** The step-through of the chosen sample with the net as it is now. */
  retrace(): void {
    const { net, data, settings } = this.session;
    this.note = stepThroughNote(net);
    if (this.note) {
      this.trace = undefined;
      this.numbers = undefined;
      this.steps.note(this.note);
    } else {
      this.trace = stepThrough(net, data.train, this.sample, Math.min(settings.batchSize, data.train.length));
      this.numbers = sampleNumbers(this.trace);
      this.steps.draw(this.trace);
    }
    this.lastTrace = performance.now();
  }

  draw(): void {
    const { net, data } = this.session;
    const images = neuronImages(net, data.extent, RES);
    const output = images[images.length - 1].units;
    const scale = targetScale([data.train, data.test]);
    const heatmap = byId<HTMLCanvasElement>("heatmap");
    drawHeatmap(heatmap, RES, outputColors(output, data.task, scale), data.train, data.test, data.extent, byId<HTMLInputElement>("show-test").checked, scale);
    this.ringSample(heatmap);
    this.network.draw({ net, images: [this.inputImages(data.extent), ...images.map((e) => e.units)], res: RES, classProbabilities: data.task === "classification", grads: this.session.lastGradients(), sampleValues: this.numbers?.columns });
    drawLossChart(byId<HTMLCanvasElement>("loss-chart"), this.session.curve);
    this.drawStats();
  }

  private inputImages(extent: number): Float64Array[] {
    let images = this.inputs.get(extent);
    if (!images) this.inputs.set(extent, (images = inputImages(extent, RES)));
    return images;
  }

  private ringSample(canvas: HTMLCanvasElement): void {
    const { train, extent } = this.session.data;
    const ctx = canvas.getContext("2d");
    if (!ctx || this.sample >= train.length) return;
    const px = ((train.x[2 * this.sample] + extent) / (2 * extent)) * canvas.width;
    const py = ((extent - train.x[2 * this.sample + 1]) / (2 * extent)) * canvas.height;
    ctx.beginPath();
    ctx.arc(px, py, 8, 0, 2 * Math.PI);
    ctx.strokeStyle = "#000";
    ctx.lineWidth = 2;
    ctx.stroke();
  }

  private drawStats(): void {
    // the curve's last point when it is of this step (every redraw follows one), else evaluated now
    const last = this.session.curve.at(-1);
    const e = last !== undefined && last.step === this.session.iteration ? last : this.session.evaluate();
    const regression = this.session.data.task === "regression";
    const put = (id: string, v: number, digits = 6): void => {
      const node = byId(id);
      node.textContent = regression || !id.endsWith("metric") ? fmt(v, digits) : v.toFixed(4);
      node.dataset.value = String(v);
    };
    put("test-loss", e.testLoss);
    put("train-loss", e.trainLoss);
    put("test-metric", e.testMetric);
    put("train-metric", e.trainMetric);
    byId("metric-name-test").textContent = regression ? "test MAE" : "test accuracy";
    byId("metric-name-train").textContent = regression ? "train MAE" : "train accuracy";
    const iteration = byId("iteration");
    iteration.textContent = String(this.session.iteration);
    iteration.dataset.value = String(this.session.iteration);
    const rate = byId("steps-per-second");
    // the last measurement stays while paused
    rate.textContent = String(Math.round(this.stepsPerSecond));
    rate.dataset.value = String(this.stepsPerSecond);
    const { train, test } = this.session.data;
    byId("net-info").textContent = `${this.session.net}; ${train.length} train + ${test.length} test points`;
    byId("network-hint").textContent =
      this.network.mode === "backward"
        ? this.session.lastGradients()
          ? `Backward: each link is dL/dW of the last mini-batch (before its update), each neuron ${
              this.settings.batchNorm
                ? "its batch norm's dβ (the batch's dL/d(BN output) summed: what reaches the unit; its db is 0, since batch norm subtracts the batch's mean)"
                : "its δ = db (the batch's dL/dZ summed)"
            }, on one scale for the whole net. With sigmoid they fade toward the input: vanishing gradients; ReLU keeps them.`
          : "Backward: take a step first; the gradients are those of the last mini-batch."
        : "Forward: each neuron shows its output over the plane (blue positive, orange negative); each link is its weight, blue positive, orange negative, as wide as its size. Hover a link or a neuron for its numbers.";
  }

  /** Settings changed as the form changes them, checked as the URL's are. */
  setSettings(patch: Partial<PlaygroundSettings>): void {
    const { settings, errors } = settingsFromQuery(settingsToQuery({ ...this.settings, ...patch }));
    if (errors.length > 0) throw new Error(`setSettings: ${errors.join("; ")}`);
    this.form.show(settings);
    this.apply(settings);
  }

  loadCsv(text: string, name = "CSV"): void {
    const csv = csvPlane(text);
    this.csv = csv;
    byId("csv-info").textContent = `${name}: ${csv.x.length / 2} rows, ${csv.labels ? `${csv.classes} classes (${csv.names.join(", ")})` : "regression"}`;
    this.apply({ ...this.settings, dataset: "csv" });
    this.form.show(this.settings);
  }

  exportModel(): Uint8Array {
    return modelBytes(this.session.net, this.settings, this.session.iteration);
  }

  /** A model file into the page (see importedSession): its settings become the page's, its net the session's. */
  importModel(bytes: Uint8Array, name = "model bytes"): void {
    const { session, net } = importedSession(bytes, name, this.settings, this.csv);
    this.pause();
    this.settings = session.settings;
    writeLocation(session.settings);
    this.form.show(session.settings);
    byId("model-info").textContent = `loaded ${name}: ${net}`;
    this.use(session);
  }

  private wire(): void {
    byId("play").addEventListener("click", () => (this.playing ? this.pause() : this.play()));
    byId("step").addEventListener("click", () => {
      this.pause();
      this.step(1);
      this.session.recordCurve();
      this.retrace();
      this.draw();
    });
    byId("reset").addEventListener("click", () => {
      this.pause();
      this.reset();
    });
    byId<HTMLSelectElement>("speed").addEventListener("change", (e) => (this.stepsPerFrame = Number((e.target as HTMLSelectElement).value)));
    byId<HTMLSelectElement>("fps").addEventListener("change", (e) => (this.frameMs = 1000 / Number((e.target as HTMLSelectElement).value)));
    byId("show-test").addEventListener("change", () => this.draw());
    for (const mode of ["forward", "backward"] as const) {
      byId(`mode-${mode}`).addEventListener("change", () => this.setMode(mode));
    }
    const sample = byId<HTMLInputElement>("sample");
    sample.addEventListener("change", () => {
      const n = Number(sample.value);
      const max = this.session.data.train.length - 1;
      this.sample = Number.isInteger(n) ? Math.max(0, Math.min(max, n)) : 0;
      sample.value = String(this.sample);
      this.retrace();
      this.draw();
    });
    for (const to of ["first", "prev", "next", "all"] as const) byId(`trace-${to}`).addEventListener("click", () => this.steps.walk(to));
    byId("export-model").addEventListener("click", () => download(`playground-step${this.session.iteration}.bpm`, this.exportModel()));
    byId("export-tfjs").addEventListener("click", () => {
      for (const { name, bytes } of tfjsFiles(this.session.net)) download(name, bytes, name.endsWith(".json") ? "application/json" : "application/octet-stream");
    });
    onFileBytes(byId<HTMLInputElement>("model-file"), (bytes, name) => this.guard(() => this.importModel(bytes, name)));
    onFileBytes(byId<HTMLInputElement>("csv-file"), (bytes, name) => this.guard(() => this.loadCsv(new TextDecoder().decode(bytes), name)));
  }

  setMode(mode: "forward" | "backward"): void {
    this.network.mode = mode;
    byId<HTMLInputElement>(`mode-${mode}`).checked = true;
    this.draw();
  }

  /** Runs `f`, showing its error on the page rather than in the console (a bad file is the user's, not a bug). */
  private guard(f: () => void): void {
    try {
      this.form.showErrors([]);
      f();
    } catch (error) {
      this.form.showErrors([(error as Error).message]);
    }
  }
}

function start(): void {
  const app = new Playground();
  const api: PlaygroundApi = {
    get settings() {
      return app.settings;
    },
    get session() {
      return app.session;
    },
    step(n = 1) {
      const loss = app.step(n);
      app.session.recordCurve();
      app.retrace();
      app.draw();
      return loss;
    },
    reset: () => app.reset(),
    evaluate: () => app.session.evaluate(),
    stepThrough: (sample) => {
      app.sample = sample;
      byId<HTMLInputElement>("sample").value = String(sample);
      app.retrace();
      app.draw();
      return app.trace;
    },
    lastGradients: () => app.session.lastGradients(),
    exportModel: () => app.exportModel(),
    importModel: (bytes) => app.importModel(bytes),
    loadCsv: (text) => app.loadCsv(text),
    setSettings: (patch) => app.setSettings(patch),
    play: () => app.play(),
    pause: () => app.pause(),
    setMode: (mode) => app.setMode(mode),
    draw: () => app.draw(),
    get stepsPerSecond() {
      return app.stepsPerSecond;
    },
    state: "ready",
  };
  (window as unknown as { playground: PlaygroundApi }).playground = api;
  document.body.dataset.state = "ready";
}

start();
