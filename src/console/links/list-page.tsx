// The list of links: searched by slug or destination, filtered by partner (admins), newest first, paged.
import { Notice, Pager } from '../ui/components';
import { Layout } from '../ui/layout';
import type { Ui } from '../ui/ui';
import type { LinkStatus } from './link-status';
import { linkMessages } from './messages';

export type LinkListItem = {
  id: string;
  slug: string;
  shortUrl: string;
  partnerId: string;
  destination: string;
  status: LinkStatus;
  createdAt: Date;
};

export type LinksListProps = {
  ui: Ui;
  links: LinkListItem[];
  nextCursor: string | null;
  /** What the list is filtered by, as the URL says. */
  filter: { search: string; partnerId: string };
  /** The partners to filter by and name in the table: admins only (a partner's user sees only its own). */
  partners: { id: string; name: string }[] | null;
  /** Whether the viewer may create links (admins). */
  canCreate: boolean;
  done?: 'deleted';
};

/** Long destinations would stretch the table; the link's page shows them whole. */
const SHOWN_DESTINATION = 80;
const shortened = (url: string) => (url.length > SHOWN_DESTINATION ? `${url.slice(0, SHOWN_DESTINATION - 1)}…` : url);

export function LinksListPage(props: LinksListProps) {
  const { ui, filter, partners } = props;
  const t = linkMessages[ui.lang];
  const names = new Map((partners ?? []).map((p) => [p.id, p.name]));
  const isFiltered = filter.search !== '' || filter.partnerId !== '';
  return (
    <Layout ui={ui} title={t.links}>
      {props.done === 'deleted' && <Notice>{t.doneDeleted}</Notice>}
      {props.canCreate && (
        <p class="actions">
          <a
            class="button"
            href={
              filter.partnerId
                ? `/console/links/new?partner=${encodeURIComponent(filter.partnerId)}`
                : '/console/links/new'
            }
          >
            {t.newLink}
          </a>
        </p>
      )}
      <form method="get" action="/console/links" class="filters">
        <div>
          <label for="links-search">{t.search}</label>
          <input id="links-search" name="q" type="search" value={filter.search} maxlength={200} />
        </div>
        {partners && (
          <div>
            <label for="links-partner">{t.partner}</label>
            <select id="links-partner" name="partner">
              <option value="">{t.allPartners}</option>
              {partners.map((p) => (
                <option value={p.id} selected={p.id === filter.partnerId}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <button type="submit">{t.show}</button>
      </form>
      {props.links.length === 0 ? (
        <p>{isFiltered ? t.noneFound : t.noLinks}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption>{t.listCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{t.shortUrl}</th>
                {partners && <th scope="col">{t.partner}</th>}
                <th scope="col">{t.destination}</th>
                <th scope="col">{t.status}</th>
                <th scope="col">{t.created}</th>
              </tr>
            </thead>
            <tbody>
              {props.links.map((link) => (
                <tr>
                  <td>
                    <a href={`/console/links/${encodeURIComponent(link.id)}`}>{link.slug}</a>
                    <br />
                    <span class="muted">{link.shortUrl}</span>
                  </td>
                  {partners && <td>{names.get(link.partnerId) ?? t.deletedPartner}</td>}
                  <td>{shortened(link.destination)}</td>
                  <td>
                    <span class="badge">{t[link.status]}</span>
                  </td>
                  <td>{ui.fmt.dateTime(link.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager ui={ui} nextCursor={props.nextCursor} />
    </Layout>
  );
}
