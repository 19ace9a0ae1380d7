// @ts-check
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * An nginx reverse proxy with upstream keep-alive (one worker process unless `workerProcesses` says), in a temp dir.
 * Returns its config path. With `tls` ({ port, cert, key }: PEM file paths), the same proxy also listens with TLS,
 * HTTP/2 and HTTP/1.1.
 */
export function writeNginxConfig(backendPort, listenPort, tls, workerProcesses = 1) {
  const dir = mkdtempSync(join(tmpdir(), 'hv-nginx-'));
  const location = `
    location /bench/ {
      proxy_pass http://backend/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }`;
  const tlsServer = tls
    ? `
  server {
    listen 127.0.0.1:${tls.port} ssl http2;
    ssl_certificate ${tls.cert};
    ssl_certificate_key ${tls.key};
    ${location}
  }`
    : '';
  const config = `
worker_processes ${workerProcesses};
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream backend { server 127.0.0.1:${backendPort}; keepalive 128; }
  server {
    listen 127.0.0.1:${listenPort};
    ${location}
  }${tlsServer}
}
`;
  const path = join(dir, 'nginx.conf');
  writeFileSync(path, config);
  return { path, dir };
}
