import { describe, expect, it } from 'vitest';
import {
  archiveRetentionDays,
  DEFAULT_CLICK_RETENTION_DAYS,
  DEFAULT_LOG_RETENTION_DAYS,
  isStrongSecret,
  logRetentionDays,
  MIN_SECRET_BYTES,
  misconfigurationMessage,
  refuseEmptyKey,
  retentionDaysOf,
  settingProblems,
} from '../../src/domain/settings';

const strong = 'k'.repeat(MIN_SECRET_BYTES);

describe('settingProblems', () => {
  it('accepts three secrets of 32 bytes or more', () => {
    expect(settingProblems({ ADMIN_API_KEY: strong, HASH_KEY: `${strong}x`, SECRETS_KEY: strong })).toEqual([]);
  });

  it('calls a secret missing when absent, empty or blank', () => {
    expect(settingProblems({ HASH_KEY: '', SECRETS_KEY: '   ' })).toEqual([
      { setting: 'ADMIN_API_KEY', problem: 'missing' },
      { setting: 'HASH_KEY', problem: 'missing' },
      { setting: 'SECRETS_KEY', problem: 'missing' },
    ]);
  });

  it('calls a secret of 31 bytes too short', () => {
    expect(settingProblems({ ADMIN_API_KEY: strong, HASH_KEY: strong.slice(1), SECRETS_KEY: strong })).toEqual([
      { setting: 'HASH_KEY', problem: 'too_short' },
    ]);
  });

  it('takes a time zone the runtime knows, and reads none or a blank one as UTC', () => {
    const secrets = { ADMIN_API_KEY: strong, HASH_KEY: strong, SECRETS_KEY: strong };
    for (const zone of ['Europe/Paris', 'UTC', 'America/Santiago', '', ' ', undefined]) {
      expect(settingProblems({ ...secrets, REPORT_TIMEZONE: zone })).toEqual([]);
    }
  });

  it('refuses a time zone the runtime does not know, rather than fall back on UTC', () => {
    const secrets = { ADMIN_API_KEY: strong, HASH_KEY: strong, SECRETS_KEY: strong };
    for (const zone of ['Europe/Pariss', 'Paris', 'CEST+1', 42]) {
      expect(settingProblems({ ...secrets, REPORT_TIMEZONE: zone })).toEqual([
        { setting: 'REPORT_TIMEZONE', problem: 'unknown_time_zone' },
      ]);
    }
    expect(settingProblems({ HASH_KEY: strong, SECRETS_KEY: strong, REPORT_TIMEZONE: 'Mars/Olympus' })).toEqual([
      { setting: 'ADMIN_API_KEY', problem: 'missing' },
      { setting: 'REPORT_TIMEZONE', problem: 'unknown_time_zone' },
    ]);
  });

  it('counts bytes, not characters', () => {
    expect(isStrongSecret('é'.repeat(16))).toBe(true);
    expect(isStrongSecret('é'.repeat(15))).toBe(false);
    expect(isStrongSecret(undefined)).toBe(false);
  });
});

describe('misconfigurationMessage', () => {
  it('names each setting and what is wrong with it', () => {
    expect(
      misconfigurationMessage([
        { setting: 'HASH_KEY', problem: 'missing' },
        { setting: 'SECRETS_KEY', problem: 'too_short' },
      ]),
    ).toBe(
      'Relais is not configured: HASH_KEY is missing, SECRETS_KEY is shorter than 32 bytes. Set each secret to ' +
        '32 random bytes or more (`wrangler secret put NAME`; `.dev.vars` locally) and deploy again.',
    );
  });
});

describe('misconfigurationMessage of a time zone', () => {
  it('says how to set it, alone or beside the secrets', () => {
    expect(misconfigurationMessage([{ setting: 'REPORT_TIMEZONE', problem: 'unknown_time_zone' }])).toBe(
      'Relais is not configured: REPORT_TIMEZONE is not a time zone. Set REPORT_TIMEZONE (wrangler.toml) to the ' +
        'IANA name of a time zone (Europe/Paris, UTC) and deploy again.',
    );
    expect(
      misconfigurationMessage([
        { setting: 'HASH_KEY', problem: 'missing' },
        { setting: 'REPORT_TIMEZONE', problem: 'unknown_time_zone' },
      ]),
    ).toBe(
      'Relais is not configured: HASH_KEY is missing, REPORT_TIMEZONE is not a time zone. Set each secret to 32 ' +
        'random bytes or more (`wrangler secret put NAME`; `.dev.vars` locally). Set REPORT_TIMEZONE ' +
        '(wrangler.toml) to the IANA name of a time zone (Europe/Paris, UTC) and deploy again.',
    );
  });
});

