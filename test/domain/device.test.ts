import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeDevice, quickDevice } from '../../src/domain/device';
import { BOT_USER_AGENTS, HUMAN_USER_AGENTS } from './fixtures/user-agents';

const ua = (label: string) => {
  const found = HUMAN_USER_AGENTS.find((h) => h.label === label);
  if (!found) throw new Error(`no fixture ${label}`);
  return found.ua;
};

describe('describeDevice', () => {
  it.each([
    ['iPhone Safari 17', { device: 'mobile', os: 'iOS', browser: 'Safari' }],
    ['iPhone Chrome', { device: 'mobile', os: 'iOS', browser: 'Chrome' }],
    ['iPad Safari', { device: 'tablet', os: 'iOS', browser: 'Safari' }],
    ['Pixel Chrome', { device: 'mobile', os: 'Android', browser: 'Chrome' }],
    ['Android tablet Chrome', { device: 'tablet', os: 'Android', browser: 'Chrome' }],
    ['Samsung Internet', { device: 'mobile', os: 'Android', browser: 'Samsung Internet' }],
    ['Windows Chrome', { device: 'desktop', os: 'Windows', browser: 'Chrome' }],
    ['Windows Edge', { device: 'desktop', os: 'Windows', browser: 'Edge' }],
    ['Windows Firefox', { device: 'desktop', os: 'Windows', browser: 'Firefox' }],
    ['macOS Safari 17', { device: 'desktop', os: 'macOS', browser: 'Safari' }],
    ['macOS Firefox', { device: 'desktop', os: 'macOS', browser: 'Firefox' }],
    ['Linux Firefox', { device: 'desktop', os: 'Linux', browser: 'Firefox' }],
    ['ChromeOS Chrome', { device: 'desktop', os: 'Chrome OS', browser: 'Chrome' }],
    ['iPhone Facebook app', { device: 'mobile', os: 'iOS', browser: 'Facebook' }],
    ['Android Facebook app', { device: 'mobile', os: 'Android', browser: 'Facebook' }],
    ['iPhone Instagram', { device: 'mobile', os: 'iOS', browser: 'Instagram' }],
    ['Android Instagram', { device: 'mobile', os: 'Android', browser: 'Instagram' }],
    ['iPhone TikTok', { device: 'mobile', os: 'iOS', browser: 'TikTok' }],
    ['Android Opera Mini', { device: 'mobile', os: 'Android', browser: 'Opera Mini' }],
    ['Samsung smart TV', { device: 'tv', os: 'Tizen', browser: 'Samsung Internet' }],
    ['PlayStation 5', { device: 'console', os: 'PlayStation', browser: 'WebKit' }],
    ['Galaxy Watch', { device: 'wearable', os: 'Android', browser: 'Chrome' }],
  ])('describes %s', (label, expected) => {
    expect(describeDevice(ua(label))).toEqual(expected);
  });

  it.each(HUMAN_USER_AGENTS.map((h) => [h.label, h.device, h.ua]))('classifies %s as %s', (_label, device, agent) => {
    expect(describeDevice(agent).device).toBe(device);
  });

  it.each(BOT_USER_AGENTS.map((b) => [b.ua]))('classifies the bot %s as bot', (agent) => {
    expect(describeDevice(agent).device).toBe('bot');
  });

  it('still names the OS and browser a bot claims', () => {
    const googlebotSmartphone = BOT_USER_AGENTS.find((b) => b.ua.includes('Nexus 5X'))!.ua;
    expect(describeDevice(googlebotSmartphone)).toEqual({ device: 'bot', os: 'Android', browser: 'Chrome' });
  });

  it('answers other for a missing or unknown user agent', () => {
    expect(describeDevice(null)).toEqual({ device: 'other', os: null, browser: null });
    expect(describeDevice('')).toEqual({ device: 'other', os: null, browser: null });
    expect(describeDevice('  ')).toEqual({ device: 'other', os: null, browser: null });
    expect(describeDevice('Mozilla/5.0 (Unknown) Something/1.2')).toEqual({ device: 'other', os: null, browser: null });
  });

  it('answers other for a headset', () => {
    const quest =
      'Mozilla/5.0 (X11; Linux aarch64; Quest 3) AppleWebKit/537.36 (KHTML, like Gecko) OculusBrowser/33.0.0.0.0.0 Chrome/124.0.6367.118 VR Safari/537.36';
    expect(describeDevice(quest).device).toBe('other');
  });

  it('never throws and always answers a known class', () => {
    fc.assert(
      fc.property(fc.option(fc.string({ maxLength: 400 })), (agent) => {
        expect(['mobile', 'tablet', 'desktop', 'tv', 'console', 'wearable', 'bot', 'other']).toContain(
          describeDevice(agent).device,
        );
      }),
    );
  });
});

describe('quickDevice', () => {
  const handheldOrComputer = HUMAN_USER_AGENTS.filter((h) => ['mobile', 'tablet', 'desktop'].includes(h.device));

  it.each(handheldOrComputer.map((h) => [h.label, h.device, h.ua]))(
    'agrees with the full parse on %s (%s)',
    (_label, device, agent) => {
      expect(quickDevice(agent)).toBe(device);
    },
  );

  it('takes an Android device without Mobile for a tablet, with Mobile for a phone', () => {
    expect(
      quickDevice('Mozilla/5.0 (Linux; Android 14; SM-X910) AppleWebKit/537.36 Chrome/124.0.0.0 Safari/537.36'),
    ).toBe('tablet');
    expect(
      quickDevice('Mozilla/5.0 (Linux; Android 14; SM-S928B) AppleWebKit/537.36 Chrome/124.0.0.0 Mobile Safari/537.36'),
    ).toBe('mobile');
  });

  it('does not take an Android television for a tablet', () => {
    expect(
      quickDevice(
        'Mozilla/5.0 (Linux; Android 9; BRAVIA 4K GB Build/PTT1.190515.001.S52) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/96.0.4664.104 Safari/537.36',
      ),
    ).toBe('desktop');
    expect(quickDevice(ua('Samsung smart TV'))).toBe('desktop');
  });

  it('answers desktop for a missing or unknown user agent', () => {
    expect(quickDevice(null)).toBe('desktop');
    expect(quickDevice(undefined)).toBe('desktop');
    expect(quickDevice('')).toBe('desktop');
    expect(quickDevice('curl/8.4.0')).toBe('desktop');
  });

  it('recognises older handhelds', () => {
    expect(
      quickDevice(
        'Mozilla/5.0 (Mobile; Windows Phone 8.1; Android 4.0; ARM; Trident/7.0; Touch; rv:11.0; IEMobile/11.0; NOKIA; Lumia 635) like iPhone OS 7_0_3 Mac OS X AppleWebKit/537 (KHTML, like Gecko) Mobile Safari/537',
      ),
    ).toBe('mobile');
    expect(
      quickDevice(
        'Mozilla/5.0 (BlackBerry; U; BlackBerry 9900; en) AppleWebKit/534.11+ (KHTML, like Gecko) Version/7.1.0.346 Mobile Safari/534.11+',
      ),
    ).toBe('mobile');
    expect(quickDevice('Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; Tablet PC 2.0; rv:11.0) like Gecko')).toBe(
      'desktop',
    );
  });
});
