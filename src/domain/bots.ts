// Whether a click comes from a program rather than a person: bots are redirected like anyone but never billed.
import { isbot } from 'isbot';

export type BotReason =
  | 'empty_user_agent'
  | 'prefetch'
  | 'headless'
  | 'ai_crawler'
  | 'link_preview'
  | 'monitoring'
  | 'crawler'
  | 'http_library'
  | 'spoofed_browser'
  | 'isbot';

export type BotVerdict = { isBot: boolean; reason: BotReason | null };

/**
 * Request headers that help beyond the user agent. Pass each as read from the request
 * (`null` when absent); leave one `undefined` to ignore it.
 */
export type BotHints = {
  /** `Accept`: every browser asks for `text/html` when following a link. */
  accept?: string | null;
  /** `Sec-CH-UA`: headless Chrome names itself here even when its user agent is borrowed. */
  secChUa?: string | null;
  /** `Sec-Purpose`, `Purpose`, `X-Purpose` or `X-Moz`, whichever is present. */
  purpose?: string | null;
};

/** Only this much of a user agent is examined; real ones are far shorter, forged ones can be huge. */
const MAX_EXAMINED_LENGTH = 1024;

// Our own list, checked first: it names the kind of bot, and it catches what isbot leaves to
// others (such as `Viber/` or `jsdom/`). Tokens that real apps share are anchored or qualified
// (`^WhatsApp`, `Pinterest/<digit>` but not the Pinterest app's `[Pinterest/iOS]`).
const KNOWN_BOTS: [BotReason, string[]][] = [
  [
    'ai_crawler',
    [
      'GPTBot',
      'ChatGPT-User',
      'OAI-SearchBot',
      'ClaudeBot',
      'Claude-(?:User|Web|SearchBot)',
      'anthropic-ai',
      'Perplexity-?(?:Bot|User)',
      'CCBot',
      'Google-Extended',
      'Bytespider',
      'Amazonbot',
      'meta-external(?:agent|fetcher|ads)',
      'FacebookBot',
      'cohere-(?:ai|training)',
      'Diffbot',
      'YouBot',
      'DuckAssistBot',
      'MistralAI-User',
      'AI2Bot',
      'Timpibot',
      'ImagesiftBot',
    ],
  ],
  [
    'link_preview',
    [
      'facebookexternalhit',
      'Meta-ExternalHit',
      'Facebot',
      'Twitterbot',
      'Slackbot',
      'Slack-ImgProxy',
      'Discordbot',
      'TelegramBot',
      '^WhatsApp\\b',
      'LinkedInBot',
      'SkypeUriPreview',
      'Applebot',
      'Pinterest(?:bot)?/\\d',
      'redditbot',
      'Embedly',
      'Iframely',
      'vkShare',
      '^Viber\\b',
      'Snap ?URL ?Preview',
      '^Mastodon/',
      'Cardyb',
      'Quora Link Preview',
      'Yahoo Link Preview',
      'bitlybot',
    ],
  ],
  [
    'headless',
    [
      'Headless',
      'PhantomJS',
      'Puppeteer',
      'Playwright',
      'Chrome-Lighthouse',
      'jsdom/',
      'SlimerJS',
      'Selenium',
      'WebDriver',
    ],
  ],
  [
    'monitoring',
    [
      'UptimeRobot',
      'Pingdom',
      'StatusCake',
      'Site24x7',
      'Datadog',
      'NewRelic',
      'Better ?Uptime',
      'Checkly',
      'Uptime-Kuma',
      'Uptimebot',
      'HetrixTools',
      'Honeybadger',
      'OnlineOrNot',
      'Freshping',
      'Zabbix',
      'Nagios',
      'check_http',
      'Catchpoint',
    ],
  ],
  [
    'crawler',
    [
      'Googlebot',
      'AdsBot-Google',
      'Mediapartners-Google',
      'Google-InspectionTool',
      'GoogleOther',
      'Storebot-Google',
      'APIs-Google',
      'FeedFetcher-Google',
      'bingbot',
      'BingPreview',
      'msnbot',
      'adidxbot',
      'Yandex\\w*Bot',
      'Baiduspider',
      'DuckDuckBot',
      'AhrefsBot',
      'AhrefsSiteAudit',
      'SemrushBot',
      'MJ12bot',
      'DotBot',
      'PetalBot',
      'Sogou[\\w ]*spider',
      'SeznamBot',
      'Slurp',
      'Exabot',
      'BLEXBot',
      'DataForSeoBot',
      'Qwantify',
      'Screaming Frog',
      'serpstatbot',
      'SiteAuditBot',
      'rogerbot',
      'Barkrowler',
    ],
  ],
  [
    'http_library',
    [
      '^curl/',
      '^Wget/',
      'python-requests',
      'python-urllib',
      'aiohttp',
      'httpx',
      'urllib3',
      'PycURL',
      'node-fetch',
      'undici',
      '^node$',
      '^axios/',
      'Go-http-client',
      'okhttp',
      '^Java/',
      'Java-http-client',
      'Apache-HttpClient',
      'Commons-HttpClient',
      'libwww-perl',
      '^lwp-',
      'PostmanRuntime',
      '^insomnia/',
      'Scrapy',
      'HTTPie',
      'Guzzle',
      '^Faraday\\b',
      '^Ruby\\b',
      'http\\.rb/',
      'Typhoeus',
      '^Deno/',
      '^Bun/',
      '^Dart/',
      'reqwest',
      'RestSharp',
      'WinHttp',
      '^colly',
    ],
  ],
];

