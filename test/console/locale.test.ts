// The console's language choice and how figures read in English and French.
import { describe, expect, it } from 'vitest';
import { formatOf, langOf } from '../../src/console/ui/locale';

describe('langOf', () => {
  it('follows the switch cookie over the browser', () => {
    expect(langOf('fr', 'en-GB,en;q=0.9')).toBe('fr');
    expect(langOf('en', 'fr-FR')).toBe('en');
  });

  it('takes the first language of the browser it speaks, by quality', () => {
    expect(langOf(undefined, 'fr-FR,fr;q=0.9,en;q=0.8')).toBe('fr');
    expect(langOf(undefined, 'de-DE,de;q=0.9,fr;q=0.8,en;q=0.7')).toBe('fr');
    expect(langOf(undefined, 'en;q=0.5,fr;q=0.8')).toBe('fr');
    expect(langOf(undefined, 'fr;q=0,en')).toBe('en');
  });

  it('speaks English to a browser that asks for nothing it knows, and ignores a bad cookie', () => {
    expect(langOf(undefined, undefined)).toBe('en');
    expect(langOf(undefined, 'de,ja')).toBe('en');
    expect(langOf('de', 'fr')).toBe('fr');
  });
});

describe('formatOf', () => {
  const en = formatOf('en', 'Europe/Paris');
  const fr = formatOf('fr', 'Europe/Paris');
  // French groups thousands with a narrow no-break space and puts one before % and €.
  const plain = (text: string) => text.replace(/[\u202f\u00a0]/g, ' ');

  it('writes numbers and money as each language does', () => {
    expect(en.number(1234567)).toBe('1,234,567');
    expect(plain(fr.number(1234567))).toBe('1 234 567');
    expect(en.money(123456, 'EUR')).toBe('€1,234.56');
    expect(plain(fr.money(123456, 'EUR'))).toBe('1 234,56 €');
    expect(plain(fr.money(500, 'JPY'))).toBe('500 JPY');
  });

  it('writes shares and signed changes, and no change against nothing', () => {
    expect(en.percent(0.125)).toBe('12.5%');
    expect(plain(fr.percent(0.125))).toBe('12,5 %');
    expect(en.change(150, 100)).toBe('+50%');
    expect(en.change(50, 100)).toBe('-50%');
    expect(en.change(100, 100)).toBe('0%');
    expect(en.change(5, 0)).toBe('—');
  });

  it('writes calendar dates without shifting them, and instants in the programme zone', () => {
    expect(en.date('2026-03-29')).toBe('29 Mar 2026');
    expect(fr.date('2026-03-29')).toBe('29 mars 2026');
    expect(en.dateTime('2026-11-30T23:30:00Z')).toBe('1 Dec 2026, 00:30');
  });
});