describe('refuseEmptyKey', () => {
  it('throws for an empty or absent key and lets any other through', () => {
    expect(() => refuseEmptyKey('', 'HMAC')).toThrow('The HMAC key is empty');
    expect(() => refuseEmptyKey(undefined, 'HMAC')).toThrow('The HMAC key is empty');
    expect(() => refuseEmptyKey(new Uint8Array(0), 'HMAC')).toThrow('The HMAC key is empty');
    expect(() => refuseEmptyKey('k', 'HMAC')).not.toThrow();
  });
});

describe('logRetentionDays', () => {
  it('reads a whole number of days, 30 when unset or blank', () => {
    expect(logRetentionDays('14')).toBe(14);
    expect(logRetentionDays(' 365 ')).toBe(365);
    expect(logRetentionDays(undefined)).toBe(DEFAULT_LOG_RETENTION_DAYS);
    expect(logRetentionDays('')).toBe(30);
  });

  it.each(['0', '-5', '3651', '30d', '7.5', 'thirty', '1e2'])('refuses %s', (value) => {
    expect(logRetentionDays(value)).toBeNull();
  });

  it('stops the Worker on a LOG_RETENTION_DAYS that is not a number of days, and says how to fix it', () => {
    const secrets = { ADMIN_API_KEY: strong, HASH_KEY: strong, SECRETS_KEY: strong };
    expect(settingProblems({ ...secrets, LOG_RETENTION_DAYS: '90' })).toEqual([]);
    const problems = settingProblems({ ...secrets, LOG_RETENTION_DAYS: '30 days' });
    expect(problems).toEqual([{ setting: 'LOG_RETENTION_DAYS', problem: 'not_days' }]);
    expect(misconfigurationMessage(problems)).toBe(
      'Relais is not configured: LOG_RETENTION_DAYS is not a number of days. Set LOG_RETENTION_DAYS to a whole number of days from 1 to 3650, or leave it unset and deploy again.',
    );
  });
});

describe('CLICK_RETENTION_DAYS', () => {
  const secrets = { ADMIN_API_KEY: strong, HASH_KEY: strong, SECRETS_KEY: strong };

  it('is 90 days when unset or blank, and any whole number of days from 2 to 3650 otherwise', () => {
    expect(retentionDaysOf(undefined, DEFAULT_CLICK_RETENTION_DAYS)).toBe(90);
    expect(retentionDaysOf('  ', DEFAULT_CLICK_RETENTION_DAYS)).toBe(90);
    expect(retentionDaysOf('2', 90)).toBe(2);
    expect(retentionDaysOf(' 400 ', 90)).toBe(400);
    expect(retentionDaysOf('3650', 90)).toBe(3650);
    expect(settingProblems({ ...secrets, CLICK_RETENTION_DAYS: '30' })).toEqual([]);
  });

  it('refuses anything else rather than read it as the default', () => {
    // One day would let the first hours of the programme's previous day go before they were counted.
    for (const value of ['0', '1', '-5', '90d', '1.5', '3651', '1e3', 'ninety', 90]) {
      expect(retentionDaysOf(value, 90)).toBeNull();
      expect(settingProblems({ ...secrets, CLICK_RETENTION_DAYS: value })).toEqual([
        { setting: 'CLICK_RETENTION_DAYS', problem: 'not_days' },
      ]);
    }
    expect(misconfigurationMessage([{ setting: 'CLICK_RETENTION_DAYS', problem: 'not_days' }])).toBe(
      'Relais is not configured: CLICK_RETENTION_DAYS is not a number of days. Set CLICK_RETENTION_DAYS to a ' +
        'whole number of days from 2 to 3650, or leave it unset for 90 and deploy again.',
    );
  });
});

describe('ARCHIVE_RETENTION_DAYS', () => {
  const secrets = { ADMIN_API_KEY: strong, HASH_KEY: strong, SECRETS_KEY: strong };

  it('is 395 days (13 months) when unset or blank, and any whole number of days from 1 to 3650 otherwise', () => {
    expect(archiveRetentionDays(undefined)).toBe(395);
    expect(archiveRetentionDays(' ')).toBe(395);
    expect(archiveRetentionDays('1')).toBe(1);
    expect(archiveRetentionDays('730')).toBe(730);
    expect(settingProblems({ ...secrets, ARCHIVE_RETENTION_DAYS: '730' })).toEqual([]);
  });

  it('refuses anything else rather than delete archived clicks early', () => {
    for (const value of ['0', '13 months', '3651', 395]) {
      expect(archiveRetentionDays(value)).toBeNull();
      expect(settingProblems({ ...secrets, ARCHIVE_RETENTION_DAYS: value })).toEqual([
        { setting: 'ARCHIVE_RETENTION_DAYS', problem: 'not_days' },
      ]);
    }
    expect(misconfigurationMessage([{ setting: 'ARCHIVE_RETENTION_DAYS', problem: 'not_days' }])).toBe(
      'Relais is not configured: ARCHIVE_RETENTION_DAYS is not a number of days. Set ARCHIVE_RETENTION_DAYS to a ' +
        'whole number of days from 1 to 3650, or leave it unset for 395 and deploy again.',
    );
  });
});
