// Checks a page with axe-core, loaded from node_modules into the page: serious and critical violations fail the test.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, Result } from 'axe-core';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** The impacts that fail a page: the console's acceptance allows no serious or critical violation. */
const FAILING_IMPACTS = new Set(['serious', 'critical']);

function describeViolation(violation: Result): string {
  const nodes = violation.nodes.map((node) => {
    // axe's summary is a heading ("Fix any of the following:") and one line per way to fix it.
    const summary = (node.failureSummary ?? '')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .reduce((text, line) => (text === '' ? line : text.endsWith(':') ? `${text} ${line}` : `${text}; ${line}`), '');
    return `    at ${node.target.join(' ')}: ${summary}`;
  });
  return [`- [${violation.impact}] ${violation.id}: ${violation.help} (${violation.helpUrl})`, ...nodes].join('\n');
}

/**
 * Runs axe-core's rules on the page as it is now, and fails with one entry per serious or critical
 * violation, naming the elements at fault.
 * @example
 * await page.goto('/console');
 * await expectAccessible(page);
 */
export async function expectAccessible(page: Page): Promise<void> {
  // Evaluated through DevTools rather than added as a <script> (`page.addScriptTag`): a page whose
  // Content-Security-Policy refuses inline scripts, as the console's should, would block the tag,
  // and the contexts keep CSP enforced so that the tests see what a person's browser does.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(options: object): Promise<AxeResults> } }).axe.run({
      resultTypes: ['violations'],
    }),
  );
  const failing = results.violations.filter((v) => FAILING_IMPACTS.has(v.impact ?? ''));
  if (failing.length === 0) return;
  throw new Error(
    `${failing.length} serious or critical accessibility violation(s) on ${page.url()}:\n` +
      failing.map(describeViolation).join('\n'),
  );
}
