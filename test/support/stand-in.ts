// A stand-in for partners' servers and landing pages: outbound fetches of the Worker (Durable Objects included,
// since they run in the tests' isolate) are answered here instead of going to the network.
import { vi } from 'vitest';

export type Received = {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  redirect?: string;
};
type Answer = Response | Promise<Response>;

/**
 * Replaces `fetch` for the rest of the test: `answer` decides what each request gets (200 by
 * default); every request is kept in `received`. Undo with `vi.restoreAllMocks()`.
 */
export function standIn(answer: (req: Received) => Answer = () => new Response('ok')) {
  const received: Received[] = [];
  let respond = answer;
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const req: Received = {
      url: request.url,
      method: request.method,
      headers: Object.fromEntries(request.headers),
      body: await request.text(),
      redirect: init?.redirect,
    };
    received.push(req);
    return respond(req);
  });
  return {
    received,
    /** Changes the answers from now on. */
    answer(next: (req: Received) => Answer) {
      respond = next;
    },
    /** Requests made to `host`. */
    to: (host: string) => received.filter((r) => new URL(r.url).host === host),
  };
}
