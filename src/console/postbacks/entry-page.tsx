// One logged postback: what was sent, what was read from it and what it was answered; an admin replays it from here.
import { parsedForPartner } from '../../domain/postback-log-entry';
import { isReplayable, type PostbackLogRow } from '../../services/postback-log';
import { ActionForm, Notice } from '../ui/components';
import { Layout } from '../ui/layout';
import { messages } from '../ui/messages';
import { isAdmin, type Ui } from '../ui/ui';
import { OUTCOME_LABELS, outcomeClass } from './labels';
import { transactionOf } from './log-page';

const m = messages(
  {
    title: (at: string) => `Postback of ${at}`,
    back: 'The postback log',
    replayed: 'The postback was run again with the partner’s current settings: this is the replay.',
    dryRun: 'The postback was run again as a dry run: nothing was stored.',
    facts: 'What came of it',
    partner: 'Partner',
    slug: 'Address',
    method: 'Method',
    outcome: 'Outcome',
    status: 'HTTP status',
    error: 'Error',
    webhookId: 'Delivery id (webhook-id)',
    transaction: 'Transaction',
    conversion: 'Conversion',
    replayOf: 'Replay of',
    original: 'the original postback',
    request: 'Parameters received',
    requestNote: 'Secrets, the customer id and addresses are never kept.',
    parsed: 'What was read',
    nothing: 'Nothing.',
    replay: 'Replay',
    replayIntro:
      'Runs this postback again with the partner’s current settings (after fixing its parameter names, say), without checking its signature again. The replay is logged.',
    replayButton: 'Replay the postback',
    replaySure: 'Replay this postback? It may record or change a conversion.',
    dryRunButton: 'Try it (dry run)',
    dryRunSure: 'Run this postback as a dry run? Nothing will be stored.',
    notReplayable: 'Only postbacks that passed authentication can be replayed.',
  },
  {
    title: (at: string) => `Postback du ${at}`,
    back: 'Le journal des postbacks',
    replayed: 'Le postback a été rejoué avec la configuration actuelle du partenaire : voici le rejeu.',
    dryRun: "Le postback a été rejoué à l'essai : rien n'a été enregistré.",
    facts: "Ce qu'il en est advenu",
    partner: 'Partenaire',
    slug: 'Adresse',
    method: 'Méthode',
    outcome: 'Résultat',
    status: 'Statut HTTP',
    error: 'Erreur',
    webhookId: "Identifiant d'envoi (webhook-id)",
    transaction: 'Transaction',
    conversion: 'Conversion',
    replayOf: 'Rejeu de',
    original: "le postback d'origine",
    request: 'Paramètres reçus',
    requestNote: "Les secrets, l'identifiant client et les adresses ne sont jamais conservés.",
    parsed: 'Ce qui a été lu',
    nothing: 'Rien.',
    replay: 'Rejouer',
    replayIntro:
      'Rejoue ce postback avec la configuration actuelle du partenaire (après correction des noms de ses paramètres, par exemple), sans revérifier sa signature. Le rejeu est journalisé.',
    replayButton: 'Rejouer le postback',
    replaySure: 'Rejouer ce postback ? Il peut enregistrer ou modifier une conversion.',
    dryRunButton: "L'essayer (sans rien enregistrer)",
    dryRunSure: "Rejouer ce postback à l'essai ? Rien ne sera enregistré.",
    notReplayable: 'Seuls les postbacks authentifiés peuvent être rejoués.',
  },
);

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

export function PostbackEntryPage(props: { ui: Ui; entry: PostbackLogRow; partnerName: string | null; done?: string }) {
  const { ui, entry } = props;
  const t = m[ui.lang];
  const admin = isAdmin(ui);
  const outcome = OUTCOME_LABELS[ui.lang][entry.outcome as keyof (typeof OUTCOME_LABELS)['en']] ?? entry.outcome;
  // The keyed hashes of the app user's identifiers are ours to attribute with, never a partner's to see.
  const parsed = admin ? entry.parsed : parsedForPartner(entry.parsed);
  const transaction = transactionOf(entry);
  return (
    <Layout ui={ui} title={t.title(ui.fmt.dateTime(entry.createdAt))}>
      <p class="no-print">
        <a href="/console/postbacks">{t.back}</a>
      </p>
      {props.done === 'replayed' && <Notice>{t.replayed}</Notice>}
      {props.done === 'dry-run' && <Notice>{t.dryRun}</Notice>}
      <h2>{t.facts}</h2>
      <dl class="facts">
        <dt>{t.partner}</dt>
        <dd>{props.partnerName ?? entry.partnerSlug}</dd>
        <dt>{t.slug}</dt>
        <dd>
          <code>/pb/{entry.partnerSlug}</code>
        </dd>
        <dt>{t.method}</dt>
        <dd>{entry.method}</dd>
        <dt>{t.outcome}</dt>
        <dd>
          <span class={outcomeClass(entry.outcome)}>{outcome}</span>
        </dd>
        <dt>{t.status}</dt>
        <dd>{entry.httpStatus}</dd>
        {entry.errorCode && (
          <>
            <dt>{t.error}</dt>
            <dd>
              <code>{entry.errorCode}</code>
              {entry.errorMessage && `: ${entry.errorMessage}`}
            </dd>
          </>
        )}
        {entry.webhookId && (
          <>
            <dt>{t.webhookId}</dt>
            <dd>
              <code>{entry.webhookId}</code>
            </dd>
          </>
        )}
        {transaction && (
          <>
            <dt>{t.transaction}</dt>
            <dd>
              <code>{transaction}</code>
            </dd>
          </>
        )}
        {entry.conversionId && (
          <>
            <dt>{t.conversion}</dt>
            <dd>
              <a href={`/console/conversions/${entry.conversionId}`}>{entry.conversionId}</a>
            </dd>
          </>
        )}
        {entry.replayOf && (
          <>
            <dt>{t.replayOf}</dt>
            <dd>
              <a href={`/console/postbacks/${entry.replayOf}`}>{t.original}</a>
            </dd>
          </>
        )}
      </dl>
      {admin && (
        <section aria-labelledby="replay" class="no-print">
          <h2 id="replay">{t.replay}</h2>
          {isReplayable(entry) ? (
            <>
              <p>{t.replayIntro}</p>
              <div class="actions">
                <ActionForm ui={ui} action={`/console/postbacks/${entry.id}/replay`} confirm={t.replaySure}>
                  <button type="submit">{t.replayButton}</button>
                </ActionForm>
                <ActionForm ui={ui} action={`/console/postbacks/${entry.id}/replay`} confirm={t.dryRunSure}>
                  <input type="hidden" name="dryRun" value="1" />
                  <button type="submit" class="secondary">
                    {t.dryRunButton}
                  </button>
                </ActionForm>
              </div>
            </>
          ) : (
            <p>{t.notReplayable}</p>
          )}
        </section>
      )}
      <h2>{t.request}</h2>
      <p class="hint">{t.requestNote}</p>
      {entry.request ? <pre>{pretty(entry.request)}</pre> : <p>{t.nothing}</p>}
      <h2>{t.parsed}</h2>
      {parsed ? <pre>{pretty(parsed)}</pre> : <p>{t.nothing}</p>}
    </Layout>
  );
}
