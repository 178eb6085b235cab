// A partner's postback setup: where to post, under which names, a copyable example, and a test sent as a dry run.
import { examplePostback, postbackParamNames } from '../../domain/postback-example';
import type { TestPostback } from '../../services/postback-test';
import { ActionForm, CopyField } from '../ui/components';
import type { Ui } from '../ui/ui';
import { m } from './messages';

/** What the section needs of the partner. */
export type PostbackSetup = {
  id: string;
  slug: string;
  currency: string;
  postbackParams: Record<string, string>;
  amountsInMinorUnits: boolean;
  acceptSignedPostbacks: boolean;
  acceptTokenPostbacks: boolean;
};

const shellQuoted = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** The example a partner's developer copies: a signed POST, as curl writes it. */
export function signedExample(origin: string, partner: PostbackSetup): string {
  const body = JSON.stringify(examplePostback(partner, { transactionId: 'ORDER-1001', clickId: 'CLICK_ID' }));
  return [
    `curl -X POST ${shellQuoted(`${origin}/pb/${partner.slug}`)}`,
    `-H 'content-type: application/json'`,
    `-H 'webhook-id: msg_ORDER-1001'`,
    `-H 'webhook-timestamp: TIMESTAMP'`,
    `-H 'webhook-signature: v1,SIGNATURE'`,
    `-d ${shellQuoted(body)}`,
  ].join(' ');
}

/** The same sale as a GET with the postback token in a header. */
export function tokenExample(origin: string, partner: PostbackSetup): string {
  const query = new URLSearchParams(examplePostback(partner, { transactionId: 'ORDER-1001', clickId: 'CLICK_ID' }));
  return `curl -H 'Authorization: Bearer POSTBACK_TOKEN' ${shellQuoted(`${origin}/pb/${partner.slug}?${query}`)}`;
}

/** An answer's body as people read it: JSON indented, anything else as sent. */
function readable(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export function PostbackSection(props: { ui: Ui; origin: string; partner: PostbackSetup; test?: TestPostback }) {
  const { ui, partner } = props;
  const t = m[ui.lang];
  const url = `${props.origin}/pb/${partner.slug}`;
  const names = postbackParamNames(partner.postbackParams);
  return (
    <section aria-labelledby="postbacks">
      <h2 id="postbacks">{t.postbackSetup}</h2>
      <dl class="facts">
        <dt>{t.postbackUrl}</dt>
        <dd>
          <CopyField ui={ui} value={url} label={t.postbackUrl} />
        </dd>
        <dt>{t.authMethods}</dt>
        <dd>
          <ul>
            <li>
              {t.signedPost}
              {!partner.acceptSignedPostbacks && <strong>{` — ${t.turnedOff}`}</strong>}
            </li>
            <li>
              {t.tokenGet}
              {!partner.acceptTokenPostbacks && <strong>{` — ${t.turnedOff}`}</strong>}
            </li>
          </ul>
        </dd>
      </dl>
      <div class="table-wrap">
        <table>
          <caption>{t.paramNamesCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{t.field}</th>
              <th scope="col">{t.sentAs}</th>
              <th scope="col">{t.alsoRead}</th>
            </tr>
          </thead>
          <tbody>
            {names.map((n) => (
              <tr>
                <th scope="row">
                  <code>{n.field}</code>
                  {n.field === 'transactionId' && <span class="muted">{` (${t.required})`}</span>}
                </th>
                <td>
                  <code>{n.name}</code>
                </td>
                <td>
                  {n.alternatives.map((a) => (
                    <code>{`${a} `}</code>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {partner.acceptSignedPostbacks && (
        <>
          <h3>{t.exampleSigned}</h3>
          <CopyField ui={ui} value={signedExample(props.origin, partner)} label={t.exampleSigned} />
          <p class="hint">{t.exampleSignedHint}</p>
        </>
      )}
      {partner.acceptTokenPostbacks && (
        <>
          <h3>{t.exampleToken}</h3>
          <CopyField ui={ui} value={tokenExample(props.origin, partner)} label={t.exampleToken} />
          <p class="hint">{t.exampleTokenHint}</p>
        </>
      )}
      <h3 id="test-postback">{t.testPostback}</h3>
      <p class="hint">{t.testPostbackHint}</p>
      {/* The answer's page opens at the answer. */}
      <ActionForm ui={ui} action={`/console/partners/${partner.id}/test-postback#test-result`} class="actions">
        <button type="submit">{t.sendTest}</button>
      </ActionForm>
      {props.test && <TestResult ui={ui} test={props.test} />}
    </section>
  );
}

function TestResult(props: { ui: Ui; test: TestPostback }) {
  const t = m[props.ui.lang];
  const { request, answer } = props.test;
  const headers = Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`);
  return (
    <div id="test-result" role="status">
      <p class={answer.status < 300 ? 'notice' : 'notice error'}>
        <strong>{t.testSent}.</strong> {t.testAnswer(answer.status)}
      </p>
      <h4>{t.testAnswer(answer.status)}</h4>
      <pre>{readable(answer.body)}</pre>
      <h4>{t.testRequest}</h4>
      <pre>{[`${request.method} ${request.url}`, ...headers, '', request.body].join('\n')}</pre>
    </div>
  );
}
