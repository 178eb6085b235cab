// The page shown when a console request cannot be served: not found, refused, or bad input.
import { Layout } from './layout';
import { messages } from './messages';
import type { Ui } from './ui';

const m = messages(
  {
    missing: 'Not found',
    missingText: 'Nothing here: the address is wrong, or what it named was removed.',
    other: 'This could not be done',
    back: 'Back to the overview',
    tooMany: (seconds: number) => `Too many attempts in a row. Try again in ${seconds} s.`,
    byStatus: (status: number) =>
      status === 403
        ? 'This is not allowed.'
        : status === 409
          ? 'This is not possible in the current state.'
          : status === 413
            ? 'This is too large to be sent.'
            : 'This request is not valid.',
    details: 'Details',
  },
  {
    missing: 'Introuvable',
    missingText: "Rien ici : l'adresse est fausse, ou ce qu'elle désignait a été supprimé.",
    other: "Cela n'a pas pu être fait",
    back: "Retour à la vue d'ensemble",
    tooMany: (seconds: number) => `Trop de tentatives d'affilée. Réessayez dans ${seconds} s.`,
    byStatus: (status: number) =>
      status === 403
        ? "Ce n'est pas permis."
        : status === 409
          ? "Ce n'est pas possible dans l'état actuel."
          : status === 413
            ? 'Ceci est trop volumineux pour être envoyé.'
            : "Cette demande n'est pas valide.",
    details: 'Détails',
  },
);

/**
 * A page saying what went wrong, in the page's language, inside the console's frame. The
 * services explain a refusal in English: on an English page that sentence is the text; on a
 * French one a French sentence for the kind of refusal comes first, the detail after it, marked
 * as English for screen readers.
 */
export function ProblemPage(props: { ui: Ui; status: number; message: string; retryAfterSec?: number }) {
  const t = m[props.ui.lang];
  const { status, message } = props;
  if (status === 404) {
    return (
      <Layout ui={props.ui} title={t.missing}>
        <p>{t.missingText}</p>
        <p>
          <a href="/console">{t.back}</a>
        </p>
      </Layout>
    );
  }
  const summary = status === 429 ? t.tooMany(props.retryAfterSec ?? 60) : t.byStatus(status);
  return (
    <Layout ui={props.ui} title={t.other}>
      {props.ui.lang === 'en' ? (
        <p>{status === 429 ? summary : message || summary}</p>
      ) : (
        <>
          <p>{summary}</p>
          {message && (
            <p class="muted">
              {t.details} : <span lang="en">{message}</span>
            </p>
          )}
        </>
      )}
      <p>
        <a href="/console">{t.back}</a>
      </p>
    </Layout>
  );
}
