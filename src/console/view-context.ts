// Builds what every view is given (src/console/ui/ui.ts) from the request and the session.
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { timeZoneOf } from '../domain/calendar';
import type { ConsoleSession } from '../services/console-sessions';
import type { ConsoleEnv } from './context';
import { formatOf, LANG_COOKIE, langOf } from './ui/locale';
import type { Ui } from './ui/ui';

export function uiOf(c: Context<ConsoleEnv>, session: ConsoleSession | null): Ui {
  const lang = langOf(getCookie(c, LANG_COOKIE), c.req.header('accept-language'));
  const url = new URL(c.req.url);
  return {
    lang,
    fmt: formatOf(lang, timeZoneOf(c.env.REPORT_TIMEZONE)),
    here: url.pathname + url.search,
    csrfToken: session?.csrfToken ?? null,
    viewer: session === null ? null : { ...session.user },
  };
}