// One alternation with a named group per reason: a single pass over the user agent.
const KNOWN_BOT = new RegExp(KNOWN_BOTS.map(([reason, tokens]) => `(?<${reason}>${tokens.join('|')})`).join('|'), 'i');

// Apps whose in-app browsers carry people: isbot's generic patterns have misread such user agents
// before (device code names, carriers, app tokens), so they skip isbot; our own list still applies.
const IN_APP_BROWSER = new RegExp(
  [
    'FBAN/',
    'FBAV/',
    'FB_IAB/',
    'Instagram',
    '\\bLine/',
    'MicroMessenger',
    'musical_ly',
    'BytedanceWebview',
    'TikTok',
    '\\btrill_',
    'Snapchat/',
    '\\[Pinterest/',
    'Pinterest for',
    'LinkedInApp',
    'Twitter for',
    'TwitterAndroid',
    '\\bGSA/',
    'Gmail/',
    'SamsungBrowser/',
    'YaBrowser/',
    '\\bOPR/',
    'OPRGX',
    'Edition Yx GX',
    'DuckDuckGo/',
    '\\bDdg/',
    'KAKAOTALK',
    'NAVER\\(inapp',
    'GeminiiOS',
    '; wv\\)',
  ].join('|'),
  'i',
);
const BROWSER_LIKE = /^Mozilla\/5\.0 \(/;
const BROWSER_ENGINE = /AppleWebKit\/|Gecko\/|Trident\//;

/**
 * Whether the request comes from a bot, and which kind (`reason`, null for people).
 *
 * In order: a missing user agent; a prefetch or preview announced by `hints.purpose`;
 * headless Chrome named in `hints.secChUa`; our list of crawlers, previews, AI agents,
 * monitors and HTTP libraries; a browser user agent without the `Accept` a browser sends
 * (`spoofed_browser`, only when `hints.accept` is given); then `isbot`, except for the in-app
 * browsers of social and messaging apps, which it has misread before. Electron is not a bot
 * sign: desktop apps (Slack, Teams) send it on people's behalf.
 * @example detectBot('facebookexternalhit/1.1') // { isBot: true, reason: 'link_preview' }
 * @example detectBot('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) ...', { purpose: 'prefetch' })
 * // { isBot: true, reason: 'prefetch' }
 */
export function detectBot(userAgent: string | null | undefined, hints: BotHints = {}): BotVerdict {
  const ua = (userAgent ?? '').trim().slice(0, MAX_EXAMINED_LENGTH);
  if (ua === '') return bot('empty_user_agent');
  if (hints.purpose && /prefetch|prerender|preview/i.test(hints.purpose)) return bot('prefetch');
  if (hints.secChUa && /HeadlessChrome/i.test(hints.secChUa)) return bot('headless');
  const known = KNOWN_BOT.exec(ua);
  if (known?.groups) {
    for (const [reason] of KNOWN_BOTS) if (known.groups[reason] !== undefined) return bot(reason);
  }
  const looksLikeBrowser = BROWSER_LIKE.test(ua) && BROWSER_ENGINE.test(ua);
  if (looksLikeBrowser && hints.accept !== undefined && !acceptsLikeBrowser(hints.accept)) {
    return bot('spoofed_browser');
  }
  if ((BROWSER_LIKE.test(ua) || ua.startsWith('[FBAN/')) && IN_APP_BROWSER.test(ua)) return human();
  return isbot(ua) ? bot('isbot') : human();
}

function bot(reason: BotReason): BotVerdict {
  return { isBot: true, reason };
}

function human(): BotVerdict {
  return { isBot: false, reason: null };
}

/**
 * Browsers following a link ask for `text/html` (old Internet Explorer for a list ending in
 * a wildcard); scripts send nothing, a bare wildcard or the one type they parse.
 */
function acceptsLikeBrowser(accept: string | null): boolean {
  const value = (accept ?? '').trim().toLowerCase();
  if (value === '' || value === '*/*') return false;
  return value.includes('text/html') || value.includes('application/xhtml') || value.includes('*/*');
}
