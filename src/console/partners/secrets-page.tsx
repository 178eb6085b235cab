// The one page that shows a partner's new secrets in clear: answered to the form that made them, never again.
import { CopyField, Notice } from '../ui/components';
import { Layout } from '../ui/layout';
import type { Ui } from '../ui/ui';
import { m } from './messages';

export function SecretsPage(props: {
  ui: Ui;
  title: string;
  partner: { id: string; name: string };
  secrets: { label: string; value: string }[];
  hints: string[];
}) {
  const { ui } = props;
  const t = m[ui.lang];
  return (
    <Layout ui={ui} title={props.title}>
      <Notice>{t.shownOnce}</Notice>
      <dl class="facts">
        {props.secrets.map((s) => (
          <>
            <dt>{s.label}</dt>
            <dd>
              <CopyField ui={ui} value={s.value} label={s.label} />
            </dd>
          </>
        ))}
      </dl>
      {props.hints.map((hint) => (
        <p class="hint">{hint}</p>
      ))}
      <p>
        <a href={`/console/partners/${props.partner.id}`}>{t.backToPartner(props.partner.name)}</a>
      </p>
    </Layout>
  );
}
