// One link's page: its short URL to copy, its QR code, a tracking-URL builder, every setting, its recent activity.
import { DEFAULT_UTM, SUB_ID_PARAMS } from '../../domain/destination';
import { QUICK_DEVICES, type QuickDevice } from '../../domain/device';
import type { Click, Link, LinkActivity, LinkCheck } from '../../services/link-directory';
import { TimeSeriesChart } from '../ui/charts/time-series';
import { ActionForm, CopyField, Notice, Tiles } from '../ui/components';
import { Layout } from '../ui/layout';
import type { Ui } from '../ui/ui';
import { UTM_FIELDS } from './link-form-data';
import type { LinkStatus } from './link-status';
import { linkMessages } from './messages';
import { QrCode } from './qr-code';

/** One day of the link's figures. */
export type LinkDay = { date: string; clicks: number; uniqueClicks: number; conversions: number };

export type LinkPageProps = {
  ui: Ui;
  link: Link;
  shortUrl: string;
  status: LinkStatus;
  activity: LinkActivity;
  /** The last 30 days up to yesterday, every day present, oldest first. */
  days: LinkDay[];
  /** The tracking-URL builder's fields, as the URL gives them: sub1..sub5 and the deep link. */
  tracking: { subIds: string[]; url: string };
  /** Whether the viewer may change the link (admins). */
  canManage: boolean;
  done?: 'created' | 'saved' | 'disabled' | 'enabled';
};

const DONE = { created: 'doneCreated', saved: 'doneSaved', disabled: 'doneDisabled', enabled: 'doneEnabled' } as const;

/**
 * The short URL with the builder's parameters: only those filled in, in the order the redirect reads them.
 * @example trackingUrlOf('https://go.example/frein', { subIds: ['clio-iv', '', '', '', ''], url: '' }) // 'https://go.example/frein?sub1=clio-iv'
 */
export function trackingUrlOf(shortUrl: string, tracking: { subIds: string[]; url: string }): string {
  const query = new URLSearchParams();
  SUB_ID_PARAMS.forEach((name, i) => {
    const value = tracking.subIds[i] ?? '';
    if (value !== '') query.set(name, value);
  });
  if (tracking.url !== '') query.set('url', tracking.url);
  const text = query.toString();
  return text === '' ? shortUrl : `${shortUrl}?${text}`;
}

export function LinkPage(props: LinkPageProps) {
  const { ui, link, activity } = props;
  const t = linkMessages[ui.lang];
  const base = `/console/links/${encodeURIComponent(link.id)}`;
  const isTracking = props.tracking.url !== '' || props.tracking.subIds.some((v) => v !== '');
  const domains = activity.partner?.allowedDomains ?? [];
  return (
    <Layout ui={ui} title={t.linkTitle(link.slug)}>
      {props.done && <Notice>{t[DONE[props.done]]}</Notice>}
      {props.canManage && (
        <div class="actions">
          <a class="button" href={`${base}/edit`}>
            {t.edit}
          </a>
          {link.isDisabled ? (
            <ActionForm ui={ui} action={`${base}/enable`}>
              <button type="submit" class="secondary">
                {t.enable}
              </button>
            </ActionForm>
          ) : (
            <ActionForm ui={ui} action={`${base}/disable`} confirm={t.confirmDisable}>
              <button type="submit" class="secondary">
                {t.disable}
              </button>
            </ActionForm>
          )}
          <ActionForm ui={ui} action={`${base}/delete`} confirm={t.confirmDelete}>
            <button type="submit" class="danger">
              {t.delete}
            </button>
          </ActionForm>
        </div>
      )}

      <h2>{t.shortUrl}</h2>
      <CopyField ui={ui} value={props.shortUrl} label={t.shortUrlLabel} />
      <QrCode id="link-qr" text={props.shortUrl} label={t.qrTitle(props.shortUrl)} />
      <p class="hint">{t.qrHint}</p>
      <p>
        <a href={`${base}/qr.svg`} download={`${link.slug}-qr.svg`}>
          {t.downloadQr}
        </a>
      </p>

      <h2 id="tracking">{t.trackingUrl}</h2>
      <p class="hint">{t.trackingHint}</p>
      <form method="get" action={`${base}#tracking`} class="filters">
        {SUB_ID_PARAMS.map((name, i) => (
          <div>
            <label for={`tracking-${name}`}>{t.subId(i + 1)}</label>
            <input id={`tracking-${name}`} name={name} value={props.tracking.subIds[i] ?? ''} maxlength={256} />
          </div>
        ))}
        <div>
          <label for="tracking-url">{t.deepLink}</label>
          <input
            id="tracking-url"
            name="url"
            type="url"
            value={props.tracking.url}
            aria-describedby="tracking-url-hint"
            maxlength={4000}
          />
        </div>
        <button type="submit">{t.build}</button>
      </form>
      <p class="hint" id="tracking-url-hint">
        {domains.length > 0 ? t.deepLinkHint(domains.join(', ')) : t.noDeepLinks}
      </p>
      {isTracking && <CopyField ui={ui} value={trackingUrlOf(props.shortUrl, props.tracking)} label={t.builtLabel} />}

      <h2>{t.settings}</h2>
      <Settings {...props} />

      <h2>{t.targets}</h2>
      <Targets ui={ui} link={link} />

      <h2>{t.variants}</h2>
      <Variants ui={ui} link={link} />

      <h2>{t.lastDays}</h2>
      <Figures ui={ui} days={props.days} />

      <h2>{t.latestClicks}</h2>
      <Clicks ui={ui} clicks={activity.clicks} />

      <h2>{t.checks}</h2>
      <Checks ui={ui} checks={activity.checks} />
    </Layout>
  );
}

