// The few HTML pages people can meet when a link does not lead anywhere.

const page = (title: string, text: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title><style>body{font:16px/1.5 system-ui,sans-serif;margin:15vh auto;max-width:32rem;padding:0 1rem;color:#222}h1{font-size:1.4rem}</style></head><body><h1>${title}</h1><p>${text}</p></body></html>`;

const NOT_FOUND = page('Link not found', 'This link does not exist. Check that it was copied whole.');
const GONE = page('Link no longer active', 'This link has expired or was turned off.');

const htmlHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'private, no-store',
  'x-robots-tag': 'noindex',
};

export const notFoundPage = () => new Response(NOT_FOUND, { status: 404, headers: htmlHeaders });
export const gonePage = () => new Response(GONE, { status: 410, headers: htmlHeaders });
