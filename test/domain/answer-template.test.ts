import { describe, expect, it } from 'vitest';
import { renderAnswer } from '../../src/domain/answer-template';

const values = { status: 'recorded', conversionId: 'cnv_01JDQ7Z8V3K2M4N5P6Q7R8S9T0', transactionId: 'ORD-1042' };

describe('renderAnswer', () => {
  it('returns a constant template as it is', () => {
    expect(renderAnswer('success=true;', values)).toBe('success=true;');
    expect(renderAnswer('', values)).toBe('');
  });

  it('fills the three placeholders, each as often as it appears', () => {
    expect(renderAnswer('OK {conversion_id}', values)).toBe('OK cnv_01JDQ7Z8V3K2M4N5P6Q7R8S9T0');
    expect(renderAnswer('{status}:{transaction_id}:{conversion_id}:{status}', values)).toBe(
      'recorded:ORD-1042:cnv_01JDQ7Z8V3K2M4N5P6Q7R8S9T0:recorded',
    );
  });

  it('leaves other braces and unknown placeholders untouched', () => {
    expect(renderAnswer('{"ok":true,"id":"{conversion_id}"}', values)).toBe(
      '{"ok":true,"id":"cnv_01JDQ7Z8V3K2M4N5P6Q7R8S9T0"}',
    );
    expect(renderAnswer('{clickId} {STATUS} { status } {{status}}', values)).toBe(
      '{clickId} {STATUS} { status } {recorded}',
    );
  });

  it('never expands a placeholder that arrives inside a value', () => {
    const tricky = { ...values, transactionId: '{conversion_id}', status: '$&' };
    expect(renderAnswer('{transaction_id} {status}', tricky)).toBe('{conversion_id} $&');
  });
});
