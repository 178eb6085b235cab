// The schemas that validate a partner's postback configuration.
import { describe, expect, it } from 'vitest';
import { postbackParamsSchema, statusMapSchema } from '../../src/domain/postback-schema';

describe('postbackParamsSchema and statusMapSchema', () => {
  it('accept canonical keys and item base names only', () => {
    expect(postbackParamsSchema.safeParse({ clickId: 'aff_sub', 'items.amount': 'ItemSubTotal' }).success).toBe(true);
    expect(postbackParamsSchema.safeParse({ click: 'aff_sub' }).success).toBe(false);
    expect(postbackParamsSchema.safeParse({ clickId: '' }).success).toBe(false);
  });

  it('accept only our statuses as targets', () => {
    expect(statusMapSchema.safeParse({ billed: 'approved' }).success).toBe(true);
    expect(statusMapSchema.safeParse({ billed: 'paid' }).success).toBe(false);
  });
});
