import { startRadiusCannedServer } from './lib/radius-canned-server.js';

// Run as its own (pinned) process by the bench: `node dist/bench/radius-canned-server-main.js PORT`,
// with the shared secret in BENCH_RADIUS_SECRET (not on the command line).
const port = Number(process.argv[2]);
await startRadiusCannedServer(port, Buffer.from(process.env['BENCH_RADIUS_SECRET'] ?? '', 'utf8'));
process.stdout.write(`listening ${port}\n`);
process.on('SIGTERM', () => process.exit(0));
