// In-process: what the Origin check of one WebSocket handshake costs, as a reconnect wave of browser
// pages sends them (every page of the wave sends the same Origin and Host). Three policies, each
// checking N requests (ORIGIN_CHECKS=N, 100,000 by default): no Origin header (non-browser clients,
// as the bench's generator), an Origin listed in allowedOrigins, and the server's own origin without
// allowedOrigins (Origin compared with Host and the socket's local address and port). Reported per
// check: CPU (µs) and bytes allocated, medians of 5 windows.
// Run: node --expose-gc --min-semi-space-size=256 --max-semi-space-size=256 bench/micro/origin-check.mjs
// (after npm run build:lib)
import { heapUsed as allocated, median } from './measure.mjs';
const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const { OriginPolicy } = await import(`${root}/libs/stomp/dist/transport/origin-policy.js`);

const N = Number(process.env.ORIGIN_CHECKS ?? 100_000);
const socket = { localAddress: '127.0.0.1', localPort: 3000, encrypted: false };
const cases = [
  ['no Origin', new OriginPolicy([]), { headers: { host: '127.0.0.1:3000' }, socket }],
  ['Origin in allowedOrigins', new OriginPolicy(['https://app.example']), { headers: { host: 'api.example', origin: 'https://app.example' }, socket }],
  ['own origin (Host, local address)', new OriginPolicy([]), { headers: { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' }, socket }],
];

for (const [name, policy, request] of cases) {
  const cpu = [];
  const bytes = [];
  for (let round = 0; round < 6; round++) {
    globalThis.gc();
    const heapBefore = allocated();
    const before = process.cpuUsage();
    for (let i = 0; i < N; i++) if (!policy.check(request).allowed) throw new Error(`${name}: refused`);
    const used = process.cpuUsage(before);
    const heapAfter = allocated();
    if (round === 0) continue; // warm-up
    cpu.push(((used.user + used.system) / N));
    bytes.push((heapAfter - heapBefore) / N);
  }
  console.log(`${name}: ${median(cpu).toFixed(3)} µs, ${median(bytes).toFixed(0)} B allocated per check`);
}
