// The console: the web back office of admins and partners, served by the Worker under /console.
// Its pages call the same application services as the API, never the API over HTTP.
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { AppError } from '../http/errors';
import { anomaliesRoutes } from './anomalies/routes';
import type { ConsoleEnv } from './context';
import { conversionsRoutes } from './conversions/routes';
import { deliveriesRoutes } from './deliveries/routes';
import { sameOriginWrites, securityHeaders } from './guard';
import { linksRoutes } from './links/routes';
import { overviewRoutes } from './overview/routes';
import { partnersRoutes } from './partners/routes';
import { postbacksRoutes } from './postbacks/routes';
import { reconciliationRoutes } from './reconciliation/routes';
import { reportsRoutes } from './reports/routes';
import { adminOnly, isConsolePath, requireSession } from './session';
import { signInRoutes } from './sign-in/routes';
import { statementsRoutes } from './statements/routes';
import { ASSETS } from './ui/assets';
import { LANG_COOKIE, LANGS, type Lang } from './ui/locale';
import { ProblemPage } from './ui/problem-page';
import { usersRoutes } from './users/routes';
import { uiOf } from './view-context';

export const consoleApp = new Hono<ConsoleEnv>();

consoleApp.use(securityHeaders);
consoleApp.use(sameOriginWrites);

// Bad input and missing objects are pages, not the API's JSON; anything else is the app's 500.
consoleApp.onError((err, c) => {
  if (!(err instanceof AppError) || err.status >= 500) throw err;
  const ui = c.get('ui') ?? uiOf(c, null);
  const retryAfterSec = Number(err.headers?.['Retry-After']) || undefined;
  return c.html(
    <ProblemPage ui={ui} status={err.status} message={err.message} retryAfterSec={retryAfterSec} />,
    err.status as 400,
    err.headers,
  );
});
consoleApp.notFound((c) => c.html(<ProblemPage ui={c.get('ui') ?? uiOf(c, null)} status={404} message="" />, 404));

// Named after their content: kept a year by browsers, a new version has a new name.
for (const asset of Object.values(ASSETS)) {
  consoleApp.get(asset.href.slice('/console'.length), (c) =>
    c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'public, max-age=31536000, immutable' }),
  );
}

// The language switch: remembered for a year, then back to the page it was clicked on.
consoleApp.get('/lang/:lang', (c) => {
  const lang = c.req.param('lang');
  if (!(LANGS as readonly string[]).includes(lang)) return c.notFound();
  setCookie(c, LANG_COOKIE, lang as Lang, { path: '/console', sameSite: 'Lax', secure: true, maxAge: 31_536_000 });
  const back = c.req.query('back');
  return c.redirect(isConsolePath(back) ? back : '/console', 303);
});

consoleApp.route('/', signInRoutes);

// Everything below needs a session.
consoleApp.use('*', requireSession);
consoleApp.route('/', overviewRoutes);
consoleApp.route('/links', linksRoutes);
consoleApp.route('/conversions', conversionsRoutes);
consoleApp.route('/postbacks', postbacksRoutes);
consoleApp.route('/deliveries', deliveriesRoutes);
consoleApp.route('/reports', reportsRoutes);
consoleApp.route('/reconciliation', reconciliationRoutes);
// A partner's user sees its own partner's page (postback setup); the list is for admins.
consoleApp.route('/partners', partnersRoutes);
consoleApp.use('/anomalies/*', adminOnly);
consoleApp.route('/anomalies', anomaliesRoutes);
consoleApp.use('/statements/*', adminOnly);
consoleApp.route('/statements', statementsRoutes);
consoleApp.use('/users/*', adminOnly);
consoleApp.route('/users', usersRoutes);
