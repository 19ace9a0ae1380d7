// A local OTLP/HTTP receiver for the bench: reads each export, counts its spans, answers 200.
// Prints "PORT <n>"; on SIGUSR2 prints "SPANS <count>".
import { createServer } from 'node:http';

let spans = 0;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const payload = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    for (const resource of payload.resourceSpans ?? []) for (const scope of resource.scopeSpans ?? []) spans += scope.spans?.length ?? 0;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
server.listen(0, '127.0.0.1', () => console.log(`PORT ${server.address().port}`));
process.on('SIGUSR2', () => console.log(`SPANS ${spans}`));
process.on('SIGTERM', () => process.exit(0));