function Settings(props: LinkPageProps) {
  const { ui, link, activity } = props;
  const t = linkMessages[ui.lang];
  const none = <span class="muted">{t.none}</span>;
  const utmDefaults: Record<string, string> = { ...DEFAULT_UTM, campaign: link.slug };
  const params = Object.entries(link.params);
  return (
    <dl class="facts">
      <dt>{t.partner}</dt>
      <dd>{activity.partner?.name ?? t.deletedPartner}</dd>
      <dt>{t.destination}</dt>
      <dd>{link.destination}</dd>
      <dt>{t.status}</dt>
      <dd>
        <span class="badge">{t[props.status]}</span>
      </dd>
      <dt>{t.title}</dt>
      <dd>{link.title ?? none}</dd>
      <dt>{t.expires}</dt>
      <dd>{link.expiresAt ? ui.fmt.dateTime(link.expiresAt) : t.never}</dd>
      <dt>{t.fallbackUrl}</dt>
      <dd>{link.fallbackUrl ?? none}</dd>
      <dt>{t.placement}</dt>
      <dd>{link.placement ?? none}</dd>
      <dt>{t.utm}</dt>
      <dd>
        <ul>
          {UTM_FIELDS.filter((field) => link.utm[field] !== undefined || utmDefaults[field] !== undefined).map(
            (field) => (
              <li>
                <code>utm_{field}</code>
                {' = '}
                {link.utm[field] ?? (
                  <>
                    {utmDefaults[field]} <span class="muted">({t.byDefault})</span>
                  </>
                )}
              </li>
            ),
          )}
        </ul>
      </dd>
      <dt>{t.params}</dt>
      <dd>
        {params.length === 0 ? (
          none
        ) : (
          <ul>
            {params.map(([name, value]) => (
              <li>
                <code>{name}</code> = {value}
              </li>
            ))}
          </ul>
        )}
      </dd>
      <dt>{t.forwardQuery}</dt>
      <dd>{link.forwardQuery ? t.yes : t.no}</dd>
      <dt>{t.requiresConsent}</dt>
      <dd>{link.requiresConsent ? t.yes : t.no}</dd>
      <dt>{t.created}</dt>
      <dd>{ui.fmt.dateTime(link.createdAt)}</dd>
      <dt>{t.changed}</dt>
      <dd>{ui.fmt.dateTime(link.updatedAt)}</dd>
    </dl>
  );
}

