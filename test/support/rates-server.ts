// Vitest global setup, in Node: a local HTTP server standing in for the ECB, so that the rates job
// is tested over a real fetch without the internet. Its origin reaches the tests as `inject('ratesOrigin')`.
//   GET /ecb/<file>      a file of test/fixtures/ecb/ (404 when there is none)
//   GET /status/<code>   an empty answer with that status
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The origin of this server. */
    ratesOrigin: string;
  }
}

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'ecb');

export default async function setup(project: TestProject) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const status = /^\/status\/(\d{3})$/.exec(url.pathname);
    if (status) {
      res.writeHead(Number(status[1])).end();
      return;
    }
    const file = /^\/ecb\/([\w.-]+)$/.exec(url.pathname)?.[1];
    const body = file ? await readFile(path.join(FIXTURES, file)).catch(() => null) : null;
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': file?.endsWith('.xml') ? 'text/xml' : 'text/html' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the rates server has no port');
  project.provide('ratesOrigin', `http://127.0.0.1:${address.port}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
