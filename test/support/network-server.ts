// Vitest global setup, in Node: a local stand-in for affiliate networks' APIs (Awin's publisher API, a generic JSON
// one), answering from test/fixtures/ what each test scripts and recording every request it gets. Its origin reaches
// the tests as `inject('networkOrigin')`. Accounts keep tests apart: each test uses its own publisher id.
//   GET  /publishers/<account>/transactions/   Awin's transactions list
//   GET  /json/<account>/transactions          a generic network's list
//   POST /__script/<account>  {answers: [{dateType?, status?, headers?, fixture?, body?}]}  the answers to give,
//        in order; an answer with a `dateType` is given only to a call with that `dateType`; without any, `[]`
//   GET  /__requests/<account>  [{path, query, authorization}]  the calls received so far
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The origin of the stand-in networks. */
    networkOrigin: string;
  }
}

/** One scripted answer: a fixture file (under test/fixtures/) or a raw body, with a status and headers. */
export type ScriptedAnswer = {
  dateType?: string;
  status?: number;
  headers?: Record<string, string>;
  fixture?: string;
  body?: string;
};

/** A call the stand-in received, as the tests assert it. */
export type ReceivedRequest = { path: string; query: Record<string, string>; authorization: string | null };

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures');

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export default async function setup(project: TestProject) {
  const scripts = new Map<string, ScriptedAnswer[]>();
  const received = new Map<string, ReceivedRequest[]>();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const control = /^\/__(script|requests)\/([\w-]+)$/.exec(url.pathname);
    if (control) {
      const [, verb, account = ''] = control;
      if (verb === 'script' && req.method === 'POST') {
        scripts.set(account, (JSON.parse(await readBody(req)) as { answers: ScriptedAnswer[] }).answers);
        received.set(account, []);
        res.writeHead(204).end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(received.get(account) ?? []));
      }
      return;
    }
    const list = /^\/(?:publishers|json)\/([\w-]+)\/transactions\/?$/.exec(url.pathname);
    if (!list || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const account = list[1] ?? '';
    const query = Object.fromEntries(url.searchParams);
    received.set(account, [
      ...(received.get(account) ?? []),
      { path: url.pathname, query, authorization: req.headers.authorization ?? null },
    ]);
    const queue = scripts.get(account) ?? [];
    const at = queue.findIndex((a) => a.dateType === undefined || a.dateType === query.dateType);
    const answer = at >= 0 ? queue.splice(at, 1)[0] : undefined;
    const body = answer?.fixture ? await readFile(path.join(FIXTURES, answer.fixture), 'utf8') : (answer?.body ?? '[]');
    res.writeHead(answer?.status ?? 200, { 'content-type': 'application/json', ...answer?.headers }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the network stand-in has no port');
  project.provide('networkOrigin', `http://127.0.0.1:${address.port}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
