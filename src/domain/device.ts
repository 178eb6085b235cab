// What a user agent says about the visitor's device: a full parse for click records, a cheap guess for targeting.
import { UAParser } from 'ua-parser-js';
import { detectBot } from './bots';

export type DeviceClass = 'mobile' | 'tablet' | 'desktop' | 'tv' | 'console' | 'wearable' | 'bot' | 'other';
export type DeviceDescription = { device: DeviceClass; os: string | null; browser: string | null };
/** The device classes `quickDevice` tells apart, which are those a targeting rule may name. */
export const QUICK_DEVICES = ['mobile', 'tablet', 'desktop'] as const;
export type QuickDevice = (typeof QUICK_DEVICES)[number];

const PARSER_TYPES: Record<string, DeviceClass> = {
  mobile: 'mobile',
  tablet: 'tablet',
  smarttv: 'tv',
  console: 'console',
  wearable: 'wearable',
};
// Operating systems whose untyped user agents are computers (the parser only types handhelds and appliances).
const DESKTOP_OS =
  /^(?:Windows|macOS|Mac OS|Linux|Ubuntu|Debian|Fedora|Mint|Arch|Gentoo|Slackware|SUSE|openSUSE|Red Hat|CentOS|Mandriva|Kubuntu|Xubuntu|Zenwalk|elementary OS|Chrome OS|Chromium OS|FreeBSD|OpenBSD|NetBSD|DragonFly|Solaris|Unix|BeOS|Haiku|OS\/2|AIX|HP-UX)$/i;

// Handheld systems whose user agents the parser sometimes leaves untyped (Opera Mini, old WebViews).
const HANDHELD_OS =
  /^(?:Android|iOS|Windows Phone|Windows Mobile|BlackBerry|KaiOS|HarmonyOS|Symbian|Sailfish|Ubuntu Touch|Bada)$/i;

/**
 * Device class, OS and browser of a user agent (ua-parser-js). Bots (as `detectBot` sees them)
 * are `bot`; an unknown or missing user agent is `other`. Browser names drop the parser's
 * `Mobile ` prefix (`Mobile Safari` is `Safari`): the device already says it. iPads in desktop
 * mode send a Mac user agent and count as `desktop`.
 * @example describeDevice('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) ... Version/17.4 Mobile/15E148 Safari/604.1')
 * // { device: 'mobile', os: 'iOS', browser: 'Safari' }
 */
export function describeDevice(userAgent: string | null | undefined): DeviceDescription {
  if (!userAgent?.trim()) return { device: 'other', os: null, browser: null };
  const parsed = new UAParser(userAgent).getResult();
  const os = parsed.os.name ?? null;
  const browser = parsed.browser.name?.replace(/^Mobile /, '') ?? null;
  if (detectBot(userAgent).isBot) return { device: 'bot', os, browser };
  const typed = parsed.device.type ? PARSER_TYPES[parsed.device.type] : undefined;
  if (typed) return { device: typed, os, browser };
  if (parsed.device.type === undefined && os !== null) {
    if (DESKTOP_OS.test(os)) return { device: 'desktop', os, browser };
    if (HANDHELD_OS.test(os)) return { device: quickDevice(userAgent), os, browser };
  }
  return { device: 'other', os, browser };
}

// iPads first: their user agents also say `Mobile`.
const TABLET = /iPad|Tablet(?! PC)|PlayBook|Kindle|Silk\/|\bKF[A-Z]{2,6}\b/i;
// Televisions run Android too, without `Mobile`: they must not pass for tablets.
const TELEVISION = /SMART-?TV|\bTV\b|BRAVIA|Chromecast|GoogleTV|\bAFT[A-Z]/i;
const HANDHELD_ANDROID = /Mobi|Opera Mini|FB4A/i;
const MOBILE = /Mobi|iPhone|iPod|Android|Windows Phone|BlackBerry|BB10|Opera Mini|FB4A|FBIOS/i;

/**
 * A regex-only guess between mobile, tablet and desktop, for targeting on the redirect's hot
 * path where a full parse would cost too much. Android without `Mobile` is a tablet (the
 * convention Chrome and Firefox follow); televisions and anything unrecognised are desktop.
 * @example quickDevice('Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 ... Chrome/124.0.0.0 Safari/537.36') // 'tablet'
 */
export function quickDevice(userAgent: string | null | undefined): QuickDevice {
  if (!userAgent) return 'desktop';
  const ua = userAgent.slice(0, 512);
  if (TABLET.test(ua)) return 'tablet';
  if (TELEVISION.test(ua)) return 'desktop';
  if (/Android/i.test(ua) && !HANDHELD_ANDROID.test(ua)) return 'tablet';
  return MOBILE.test(ua) ? 'mobile' : 'desktop';
}
