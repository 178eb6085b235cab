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
  },
  {
    missing: 'Introuvable',
    missingText: "Rien ici : l'adresse est fausse, ou ce qu'elle désignait a été supprimé.",
    other: "Cela n'a pas pu être fait",
    back: "Retour à la vue d'ensemble",
  },
);

/** A page saying what went wrong, in the page's language, inside the console's frame. */
export function ProblemPage(props: { ui: Ui; status: number; message: string }) {
  const t = m[props.ui.lang];
  const isMissing = props.status === 404;
  return (
    <Layout ui={props.ui} title={isMissing ? t.missing : t.other}>
      <p>{isMissing ? t.missingText : props.message}</p>
      <p>
        <a href="/console">{t.back}</a>
      </p>
    </Layout>
  );
}
