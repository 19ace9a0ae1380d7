// The example API: answers every path, and /health once the migration has run.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  if (req.url === '/health') res.writeHead(existsSync('.migrated') ? 200 : 503).end();
  else res.end(`${process.env.GREETING} from ${process.env.HERVE_SERVICE}[${process.env.HERVE_INSTANCE}]\n`);
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
