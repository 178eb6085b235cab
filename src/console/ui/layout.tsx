// The page around every console view: head, navigation by role, language switch, sign-out.
import type { Child } from 'hono/jsx';
import { ASSETS } from './assets';
import { messages } from './messages';
import type { Ui } from './ui';

const m = messages(
  {
    skip: 'Skip to content',
    console: 'Relais console',
    mainMenu: 'Main menu',
    overview: 'Overview',
    partners: 'Partners',
    partner: 'Postback setup',
    links: 'Links',
    conversions: 'Conversions',
    postbacks: 'Postback log',
    anomalies: 'Anomalies',
    deliveries: 'Deliveries',
    reports: 'Reports',
    reconciliation: 'Reconciliation',
    statements: 'Statements',
    users: 'Users',
    signOut: 'Sign out',
    otherLang: 'Français',
    otherLangLabel: 'Afficher en français',
    signedInAs: (email: string) => `Signed in as ${email}`,
  },
  {
    skip: 'Aller au contenu',
    console: 'Console Relais',
    mainMenu: 'Menu principal',
    overview: "Vue d'ensemble",
    partners: 'Partenaires',
    partner: 'Configuration des postbacks',
    links: 'Liens',
    conversions: 'Conversions',
    postbacks: 'Journal des postbacks',
    anomalies: 'Anomalies',
    deliveries: 'Envois',
    reports: 'Rapports',
    reconciliation: 'Rapprochement',
    statements: 'Relevés',
    users: 'Utilisateurs',
    signOut: 'Se déconnecter',
    otherLang: 'English',
    otherLangLabel: 'Show in English',
    signedInAs: (email: string) => `Connecté en tant que ${email}`,
  },
);

type Section = keyof typeof m.en;

/** The console's sections, in menu order, and who sees each. */
function menuOf(ui: Ui): { section: Section; href: string }[] {
  const viewer = ui.viewer;
  if (viewer === null) return [];
  const both: { section: Section; href: string }[] = [
    { section: 'overview', href: '/console' },
    { section: 'links', href: '/console/links' },
    { section: 'conversions', href: '/console/conversions' },
    { section: 'postbacks', href: '/console/postbacks' },
    { section: 'deliveries', href: '/console/deliveries' },
    { section: 'reports', href: '/console/reports' },
    { section: 'reconciliation', href: '/console/reconciliation' },
  ];
  if (viewer.role === 'partner') {
    return [...both, { section: 'partner', href: `/console/partners/${viewer.partnerId}` }];
  }
  return [
    both[0]!,
    { section: 'partners', href: '/console/partners' },
    ...both.slice(1),
    { section: 'anomalies', href: '/console/anomalies' },
    { section: 'statements', href: '/console/statements' },
    { section: 'users', href: '/console/users' },
  ];
}

/** Whether a menu entry is the page shown or one of its sub-pages. */
function isCurrent(href: string, here: string): boolean {
  const path = here.split('?')[0] ?? here;
  return href === '/console'
    ? path === '/console' || path === '/console/'
    : path === href || path.startsWith(`${href}/`);
}

/**
 * Wraps a view in the console's page.
 * @example c.html(<Layout ui={ui} title="Links"><LinksTable … /></Layout>)
 */
export function Layout(props: { ui: Ui; title: string; children?: Child }) {
  const { ui } = props;
  const t = m[ui.lang];
  const other = ui.lang === 'en' ? 'fr' : 'en';
  const switchHref = `/console/lang/${other}?back=${encodeURIComponent(ui.here)}`;
  return (
    <html lang={ui.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${props.title} · Relais`}</title>
        <link rel="stylesheet" href={ASSETS.css.href} />
        <script src={ASSETS.js.href} defer />
      </head>
      <body>
        <a class="skip" href="#main">
          {t.skip}
        </a>
        <header class="top">
          <a class="brand" href="/console">
            Relais
          </a>
          {ui.viewer && (
            <nav aria-label={t.mainMenu}>
              <ul>
                {menuOf(ui).map(({ section, href }) => (
                  <li>
                    <a href={href} aria-current={isCurrent(href, ui.here) ? 'page' : undefined}>
                      {t[section] as string}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          <div class="account">
            <a href={switchHref} hreflang={other} lang={other} title={t.otherLangLabel}>
              {t.otherLang}
            </a>
            {ui.viewer && ui.csrfToken && (
              <form method="post" action="/console/logout">
                <input type="hidden" name="_csrf" value={ui.csrfToken} />
                <button type="submit" class="link" title={t.signedInAs(ui.viewer.email)}>
                  {t.signOut}
                </button>
              </form>
            )}
          </div>
        </header>
        <main id="main" tabindex={-1}>
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}
