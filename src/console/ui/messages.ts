// Typed message catalogues: each part of the console declares its English and French texts
// side by side, and the compiler checks that both languages say the same things.

/** A text, or a function of the figures it mentions. */
type Text = string | ((...args: never[]) => string);

/** The French catalogue must have exactly the English one's keys, each of the same kind. */
type Translation<E> = { [K in keyof E]: E[K] extends (...args: infer A) => string ? (...args: A) => string : string };

/**
 * Declares a catalogue in both languages.
 * @example
 * const m = messages({ title: 'Links', count: (n: number) => `${n} links` },
 *                    { title: 'Liens', count: (n: number) => `${n} liens` });
 * m[ui.lang].count(3)
 */
export function messages<const E extends Record<string, Text>>(
  en: E,
  fr: Translation<E>,
): { en: E; fr: Translation<E> } {
  return { en, fr };
}