function Targets(props: { ui: Ui; link: Link }) {
  const t = linkMessages[props.ui.lang];
  const targets = props.link.rules.targets ?? [];
  if (targets.length === 0) return <p>{t.noTargets}</p>;
  const list = (values: readonly string[] | undefined) =>
    values && values.length > 0 ? values.join(', ') : <span class="muted">{t.any}</span>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t.name}</th>
            <th scope="col">{t.countries}</th>
            <th scope="col">{t.devices}</th>
            <th scope="col">{t.os}</th>
            <th scope="col">{t.languages}</th>
            <th scope="col">{t.destination}</th>
          </tr>
        </thead>
        <tbody>
          {targets.map((target, i) => (
            <tr>
              <th scope="row">{target.id ?? t.rule(i + 1)}</th>
              <td>{list(target.countries)}</td>
              <td>{list(target.devices?.map((d) => (isQuickDevice(d) ? t[d] : d)))}</td>
              <td>{list(target.os)}</td>
              <td>{list(target.languages)}</td>
              <td>{target.destination}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Variants(props: { ui: Ui; link: Link }) {
  const t = linkMessages[props.ui.lang];
  const variants = props.link.rules.variants ?? [];
  if (variants.length === 0) return <p>{t.noVariants}</p>;
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t.name}</th>
            <th scope="col">{t.destination}</th>
            <th scope="col" class="num">
              {t.weight}
            </th>
            <th scope="col" class="num">
              {t.share}
            </th>
          </tr>
        </thead>
        <tbody>
          {variants.map((variant, i) => (
            <tr>
              <th scope="row">{variant.id ?? t.variant(i + 1)}</th>
              <td>{variant.destination}</td>
              <td class="num">{props.ui.fmt.number(variant.weight)}</td>
              <td class="num">{props.ui.fmt.percent(variant.weight / total)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Figures(props: { ui: Ui; days: LinkDay[] }) {
  const { ui, days } = props;
  const t = linkMessages[ui.lang];
  const sum = (pick: (d: LinkDay) => number) => days.reduce((total, d) => total + pick(d), 0);
  return (
    <>
      <p class="hint">{t.lastDaysHint}</p>
      <Tiles
        items={[
          { label: t.clicks, value: ui.fmt.number(sum((d) => d.clicks)) },
          { label: t.uniqueClicks, value: ui.fmt.number(sum((d) => d.uniqueClicks)) },
          { label: t.conversions, value: ui.fmt.number(sum((d) => d.conversions)) },
        ]}
      />
      <TimeSeriesChart
        id="link-clicks"
        title={t.clicksPerDay}
        lang={ui.lang}
        labels={days.map((d) => ui.fmt.date(d.date))}
        series={[
          { name: t.clicks, values: days.map((d) => d.clicks) },
          { name: t.uniqueClicks, values: days.map((d) => d.uniqueClicks) },
        ]}
        format={ui.fmt.number}
      />
    </>
  );
}

function Clicks(props: { ui: Ui; clicks: Click[] }) {
  const { ui, clicks } = props;
  const t = linkMessages[ui.lang];
  if (clicks.length === 0) return <p>{t.noClicks}</p>;
  const dash = <span class="muted">—</span>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t.time}</th>
            <th scope="col">{t.kind}</th>
            <th scope="col">{t.device}</th>
            <th scope="col">{t.system}</th>
            <th scope="col">{t.browser}</th>
            <th scope="col">{t.country}</th>
            <th scope="col">{t.subIds}</th>
            <th scope="col">{t.served}</th>
          </tr>
        </thead>
        <tbody>
          {clicks.map((click) => {
            const subIds = SUB_ID_PARAMS.flatMap((name) => (click[name] ? [`${name}=${click[name]}`] : []));
            return (
              <tr>
                <th scope="row">{ui.fmt.dateTime(click.createdAt)}</th>
                <td>{click.isBot ? t.bot : click.isUnique ? t.unique : t.repeat}</td>
                <td>{click.device ?? dash}</td>
                <td>{click.os ?? dash}</td>
                <td>{click.browser ?? dash}</td>
                <td>{click.country ?? dash}</td>
                <td>{subIds.length > 0 ? subIds.join(', ') : dash}</td>
                <td>{click.variant === 'default' ? t.defaultDestination : click.variant}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Checks(props: { ui: Ui; checks: LinkCheck[] }) {
  const { ui, checks } = props;
  const t = linkMessages[ui.lang];
  if (checks.length === 0) return <p>{t.noChecks}</p>;
  const dash = <span class="muted">—</span>;
  const verdict = (status: string) => (status in VERDICTS ? t[VERDICTS[status as keyof typeof VERDICTS]] : status);
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t.date}</th>
            <th scope="col">{t.result}</th>
            <th scope="col" class="num">
              {t.httpStatus}
            </th>
            <th scope="col">{t.finalUrl}</th>
          </tr>
        </thead>
        <tbody>
          {checks.map((check) => (
            <tr>
              <th scope="row">{ui.fmt.date(check.date)}</th>
              <td>
                <span class="badge">{verdict(check.status)}</span>
                {check.error && <span class="muted"> {check.error}</span>}
              </td>
              <td class="num">{check.statusCode ?? dash}</td>
              <td>{check.finalUrl ?? dash}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const isQuickDevice = (device: string): device is QuickDevice => (QUICK_DEVICES as readonly string[]).includes(device);

const VERDICTS = { ok: 'ok', broken: 'broken', drops_click_id: 'drops_click_id', checking: 'checking' } as const;
