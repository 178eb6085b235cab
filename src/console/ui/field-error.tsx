// What is wrong with a form field, shown under it and read out with it.

/**
 * The message under a field, nothing when there is none; the field names `<id>-error` in its
 * `aria-describedby` and sets `aria-invalid`, so that a screen reader reads it with the field.
 * @example <input id="email" aria-invalid="true" aria-describedby="email-error" /><FieldError id="email" message={problem} />
 */
export function FieldError(props: { id: string; message: string | undefined }) {
  if (!props.message) return null;
  return (
    <p class="hint bad" id={`${props.id}-error`}>
      {props.message}
    </p>
  );
}

/** The `aria-describedby` of a field with an optional hint and an optional error; undefined when neither. */
export function describedBy(id: string, has: { hint?: unknown; error?: unknown }): string | undefined {
  const ids = [has.hint ? `${id}-hint` : '', has.error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}
