// The bench's bare postback Worker: one D1 row per POST, then 200; the ceiling any postback intake reaches here.

/**
 * Reads the JSON body, inserts one conversion-like row (an id, the partner from the path, the amount
 * in minor units, about 300 bytes of JSON, the time) into `bare_conversions` and answers once D1 has
 * it, as a postback's answer waits for its write. No authentication, no lookup, no attribution: what
 * is left is the request, one D1 statement and the answer.
 */
export default {
  async fetch(request, env) {
    if (request.method !== 'POST') return new Response(null, { status: 405 });
    const params = await request.json();
    const receivedAt = Date.now();
    // Time first, like Relais's ULIDs, so that the primary key grows at its end in both tables.
    const id = receivedAt.toString(36) + crypto.randomUUID().replaceAll('-', '').slice(0, 16);
    const partnerId = new URL(request.url).pathname.split('/')[2] ?? '';
    const amountMinor = Math.round(Number(params.amount) * 100);
    // What a postback log keeps: the parameters as sent and the delivery's headers (about 300 bytes).
    const body = JSON.stringify({
      ...params,
      webhookId: request.headers.get('webhook-id'),
      webhookTimestamp: request.headers.get('webhook-timestamp'),
      webhookSignature: request.headers.get('webhook-signature'),
      contentType: request.headers.get('content-type'),
      receivedAt: new Date(receivedAt).toISOString(),
    });
    await env.DB.prepare(
      'INSERT INTO bare_conversions (id, partner_id, amount_minor, body, received_at) VALUES (?, ?, ?, ?, ?)',
    )
      .bind(id, partnerId, amountMinor, body, receivedAt)
      .run();
    return Response.json({ status: 'created', conversionId: id });
  },
};
