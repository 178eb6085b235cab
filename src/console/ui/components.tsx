// Small building blocks shared by the console's pages: notices, forms that change something,
// copyable values, labelled fields, key figures and the "next page" link.
import type { Child } from 'hono/jsx';
import { messages } from './messages';
import type { Ui } from './ui';

const m = messages(
  { copy: 'Copy', copied: 'Copied', next: 'Next page', first: 'First page', pages: 'Pages' },
  { copy: 'Copier', copied: 'Copié', next: 'Page suivante', first: 'Première page', pages: 'Pages' },
);

/** A message at the top of a page: what was just done, or what went wrong (announced to screen readers). */
export function Notice(props: { kind?: 'info' | 'error'; children?: Child }) {
  const isError = props.kind === 'error';
  return (
    <p class={isError ? 'notice error' : 'notice'} role={isError ? 'alert' : 'status'}>
      {props.children}
    </p>
  );
}

/**
 * A form that changes something: POSTed with the session's form token, optionally after a
 * confirmation question (asked by the console's script; the server never relies on it).
 * @example <ActionForm ui={ui} action={`/console/conversions/${id}/approve`} confirm={t.sure}>
 *            <button type="submit">{t.approve}</button></ActionForm>
 */
export function ActionForm(props: {
  ui: Ui;
  action: string;
  confirm?: string;
  enctype?: 'multipart/form-data';
  class?: string;
  children?: Child;
}) {
  return (
    <form method="post" action={props.action} data-confirm={props.confirm} enctype={props.enctype} class={props.class}>
      <input type="hidden" name="_csrf" value={props.ui.csrfToken ?? ''} />
      {props.children}
    </form>
  );
}

/** A value to copy (a URL, an example request): shown in full, with a button that copies it. */
export function CopyField(props: { ui: Ui; value: string; label: string }) {
  const t = m[props.ui.lang];
  return (
    <div class="copy">
      <code>{props.value}</code>
      <button
        type="button"
        class="secondary"
        data-copy={props.value}
        data-copied={t.copied}
        aria-label={`${t.copy}: ${props.label}`}
      >
        {t.copy}
      </button>
    </div>
  );
}

/** A labelled form field; `hint` is read out with it. */
export function Field(props: { id: string; label: string; hint?: string; children?: Child }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
    </div>
  );
}

/** Key figures in tiles: a label, the figure, and optionally how it changed. */
export function Tiles(props: { items: { label: string; value: string; change?: string }[] }) {
  return (
    <ul class="tiles">
      {props.items.map((item) => (
        <li>
          <span class="label">{item.label}</span>
          <span class="value">{item.value}</span>
          {item.change !== undefined && <span class="muted">{item.change}</span>}
        </li>
      ))}
    </ul>
  );
}

/**
 * The link to the next page of a list, keeping every filter of the current URL: the URL is the
 * page's whole state, so it can be shared or bookmarked.
 */
export function Pager(props: { ui: Ui; nextCursor: string | null }) {
  const t = m[props.ui.lang];
  const url = new URL(props.ui.here, 'http://console');
  const hadCursor = url.searchParams.has('cursor');
  url.searchParams.delete('cursor');
  const first = url.pathname + url.search;
  if (props.nextCursor !== null) url.searchParams.set('cursor', props.nextCursor);
  if (!hadCursor && props.nextCursor === null) return null;
  return (
    <nav class="pager" aria-label={t.pages}>
      {hadCursor && <a href={first}>{t.first}</a>}
      {props.nextCursor !== null && (
        <a href={url.pathname + url.search} rel="next">
          {t.next}
        </a>
      )}
    </nav>
  );
}
