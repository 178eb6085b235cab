// The console's one stylesheet and one small script, served by the Worker under content-hashed
// names so that browsers keep them for a year and a new deployment is fetched at once.

const CSS = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa;--accent:#0b57d0;--good:#116329;--bad:#b42318;--s0:#0b57d0;--s1:#b35900;--s2:#6f42c1;--s3:#116329}
*{box-sizing:border-box}
html{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
body{margin:0}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:var(--fg);color:#fff;padding:.5rem 1rem;z-index:9}
.skip:focus{left:0}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.5rem;padding:.5rem 1rem;border-bottom:1px solid var(--line);background:var(--soft)}
.brand{font-weight:700;font-size:1.1rem;text-decoration:none;color:var(--fg)}
.top nav{flex:1;min-width:0}
.top nav ul{display:flex;flex-wrap:wrap;gap:.25rem;list-style:none;margin:0;padding:0}
.top nav a{display:block;padding:.35rem .6rem;border-radius:6px;text-decoration:none;color:var(--fg)}
.top nav a[aria-current=page]{background:var(--fg);color:#fff}
.account{display:flex;gap:1rem;align-items:center;margin-left:auto}
.account form{margin:0}
.account button.link{font-size:inherit;line-height:inherit}
main{max-width:78rem;margin:0 auto;padding:1rem}
main:focus{outline:none}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.muted{color:var(--muted)}
.good{color:var(--good)}
.bad{color:var(--bad)}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.75rem;margin:0 0 1rem;padding:0;list-style:none}
.tiles li{border:1px solid var(--line);border-radius:8px;padding:.75rem}
.tiles .label{display:block;color:var(--muted);font-size:.85rem}
.tiles .value{display:block;font-size:1.35rem;font-weight:600}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1rem}
.table-wrap{overflow-x:auto;margin:0 0 1rem}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--soft);font-weight:600}
td.num,th.num{text-align:right}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end;margin:0 0 1rem;padding:.75rem;background:var(--soft);border-radius:8px}
label{display:block;font-weight:600;font-size:.9rem}
label.inline{display:inline-flex;gap:.4rem;align-items:center;font-weight:400}
input,select,textarea{font:inherit;padding:.35rem .5rem;border:1px solid #8c959f;border-radius:6px;background:#fff;color:var(--fg);max-width:100%}
input[type=checkbox],input[type=radio]{width:auto}
.field{margin:0 0 .75rem}
.field input:not([type=checkbox]),.field select,.field textarea{display:block;width:100%;max-width:32rem}
.hint{color:var(--muted);font-size:.85rem;margin:.15rem 0 0}
button,.button{font:inherit;display:inline-block;padding:.4rem .9rem;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#fff;color:var(--accent)}
button.danger{background:var(--bad);border-color:var(--bad)}
button.link{background:none;border:none;color:var(--accent);padding:0;text-decoration:underline}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.5rem 0 1rem}
.actions form{margin:0}
.notice{padding:.6rem .9rem;border-radius:6px;margin:0 0 1rem;background:#ddf4ff;border:1px solid #54aeff}
.notice.error{background:#ffebe9;border-color:#ff8182}
.badge{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:.8rem;border:1px solid var(--line);background:var(--soft)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0 0 1rem}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;overflow-wrap:anywhere}
pre,code{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace}
pre{background:var(--soft);padding:.75rem;border-radius:6px;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere}
.copy{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap}
.copy code{overflow-wrap:anywhere}
figure.chart{margin:0 0 1.5rem}
figure.chart figcaption{font-weight:600;margin:0 0 .25rem}
figure.chart svg{display:block;width:100%;height:auto;max-height:20rem}
figure.chart details{margin:.25rem 0 0}
.chart .axis{stroke:var(--line);stroke-width:1}
.chart .tick{fill:var(--muted);font-size:11px}
.chart .series{fill:none;stroke-width:2}
.chart .bar{fill:var(--s0)}
.chart .bar-label{fill:var(--fg);font-size:12px}
.chart .s0{stroke:var(--s0);fill:var(--s0)}.chart .s1{stroke:var(--s1);fill:var(--s1)}.chart .s2{stroke:var(--s2);fill:var(--s2)}.chart .s3{stroke:var(--s3);fill:var(--s3)}
.chart .series.s0,.chart .series.s1,.chart .series.s2,.chart .series.s3{fill:none}
.legend{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;margin:.25rem 0;padding:0;font-size:.9rem}
.legend .swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.3rem;vertical-align:middle}
.legend .s0{background:var(--s0)}.legend .s1{background:var(--s1)}.legend .s2{background:var(--s2)}.legend .s3{background:var(--s3)}
.pager{display:flex;gap:1rem;margin:1rem 0}
.qr svg{width:10rem;height:10rem}
.narrow{max-width:26rem;margin:10vh auto}
@media (max-width:40rem){main{padding:.75rem}.top{gap:.25rem .75rem}h1{font-size:1.3rem}.top nav{order:3;flex-basis:100%;overflow-x:auto}.top nav ul{flex-wrap:nowrap;white-space:nowrap}}
@media print{.top,.skip,.actions,form.filters,.no-print{display:none}main{max-width:none;padding:0}a{color:inherit;text-decoration:none}}
fieldset.rule{display:flex;flex-wrap:wrap;gap:0 1rem;border:1px solid var(--line);border-radius:6px;margin:0 0 .75rem;padding:.5rem .75rem}
fieldset.rule legend{font-weight:600;padding:0 .25rem}
fieldset.rule .field{flex:1 1 10rem;margin:0 0 .5rem}
.hint.bad{color:var(--bad);font-weight:600}
input[aria-invalid=true],select[aria-invalid=true],textarea[aria-invalid=true]{border-color:var(--bad);box-shadow:0 0 0 1px var(--bad)}
`;

// What little the console does in the browser: copy buttons and confirmations before an action.
// Everything works without it; it only saves a selection or asks twice.
const JS = `
document.addEventListener('click',function(e){var b=e.target.closest&&e.target.closest('[data-copy]');if(!b)return;var t=b.getAttribute('data-copy');if(navigator.clipboard){navigator.clipboard.writeText(t).then(function(){var o=b.textContent;b.textContent=b.getAttribute('data-copied')||'Copied';setTimeout(function(){b.textContent=o},1500)})}});
document.addEventListener('submit',function(e){var f=e.target;var q=f.getAttribute&&f.getAttribute('data-confirm');if(q&&!window.confirm(q))e.preventDefault()});
`;

/** FNV-1a, enough to give each version of an asset a name of its own. */
function versionOf(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

const asset = (name: string, ext: string, type: string, body: string) => ({
  href: `/console/static/${name}.${versionOf(body)}.${ext}`,
  type,
  body,
});

export const ASSETS = {
  css: asset('console', 'css', 'text/css; charset=utf-8', CSS.trim()),
  js: asset('console', 'js', 'text/javascript; charset=utf-8', JS.trim()),
};
