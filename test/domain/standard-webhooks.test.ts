import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newSigningSecret, signWebhook, signWebhookWithEach, verifyWebhook } from '../../src/domain/standard-webhooks';

// The library checks timestamps against the real clock, so interoperability tests sign "now".
const now = () => Math.floor(Date.now() / 1000);
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER_SECRET = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
const BODY = JSON.stringify({ transactionId: 'ORD-1042', amount: '10.44', currency: 'EUR' });

function libraryHeaders(secret: string, id: string, timestampSec: number, body: string) {
  const signature = new Webhook(secret).sign(id, new Date(timestampSec * 1000), body);
  return { id, timestamp: String(timestampSec), signature };
}

describe('signWebhookWithEach', () => {
  it('carries one entry per secret, each verified by the standardwebhooks library with its own secret', async () => {
    const ts = now();
    const header = await signWebhookWithEach([SECRET, OTHER_SECRET], 'msg_2', ts, BODY);
    expect(header.split(' ')).toEqual([
      await signWebhook(SECRET, 'msg_2', ts, BODY),
      await signWebhook(OTHER_SECRET, 'msg_2', ts, BODY),
    ]);
    const headers = { 'webhook-id': 'msg_2', 'webhook-timestamp': String(ts), 'webhook-signature': header };
    for (const secret of [SECRET, OTHER_SECRET])
      expect(new Webhook(secret).verify(BODY, headers)).toEqual(JSON.parse(BODY));
    expect(() => new Webhook(newSigningSecret()).verify(BODY, headers)).toThrow();
  });

  it('refuses to sign with no secret at all', async () => {
    await expect(signWebhookWithEach([], 'msg_3', now(), BODY)).rejects.toThrow(RangeError);
  });
});

