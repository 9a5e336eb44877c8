// The main charts as PNG files, through the optional dependency chartjs-node-canvas (which builds
// the native `canvas` package). Without it, callers get a message saying how to enable it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChartSpec } from './charts.js';
import type { ReportData } from './data.js';

export const PNG_HELP =
  'PNG charts need the optional package chartjs-node-canvas, which builds the native "canvas" module. ' +
  'On Debian/Ubuntu: apt-get install -y build-essential libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev libpixman-1-dev, ' +
  'then in the rmgauge folder: npm install chartjs-node-canvas';

export interface PngResult {
  available: boolean;
  files: string[];
  message?: string;
}

type Renderer = { renderToBuffer(config: unknown, mime?: string): Promise<Buffer> };
type RendererClass = new (opts: { width: number; height: number; backgroundColour?: string }) => Renderer;

async function loadRenderer(): Promise<RendererClass | null> {
  try {
    const name = 'chartjs-node-canvas';
    const mod = (await import(name)) as { ChartJSNodeCanvas?: RendererClass; default?: { ChartJSNodeCanvas?: RendererClass } };
    return mod.ChartJSNodeCanvas ?? mod.default?.ChartJSNodeCanvas ?? null;
  } catch {
    return null;
  }
}

export async function pngAvailable(): Promise<boolean> {
  return (await loadRenderer()) !== null;
}

/** The error-bar whiskers, as in the page (client/charts.js). */
const errorBarsPlugin = {
  id: 'errorBars',
  afterDatasetsDraw(chart: any) {
    const ctx = chart.ctx;
    const y = chart.scales.y;
    chart.data.datasets.forEach((ds: any, i: number) => {
      const meta = chart.getDatasetMeta(i);
      if (!ds.errorBars || meta.hidden) return;
      meta.data.forEach((bar: any, j: number) => {
        const e = ds.errorBars[j];
        if (!e || typeof e[0] !== 'number' || typeof e[1] !== 'number') return;
        const top = y.getPixelForValue(e[1]);
        const bot = y.getPixelForValue(e[0]);
        const w = Math.min(4, (bar.width || 8) / 3);
        ctx.save();
        ctx.strokeStyle = '#111827';
        ctx.lineWidth = 1.2;
        ctx.beginPath();
        ctx.moveTo(bar.x, top);
        ctx.lineTo(bar.x, bot);
        ctx.moveTo(bar.x - w, top);
        ctx.lineTo(bar.x + w, top);
        ctx.moveTo(bar.x - w, bot);
        ctx.lineTo(bar.x + w, bot);
        ctx.stroke();
        ctx.restore();
      });
    });
  },
};

export function pngFileName(spec: ChartSpec): string {
  return `${spec.id.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 120)}.png`;
}

export async function writePngChartsFromData(data: ReportData, outDir: string): Promise<PngResult> {
  const Renderer = await loadRenderer();
  if (!Renderer) return { available: false, files: [], message: PNG_HELP };
  mkdirSync(outDir, { recursive: true });
  const canvas = new Renderer({ width: 1000, height: 500, backgroundColour: 'white' });
  const files: string[] = [];
  const used = new Set<string>();
  for (const spec of data.charts) {
    const config = JSON.parse(JSON.stringify(spec.config)) as Record<string, any>;
    config.options = { ...(config.options ?? {}), responsive: false, animation: false };
    config.options.plugins = { ...(config.options.plugins ?? {}), title: { display: true, text: spec.title, font: { size: 16 } } };
    config.plugins = [errorBarsPlugin];
    let name = pngFileName(spec);
    for (let k = 2; used.has(name); k++) name = pngFileName(spec).replace(/\.png$/, `-${k}.png`);
    used.add(name);
    const file = join(outDir, name);
    writeFileSync(file, await canvas.renderToBuffer(config, 'image/png'));
    files.push(file);
  }
  return { available: true, files };
}
