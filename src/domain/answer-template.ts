// The text body some networks expect back from a postback (TUNE's `success=true;`, `OK {conversion_id}`).

export type AnswerValues = { status: string; conversionId: string; transactionId: string };

// One pass over the template: a value that itself looks like a placeholder is never expanded again.
const PLACEHOLDER = /\{(status|conversion_id|transaction_id)\}/g;

/**
 * Fills `{status}`, `{conversion_id}` and `{transaction_id}` in a partner's answer template;
 * anything else, other braces included, is returned as written.
 * @example renderAnswer('OK {conversion_id}', { status: 'recorded', conversionId: 'cnv_1', transactionId: 'A-1' }) // 'OK cnv_1'
 */
export function renderAnswer(template: string, values: AnswerValues): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    if (name === 'status') return values.status;
    return name === 'conversion_id' ? values.conversionId : values.transactionId;
  });
}
