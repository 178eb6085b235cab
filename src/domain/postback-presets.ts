// Postback formats of common tracking platforms, each a partner configuration ready to use.

export type PostbackPreset = {
  label: string;
  postbackParams: Record<string, string>;
  statusMap: Record<string, string>;
  amountsInMinorUnits: boolean;
  /** The body some networks expect back, see answer-template.ts. */
  answerTemplate: string | null;
};

/** Postback formats of common tracking platforms, accepted by configuration alone. */
export const PRESETS = {
  tune: {
    label: 'TUNE (HasOffers)',
    // Our click id travels in the affiliate sub; `adv_sub` carries the advertiser's order
    // reference, and TUNE's own `transaction_id` stands in when there is none.
    postbackParams: { clickId: 'aff_sub', transactionId: 'adv_sub|transaction_id', amount: 'amount' },
    statusMap: {},
    amountsInMinorUnits: false,
    answerTemplate: 'success=true;',
  },
  everflow: {
    label: 'Everflow',
    // Everflow's `transaction_id` is the click identifier; the order reference goes in `adv1`.
    postbackParams: {
      clickId: 'transaction_id',
      transactionId: 'adv1|order_id',
      amount: 'sale_amount|amount',
      coupon: 'coupon_code',
    },
    statusMap: {},
    amountsInMinorUnits: false,
    answerTemplate: null,
  },
  keitaro: {
    label: 'Keitaro',
    postbackParams: { clickId: 'subid', transactionId: 'tid', amount: 'payout|revenue', status: 'status' },
    statusMap: {
      lead: 'pending',
      reg: 'pending',
      topup: 'pending',
      sale: 'approved',
      billed: 'approved',
      rebill: 'approved',
      rejected: 'rejected',
      canceled: 'rejected',
      fake: 'rejected',
    },
    amountsInMinorUnits: false,
    answerTemplate: null,
  },
  voluum: {
    label: 'Voluum',
    postbackParams: { clickId: 'cid', transactionId: 'txid', amount: 'payout', event: 'et' },
    statusMap: {},
    amountsInMinorUnits: false,
    answerTemplate: null,
  },
  impact: {
    label: 'Impact',
    postbackParams: {
      clickId: 'ClickId',
      transactionId: 'OrderId',
      amount: 'Amount|SaleAmount',
      currency: 'CurrencyCode',
      coupon: 'OrderPromoCode',
      customerId: 'CustomerId',
      occurredAt: 'EventDate',
      'items.category': 'ItemCategory',
      'items.amount': 'ItemSubTotal',
      'items.sku': 'ItemSku',
      'items.quantity': 'ItemQuantity',
    },
    statusMap: {},
    amountsInMinorUnits: false,
    answerTemplate: null,
  },
} satisfies Record<string, PostbackPreset>;
export type PresetName = keyof typeof PRESETS;
