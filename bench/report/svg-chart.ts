import type { BenchConfig } from '../config.js';
import type { ServerId } from '../harness/server-kinds.js';
import { formatNumber, KEY_METRICS, type KeyMetric } from './key-metrics.js';
import { SCENARIOS } from '../scenarios/index.js';
import { metricOf, type RunResult } from './run-result.js';
import { judgeTargets } from './targets.js';

const PANEL_WIDTH = 300;
const PANEL_HEIGHT = 230;
const COLUMNS = 4;
const PLOT = { top: 44, bottom: 40, left: 16, right: 16 };
const COLORS: Record<ServerId | 'spring', string> = {
  'nest-stomp': '#e0234e',
  'minimal-ws': '#4a6fa5',
  'socket.io': '#6c757d',
  'nest-stomp-relay': '#e0234e',
  'rabbitmq-web-stomp': '#ff6600',
  'simple-broker': '#e0234e',
  'nest-stomp-metrics': '#a0173a',
  'nest-stomp-history': '#e0234e',
  'minimal-ws-history': '#4a6fa5',
  'nest-stomp-redis-streams': '#e0234e',
  'redis-streams-direct': '#a41e11',
  'nest-stomp-jetstream': '#e0234e',
  'jetstream-direct': '#27aae1',
  'nest-stomp-kafka': '#e0234e',
  'kafka-direct': '#231f20',
  'sockjs-app-raw-ws': '#e0234e',
  'sockjs-app-sockjs-websocket': '#b5651d',
  'sockjs-app-xhr-streaming': '#7b3f00',
  spring: '#6db33f',
};

interface Bar {
  readonly label: string;
  readonly value: number;
  readonly color: string;
}

/**
 * A bar chart per key metric (one panel each, own scale), a bar per server, the Spring reference in
 * green where the task gives one, and nest-stomp's target as a dashed line. Plain SVG, no library.
 */
export function svgChart(config: BenchConfig, results: readonly RunResult[]): string {
  const verdicts = judgeTargets(results);
  const metrics = KEY_METRICS.filter((metric) => config.scenarios.includes(metric.scenario) && results.some((r) => r.scenario === metric.scenario));
  const rows = Math.ceil(metrics.length / COLUMNS);
  const width = PANEL_WIDTH * Math.min(COLUMNS, metrics.length);
  const height = PANEL_HEIGHT * rows + 30;
  const panels = metrics.map((metric, i) => {
    const bars: Bar[] = SCENARIOS[metric.scenario].servers.flatMap((server) => {
      const value = metricOf(results, metric.scenario, server, metric.name);
      return value === undefined ? [] : [{ label: server.replace(/^sockjs-app-/, ''), value, color: COLORS[server] }];
    });
    if (metric.springReference !== undefined) bars.push({ label: 'Spring (ref.)', value: metric.springReference, color: COLORS.spring });
    const target = verdicts.find((v) => v.target.scenario === metric.scenario && v.target.metric === metric.name);
    const x = (i % COLUMNS) * PANEL_WIDTH;
    const y = 30 + Math.floor(i / COLUMNS) * PANEL_HEIGHT;
    return panel(metric, bars, target?.limit, x, y);
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="18" font-size="14" font-weight="bold">nest-stomp vs baselines${config.quick ? ' (quick run)' : ''}; dashed: nest-stomp target</text>`,
    ...panels,
    '</svg>',
  ].join('\n');
}

function panel(metric: KeyMetric, bars: readonly Bar[], targetLimit: number | undefined, x: number, y: number): string {
  const plotWidth = PANEL_WIDTH - PLOT.left - PLOT.right;
  const plotHeight = PANEL_HEIGHT - PLOT.top - PLOT.bottom;
  const max = Math.max(...bars.map((bar) => bar.value), targetLimit ?? 0, Number.MIN_VALUE) * 1.1;
  const scale = (value: number) => (value / max) * plotHeight;
  const baseY = y + PLOT.top + plotHeight;
  const slot = plotWidth / Math.max(1, bars.length);
  const parts = [
    `<text x="${x + PLOT.left}" y="${y + 16}" font-weight="bold">(${metric.scenario}) ${escapeXml(metric.label)}</text>`,
    `<text x="${x + PLOT.left}" y="${y + 30}" fill="#555">${metric.better} is better</text>`,
    `<line x1="${x + PLOT.left}" y1="${baseY}" x2="${x + PLOT.left + plotWidth}" y2="${baseY}" stroke="#333"/>`,
  ];
  bars.forEach((bar, i) => {
    const barX = x + PLOT.left + i * slot + slot * 0.15;
    const barWidth = slot * 0.7;
    const barHeight = scale(bar.value);
    parts.push(
      `<rect x="${barX.toFixed(1)}" y="${(baseY - barHeight).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${barHeight.toFixed(1)}" fill="${bar.color}"/>`,
      `<text x="${(barX + barWidth / 2).toFixed(1)}" y="${(baseY - barHeight - 4).toFixed(1)}" text-anchor="middle">${formatNumber(bar.value, metric.decimals)}</text>`,
      `<text x="${(barX + barWidth / 2).toFixed(1)}" y="${baseY + 14}" text-anchor="middle">${escapeXml(bar.label)}</text>`,
    );
  });
  if (targetLimit !== undefined) {
    const lineY = (baseY - scale(targetLimit)).toFixed(1);
    parts.push(`<line x1="${x + PLOT.left}" y1="${lineY}" x2="${x + PLOT.left + plotWidth}" y2="${lineY}" stroke="#e0234e" stroke-dasharray="4 3"/>`);
  }
  return parts.join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
