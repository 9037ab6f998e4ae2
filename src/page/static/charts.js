// The only file that loads uPlot (vendored from node_modules at build time, src/page/build-assets.mjs):
// RTT and loss of one link over time, RTT on the left axis and loss on the right.
let loading = null;

function loadUplot() {
  loading ??= new Promise((resolve, reject) => {
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = '/page/uPlot.min.css';
    document.head.append(css);
    const s = document.createElement('script');
    s.src = '/page/uPlot.iife.min.js';
    s.onload = () => resolve(globalThis.uPlot);
    s.onerror = () => reject(new Error('uPlot did not load'));
    document.head.append(s);
  });
  return loading;
}

const charts = new Map();

function widthOf(el) {
  return Math.max(200, Math.floor(el.clientWidth));
}

/** Draws (or redraws) the chart of one link: points = [{time, rtt_ms, loss_pct}] over window {min, max} (epoch s). */
export async function drawLinkChart(container, link, points, window) {
  const uPlot = await loadUplot();
  const data = [
    points.map((p) => Date.parse(p.time) / 1000),
    points.map((p) => p.rtt_ms),
    points.map((p) => p.loss_pct),
  ];
  let c = charts.get(link);
  if (c === undefined) {
    const box = document.createElement('figure');
    box.className = 'chart';
    box.dataset.chart = link;
    const title = document.createElement('h3');
    title.textContent = link;
    box.append(title);
    container.append(box);
    c = { plot: null, box, window };
    const plot = new uPlot({
      width: widthOf(container), height: 180,
      scales: { x: { time: true, range: () => [c.window.min, c.window.max] }, loss: { range: [0, 100] } },
      series: [
        {},
        { label: 'RTT ms', stroke: '#1565c0', width: 1.5, spanGaps: false },
        { label: 'loss %', stroke: '#c62828', width: 1, scale: 'loss', spanGaps: false },
      ],
      axes: [{}, { label: 'ms' }, { scale: 'loss', side: 1, label: '%', grid: { show: false } }],
    }, data, box);
    c.plot = plot;
    charts.set(link, c);
  } else {
    c.window = window;
    c.plot.setData(data);
  }
}

/** Drops the charts of links no longer listed. */
export function keepCharts(links) {
  for (const [name, c] of charts) {
    if (!links.includes(name)) {
      c.plot.destroy();
      c.box.remove();
      charts.delete(name);
    }
  }
}

export function resizeCharts(container) {
  for (const c of charts.values()) c.plot.setSize({ width: widthOf(container), height: 180 });
}