describe('signWebhook', () => {
  it('produces the signature of the reference example of the specification', async () => {
    // Example from the Standard Webhooks specification.
    const signature = await signWebhook(SECRET, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('signs exactly as the standardwebhooks library does', async () => {
    const ts = now();
    const ours = await signWebhook(SECRET, 'msg_1', ts, BODY);
    expect(ours).toBe(new Webhook(SECRET).sign('msg_1', new Date(ts * 1000), BODY));
  });

  it('is verified by the standardwebhooks library', async () => {
    const ts = now();
    const signature = await signWebhook(SECRET, 'msg_2', ts, BODY);
    const headers = { 'webhook-id': 'msg_2', 'webhook-timestamp': String(ts), 'webhook-signature': signature };
    expect(new Webhook(SECRET).verify(BODY, headers)).toEqual(JSON.parse(BODY));
  });

  it('signs bodies with non-ASCII characters as UTF-8, like the library', async () => {
    const ts = now();
    const body = JSON.stringify({ category: 'pièces détachées', note: '日本語 ✓' });
    const signature = await signWebhook(SECRET, 'msg_utf8', ts, body);
    const headers = { 'webhook-id': 'msg_utf8', 'webhook-timestamp': String(ts), 'webhook-signature': signature };
    expect(new Webhook(SECRET).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('accepts a secret without the whsec_ prefix', async () => {
    const withPrefix = await signWebhook(SECRET, 'msg_3', 1700000000, BODY);
    expect(await signWebhook(SECRET.slice('whsec_'.length), 'msg_3', 1700000000, BODY)).toBe(withPrefix);
  });

  it('refuses a secret that is not base64 and a timestamp that is not whole seconds', async () => {
    await expect(signWebhook('whsec_not*base64', 'msg_4', 1700000000, BODY)).rejects.toThrow(TypeError);
    await expect(signWebhook('whsec_', 'msg_4', 1700000000, BODY)).rejects.toThrow(TypeError);
    await expect(signWebhook(SECRET, 'msg_4', 1700000000.5, BODY)).rejects.toThrow(RangeError);
  });
});

describe('verifyWebhook', () => {
  it('accepts a message signed by the standardwebhooks library', async () => {
    const ts = now();
    const headers = libraryHeaders(SECRET, 'msg_a', ts, BODY);
    expect(await verifyWebhook([SECRET], headers, BODY, ts)).toEqual({ ok: true });
  });

  it('refuses a tampered body', async () => {
    const ts = now();
    const headers = libraryHeaders(SECRET, 'msg_b', ts, BODY);
    const tampered = BODY.replace('10.44', '99.44');
    expect(await verifyWebhook([SECRET], headers, tampered, ts)).toMatchObject({
      ok: false,
      code: 'invalid_signature',
    });
  });

  it('refuses a tampered id or timestamp, both being part of the signed content', async () => {
    const ts = now();
    const headers = libraryHeaders(SECRET, 'msg_c', ts, BODY);
    expect(await verifyWebhook([SECRET], { ...headers, id: 'msg_other' }, BODY, ts)).toMatchObject({
      code: 'invalid_signature',
    });
    expect(await verifyWebhook([SECRET], { ...headers, timestamp: String(ts - 1) }, BODY, ts)).toMatchObject({
      code: 'invalid_signature',
    });
  });

  it('refuses a message signed with another secret', async () => {
    const ts = now();
    const headers = libraryHeaders(OTHER_SECRET, 'msg_d', ts, BODY);
    expect(await verifyWebhook([SECRET], headers, BODY, ts)).toMatchObject({ ok: false, code: 'invalid_signature' });
  });

  it('accepts a timestamp exactly 5 minutes old or ahead, and refuses one second more', async () => {
    const ts = 1_700_000_000;
    const headers = libraryHeaders(SECRET, 'msg_e', ts, BODY);
    expect(await verifyWebhook([SECRET], headers, BODY, ts + 300)).toEqual({ ok: true });
    expect(await verifyWebhook([SECRET], headers, BODY, ts - 300)).toEqual({ ok: true });
    expect(await verifyWebhook([SECRET], headers, BODY, ts + 301)).toEqual({
      ok: false,
      code: 'timestamp_out_of_tolerance',
      message: 'webhook-timestamp is too old',
    });
    expect(await verifyWebhook([SECRET], headers, BODY, ts - 301)).toEqual({
      ok: false,
      code: 'timestamp_out_of_tolerance',
      message: 'webhook-timestamp is too far in the future',
    });
  });

  it('checks the timestamp before the signature, so an old replay is refused as such', async () => {
    const ts = 1_700_000_000;
    const headers = libraryHeaders(SECRET, 'msg_f', ts, BODY);
    expect(await verifyWebhook([SECRET], headers, 'tampered', ts + 3600)).toMatchObject({
      code: 'timestamp_out_of_tolerance',
    });
  });

  it('honours another tolerance', async () => {
    const ts = 1_700_000_000;
    const headers = libraryHeaders(SECRET, 'msg_g', ts, BODY);
    expect(await verifyWebhook([SECRET], headers, BODY, ts + 60, 30)).toMatchObject({
      code: 'timestamp_out_of_tolerance',
    });
  });

  it('refuses missing or empty headers', async () => {
    const ts = now();
    const headers = libraryHeaders(SECRET, 'msg_h', ts, BODY);
    for (const missing of ['id', 'timestamp', 'signature'] as const) {
      for (const value of [null, '']) {
        expect(await verifyWebhook([SECRET], { ...headers, [missing]: value }, BODY, ts)).toMatchObject({
          ok: false,
          code: 'missing_headers',
        });
      }
    }
  });

  it('refuses a timestamp that is not whole seconds', async () => {
    const ts = now();
    const headers = libraryHeaders(SECRET, 'msg_i', ts, BODY);
    for (const timestamp of [`${ts}abc`, `${ts}.5`, '-1', 'soon', new Date(ts * 1000).toISOString()]) {
      expect(await verifyWebhook([SECRET], { ...headers, timestamp }, BODY, ts)).toMatchObject({
        ok: false,
        code: 'invalid_timestamp',
      });
    }
  });

  it('accepts any matching v1 entry among several signatures', async () => {
    const ts = now();
    const good = (await signWebhook(SECRET, 'msg_j', ts, BODY)).slice(3);
    const bad = (await signWebhook(OTHER_SECRET, 'msg_j', ts, BODY)).slice(3);
    const signature = `v1,${bad} v1a,${good} v1,${good}`;
    expect(await verifyWebhook([SECRET], { id: 'msg_j', timestamp: String(ts), signature }, BODY, ts)).toEqual({
      ok: true,
    });
  });

  it('ignores entries of other versions even when they carry the right bytes', async () => {
    const ts = now();
    const good = (await signWebhook(SECRET, 'msg_k', ts, BODY)).slice(3);
    for (const signature of [`v1a,${good}`, `v2,${good}`, good, `v1,`]) {
      expect(await verifyWebhook([SECRET], { id: 'msg_k', timestamp: String(ts), signature }, BODY, ts)).toMatchObject({
        code: 'invalid_signature',
      });
    }
  });

  it('accepts both the new and the previous secret while a secret is rotated', async () => {
    const ts = now();
    const oldSigned = libraryHeaders(OTHER_SECRET, 'msg_l', ts, BODY);
    const newSigned = libraryHeaders(SECRET, 'msg_l', ts, BODY);
    expect(await verifyWebhook([SECRET, OTHER_SECRET], oldSigned, BODY, ts)).toEqual({ ok: true });
    expect(await verifyWebhook([SECRET, OTHER_SECRET], newSigned, BODY, ts)).toEqual({ ok: true });
    expect(await verifyWebhook([SECRET], oldSigned, BODY, ts)).toMatchObject({ code: 'invalid_signature' });
  });

  it('accepts a sender that signs with both secrets during rotation', async () => {
    const ts = now();
    const a = new Webhook(SECRET).sign('msg_m', new Date(ts * 1000), BODY);
    const b = new Webhook(OTHER_SECRET).sign('msg_m', new Date(ts * 1000), BODY);
    const headers = { id: 'msg_m', timestamp: String(ts), signature: `${a} ${b}` };
    expect(await verifyWebhook([OTHER_SECRET], headers, BODY, ts)).toEqual({ ok: true });
  });

  it('refuses everything when there is no secret to verify with', async () => {
    const ts = now();
    expect(await verifyWebhook([], libraryHeaders(SECRET, 'msg_n', ts, BODY), BODY, ts)).toMatchObject({
      code: 'invalid_signature',
    });
  });
});

describe('newSigningSecret', () => {
  it('is whsec_ and the base64 of 24 random bytes', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(atob(secret.slice(6))).toHaveLength(24);
    expect(newSigningSecret()).not.toBe(secret);
  });

  it('is usable by the standardwebhooks library both ways', async () => {
    const secret = newSigningSecret();
    const ts = now();
    const signature = await signWebhook(secret, 'msg_o', ts, BODY);
    const headers = { 'webhook-id': 'msg_o', 'webhook-timestamp': String(ts), 'webhook-signature': signature };
    expect(new Webhook(secret).verify(BODY, headers)).toEqual(JSON.parse(BODY));
    expect(await verifyWebhook([secret], libraryHeaders(secret, 'msg_p', ts, BODY), BODY, ts)).toEqual({ ok: true });
  });
});
