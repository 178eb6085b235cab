// /docs: a readable API reference rendered from the OpenAPI document (no external assets, works offline).
import type { Context } from 'hono';

const script = `
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
const ref = (s, doc) => s && s.$ref ? doc.components.schemas[s.$ref.split('/').pop()] : s;
function shape(s, doc, depth = 0) {
  s = ref(s, doc) || {};
  if (depth > 3) return '…';
  if (s.type === 'object' && s.properties) {
    const req = new Set(s.required || []);
    return '<ul>' + Object.entries(s.properties).map(([k, v]) => {
      const r = ref(v, doc) || {};
      const t = r.type === 'array' ? 'array' : (r.enum ? r.enum.map(esc).join(' | ') : (r.type || (r.anyOf ? 'one of' : '')));
      return '<li><code>' + esc(k) + '</code>' + (req.has(k) ? '' : '?') + ' <em>' + esc(t) + '</em> ' + esc(r.description || '') +
        (r.type === 'object' || (r.type === 'array' && ref(r.items, doc)?.type === 'object') ? shape(r.type === 'array' ? r.items : r, doc, depth + 1) : '') + '</li>';
    }).join('') + '</ul>';
  }
  return '<em>' + esc(s.type || '') + '</em>';
}
fetch(document.body.dataset.spec).then((r) => r.json()).then((doc) => {
  const out = [];
  out.push('<h1>' + esc(doc.info.title) + ' <small>' + esc(doc.info.version) + '</small></h1><p>' + esc(doc.info.description) + '</p>');
  const byTag = {};
  for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) {
    (byTag[(op.tags || ['Other'])[0]] ||= []).push({ path, method, op });
  }
  for (const [tag, ops] of Object.entries(byTag)) {
    out.push('<h2>' + esc(tag) + '</h2>');
    for (const { path, method, op } of ops) {
      out.push('<section><h3><span class="m ' + method + '">' + method.toUpperCase() + '</span> <code>' + esc(path) + '</code></h3><p><b>' + esc(op.summary) + '</b> ' + esc(op.description || '') + '</p>');
      const params = (op.parameters || []);
      if (params.length) out.push('<h4>Parameters</h4><ul>' + params.map((p) => '<li><code>' + esc(p.name) + '</code> (' + esc(p.in) + (p.required ? ', required' : '') + ') ' + esc(p.description || p.schema?.description || '') + '</li>').join('') + '</ul>');
      const body = op.requestBody?.content?.['application/json']?.schema;
      if (body) out.push('<h4>Body</h4>' + shape(body, doc));
      out.push('<h4>Responses</h4><ul>' + Object.entries(op.responses || {}).map(([code, r]) => '<li><b>' + esc(code) + '</b> ' + esc(r.description) + '</li>').join('') + '</ul></section>');
    }
  }
  document.getElementById('doc').innerHTML = out.join('');
});
`;

const style =
  'body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}section{border-top:1px solid #ddd;padding:.5rem 0}code{background:#f4f4f4;padding:0 .2rem}.m{font:bold 12px monospace;padding:2px 6px;border-radius:3px;color:#fff;background:#555}.get{background:#2a7}.post{background:#27a}.patch{background:#a72}.delete{background:#a33}ul{margin:.2rem 0}';

/** The API reference page; it reads `specPath` in the browser and lists every operation. */
export function docsPage(c: Context, specPath: string): Response {
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Relais API reference</title><meta name="viewport" content="width=device-width,initial-scale=1"><style>${style}</style></head><body data-spec="${specPath}"><div id="doc">Loading the API reference from <a href="${specPath}">${specPath}</a>…</div><script>${script}</script></body></html>`,
  );
}
