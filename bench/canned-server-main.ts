import { startCannedServer } from './lib/canned-server.js';

// Run as its own (pinned) process by the bench: `node dist/bench/canned-server-main.js PORT`.
const port = Number(process.argv[2]);
await startCannedServer(port);
process.stdout.write(`listening ${port}\n`);
process.on('SIGTERM', () => process.exit(0));
