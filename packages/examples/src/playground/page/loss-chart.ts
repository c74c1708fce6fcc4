/// <reference lib="dom" />
// The loss curves of train (grey-blue) and test (black) against the step, on a small canvas, the y axis from 0 to the
// largest loss seen (log scale is not needed: the curves start near ln K and fall).
import { fmt } from "./dom.js";

export interface CurvePoint {
  step: number;
  trainLoss: number;
  testLoss: number;
}

const TRAIN_COLOR = "#0877bd";
const TEST_COLOR = "#222";
const PAD = { left: 36, right: 6, top: 8, bottom: 16 };

/** Draws the curves on `canvas`, at most one point per pixel column (the first of each, and the last point). */
export function drawLossChart(canvas: HTMLCanvasElement, curve: readonly CurvePoint[]): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  ctx.font = "10px sans-serif";
  ctx.fillStyle = "#666";
  const w = width - PAD.left - PAD.right;
  const h = height - PAD.top - PAD.bottom;
  ctx.strokeStyle = "#ccc";
  ctx.strokeRect(PAD.left, PAD.top, w, h);
  if (curve.length === 0) {
    ctx.fillText("press play or step", PAD.left + 6, PAD.top + 14);
    return;
  }
  const finite = (v: number): boolean => Number.isFinite(v);
  let top = 0;
  for (const p of curve) top = Math.max(top, finite(p.trainLoss) ? p.trainLoss : 0, finite(p.testLoss) ? p.testLoss : 0);
  if (!(top > 0)) top = 1;
  const first = curve[0].step;
  const last = Math.max(curve[curve.length - 1].step, first + 1);
  const x = (step: number): number => PAD.left + ((step - first) / (last - first)) * w;
  const y = (loss: number): number => PAD.top + h - (Math.min(loss, top) / top) * h;
  ctx.fillText(fmt(top, 3), 2, PAD.top + 8);
  ctx.fillText("0", 2, PAD.top + h);
  ctx.fillText(`step ${last}`, PAD.left + w - 60, height - 3);
  for (const [key, color] of [["testLoss", TEST_COLOR], ["trainLoss", TRAIN_COLOR]] as const) {
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let column = -1;
    let started = false;
    for (let i = 0; i < curve.length; i++) {
      const px = Math.round(x(curve[i].step));
      if (px === column && i !== curve.length - 1) continue;
      column = px;
      const v = curve[i][key];
      if (!finite(v)) continue;
      if (started) ctx.lineTo(px, y(v));
      else ctx.moveTo(px, y(v));
      started = true;
    }
    ctx.stroke();
  }
}
