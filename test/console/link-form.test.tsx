// The link form's data and the links views, without a browser: what a posted form becomes, refusals, QR code.
import { describe, expect, it } from 'vitest';
import { LinkFormPage } from '../../src/console/links/link-form';
import {
  blankLinkValues,
  fieldErrorsOfRefusal,
  linkFormValues,
  parseLinkForm,
  postedLinkValues,
} from '../../src/console/links/link-form-data';
import { trackingUrlOf } from '../../src/console/links/link-page';
import { linkStatus } from '../../src/console/links/link-status';
import { QrCode, qrPath } from '../../src/console/links/qr-code';
import { formatOf } from '../../src/console/ui/locale';
import type { Ui } from '../../src/console/ui/ui';
import { AppError } from '../../src/http/errors';
import type { Link } from '../../src/services/link-directory';

const uiOf = (lang: 'en' | 'fr', timeZone = 'Europe/Paris'): Ui => ({
  lang,
  fmt: formatOf(lang, timeZone),
  here: '/console/links/new',
  csrfToken: 'token',
  viewer: { id: 'usr_1', email: 'admin@relais.test', role: 'admin', partnerId: null },
});

/** A posted form with these fields; the form's other fields are posted empty, as a browser does. */
function posted(fields: Record<string, string>) {
  const form: Record<string, string> = {
    partnerId: '',
    destination: '',
    slug: '',
    title: '',
    placement: '',
    fallbackUrl: '',
    expiresAt: '',
  };
  for (const f of ['source', 'medium', 'campaign', 'term', 'content']) form[`utm.${f}`] = '';
  for (let i = 0; i < 3; i++) {
    form[`params.${i}.name`] = '';
    form[`params.${i}.value`] = '';
    for (const f of ['id', 'countries', 'os', 'languages', 'destination']) form[`targets.${i}.${f}`] = '';
    for (const f of ['id', 'destination', 'weight']) form[`variants.${i}.${f}`] = '';
  }
  return postedLinkValues({ ...form, ...fields });
}

const everySetting = {
  partnerId: 'ptn_1',
  destination: 'https://www.autodoc.fr/freinage',
  slug: 'autodoc-freins',
  title: 'Freins, diagnostic',
  placement: 'diagnostic_freins',
  'utm.source': 'app',
  'utm.campaign': 'hiver',
  'utm.content': 'bouton',
  'params.0.name': 'aff',
  'params.0.value': 'aau',
  'params.2.name': 'canal',
  'params.2.value': 'mobile',
  forwardQuery: '1',
  // The first rule's row is left blank: the second becomes the body's first target.
  'targets.1.id': 'belgique',
  'targets.1.countries': 'be, lu',
  'targets.1.languages': 'FR NL',
  'targets.1.destination': 'https://www.autodoc.be/freinage',
  'targets.2.device.mobile': '1',
  'targets.2.device.tablet': '1',
  'targets.2.os': 'iOS, Android',
  'targets.2.destination': 'https://m.autodoc.fr/freinage',
  'variants.0.id': 'a',
  'variants.0.destination': 'https://www.autodoc.fr/freinage?v=a',
  'variants.0.weight': '70',
  'variants.1.destination': 'https://www.autodoc.fr/freinage?v=b',
  'variants.1.weight': '30',
  expiresAt: '2026-12-31T23:30',
  fallbackUrl: 'https://www.autodoc.fr/',
};

describe('parseLinkForm', () => {
  it("turns every setting of the form into the API's body", () => {
    const parsed = parseLinkForm(posted(everySetting), 'create', 'Europe/Paris');
    expect(parsed.ok && parsed.body).toEqual({
      partnerId: 'ptn_1',
      destination: 'https://www.autodoc.fr/freinage',
      slug: 'autodoc-freins',
      title: 'Freins, diagnostic',
      utm: { source: 'app', campaign: 'hiver', content: 'bouton' },
      params: { aff: 'aau', canal: 'mobile' },
      fallbackUrl: 'https://www.autodoc.fr/',
      // 23:30 in Paris in winter.
      expiresAt: '2026-12-31T22:30:00.000Z',
      rules: {
        targets: [
          {
            id: 'belgique',
            countries: ['BE', 'LU'],
            languages: ['fr', 'nl'],
            destination: 'https://www.autodoc.be/freinage',
          },
          { devices: ['mobile', 'tablet'], os: ['iOS', 'Android'], destination: 'https://m.autodoc.fr/freinage' },
        ],
        variants: [
          { id: 'a', destination: 'https://www.autodoc.fr/freinage?v=a', weight: 70 },
          { destination: 'https://www.autodoc.fr/freinage?v=b', weight: 30 },
        ],
      },
      placement: 'diagnostic_freins',
      forwardQuery: true,
    });
  });

  it('takes the consent box, ticked on a new link and unticked on a change', () => {
    const created = parseLinkForm(
      posted({ partnerId: 'ptn_1', destination: 'https://www.autodoc.fr/', requiresConsent: '1' }),
      'create',
      'UTC',
    );
    expect(created.ok && created.body.requiresConsent).toBe(true);
    const changed = parseLinkForm(posted({ destination: 'https://www.autodoc.fr/' }), 'edit', 'UTC');
    expect(changed.ok && changed.body.requiresConsent).toBe(false);
  });

  it('leaves out of a new link whatever is left empty', () => {
    const parsed = parseLinkForm(
      posted({ partnerId: 'ptn_1', destination: 'https://www.autodoc.fr/' }),
      'create',
      'UTC',
    );
    expect(parsed.ok && parsed.body).toEqual({
      partnerId: 'ptn_1',
      destination: 'https://www.autodoc.fr/',
      forwardQuery: false,
    });
  });

  it('clears on a change every field emptied, and keeps the slug when it is emptied', () => {
    const parsed = parseLinkForm(posted({ destination: 'https://www.autodoc.fr/' }), 'edit', 'UTC');
    expect(parsed.ok && parsed.body).toEqual({
      destination: 'https://www.autodoc.fr/',
      title: null,
      utm: {},
      params: {},
      fallbackUrl: null,
      expiresAt: null,
      rules: {},
      placement: null,
      forwardQuery: false,
      requiresConsent: false,
    });
  });

  it("pins the schema's refusals to the fields and rows they concern", () => {
    const parsed = parseLinkForm(
      posted({
        destination: 'autodoc.fr/freins',
        slug: '-freins',
        'params.1.value': 'orphan',
        'targets.1.destination': 'https://www.autodoc.be/',
        'targets.2.countries': 'BEL',
        'targets.2.destination': 'https://www.autodoc.be/',
        'variants.2.destination': 'https://www.autodoc.fr/?v=c',
        'variants.2.weight': '0',
        expiresAt: 'tomorrow',
      }),
      'create',
      'UTC',
    );
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors).toEqual({
      partnerId: { kind: 'partner' },
      destination: { kind: 'url' },
      slug: { kind: 'slug' },
      'params.1.name': { kind: 'paramNameMissing' },
      'targets.1': { kind: 'targetEmpty' },
      'targets.2.countries': { kind: 'countries' },
      'variants.2.weight': { kind: 'weight' },
      expiresAt: { kind: 'dateTime' },
    });
  });

  it('refuses a parameter named twice and two rules of the same name', () => {
    const parsed = parseLinkForm(
      posted({
        partnerId: 'ptn_1',
        destination: 'https://www.autodoc.fr/',
        'params.0.name': 'aff',
        'params.0.value': '1',
        'params.1.name': 'aff',
        'params.1.value': '2',
        'targets.0.id': 'be',
        'targets.0.countries': 'BE',
        'targets.0.destination': 'https://www.autodoc.be/',
        'variants.0.id': 'be',
        'variants.0.destination': 'https://www.autodoc.fr/',
        'variants.0.weight': '1',
      }),
      'create',
      'UTC',
    );
    expect(!parsed.ok && parsed.errors).toEqual({
      'params.1.name': { kind: 'paramTwice' },
      'variants.0.id': { kind: 'ruleIdTwice' },
    });
  });
});

describe('fieldErrorsOfRefusal', () => {
  const rows = { targets: [1], variants: [0, 2], params: new Map([['aff', 0]]) };

  it("pins the service's URL refusals to the rows the form showed", () => {
    const refusal = new AppError(400, 'invalid_request', 'rules.variants.1.destination must use https.', [
      { path: ['rules', 'variants', '1', 'destination'], message: 'rules.variants.1.destination must use https.' },
      {
        path: ['rules', 'targets', '0', 'destination'],
        message: 'rules.targets.0.destination must not point to a private or reserved address.',
      },
    ]);
    expect(fieldErrorsOfRefusal(refusal, rows)).toEqual({
      'variants.2.destination': { kind: 'url', problem: 'https' },
      'targets.1.destination': { kind: 'url', problem: 'private' },
    });
  });

  it('names a taken or reserved slug and an unknown partner', () => {
    expect(fieldErrorsOfRefusal(new AppError(409, 'slug_taken', 'The slug "x" is already used.'), rows)).toEqual({
      slug: { kind: 'slugTaken' },
    });
    const reserved = new AppError(400, 'invalid_request', 'The slug "api" is reserved.', [{ path: ['slug'] }]);
    expect(fieldErrorsOfRefusal(reserved, rows)).toEqual({ slug: { kind: 'slugReserved' } });
    const partner = new AppError(400, 'invalid_request', 'No partner with this partnerId.', [{ path: ['partnerId'] }]);
    expect(fieldErrorsOfRefusal(partner, rows)).toEqual({ partnerId: { kind: 'partner' } });
  });

  it('leaves any other error to the error page', () => {
    expect(fieldErrorsOfRefusal(new AppError(404, 'not_found', 'No link with this id.'), rows)).toBeNull();
    expect(fieldErrorsOfRefusal(new Error('D1 is down'), rows)).toBeNull();
  });
});

describe('linkFormValues', () => {
  const link = {
    id: 'lnk_1',
    slug: 'autodoc-freins',
    partnerId: 'ptn_1',
    destination: 'https://www.autodoc.fr/freinage',
    title: null,
    utm: { source: 'app' },
    params: { aff: 'aau' },
    fallbackUrl: null,
    expiresAt: new Date('2026-07-14T08:00:30Z'),
    rules: {
      targets: [{ countries: ['BE'], devices: ['desktop'], destination: 'https://www.autodoc.be/' }],
      variants: [{ id: 'a', destination: 'https://www.autodoc.fr/?v=a', weight: 3 }],
    },
    placement: null,
    forwardQuery: false,
    isDisabled: false,
    requiresConsent: true,
    createdAt: new Date(),
    updatedAt: new Date(),
    deletedAt: null,
  } as Link;

  it('shows a stored link in the form, with blank rows to add more, and reads back as the same settings', () => {
    const values = linkFormValues(link, 'Europe/Paris');
    expect(values.expiresAt).toBe('2026-07-14T10:00:30');
    expect(values.targets).toHaveLength(3);
    expect(values.targets[0]).toEqual({
      id: '',
      countries: 'BE',
      devices: ['desktop'],
      os: '',
      languages: '',
      destination: 'https://www.autodoc.be/',
    });
    expect(values.params).toEqual([
      { name: 'aff', value: 'aau' },
      { name: '', value: '' },
      { name: '', value: '' },
    ]);
    const parsed = parseLinkForm(values, 'edit', 'Europe/Paris');
    expect(parsed.ok && parsed.body).toEqual({
      destination: link.destination,
      slug: link.slug,
      title: null,
      utm: { source: 'app' },
      params: { aff: 'aau' },
      fallbackUrl: null,
      expiresAt: '2026-07-14T08:00:30.000Z',
      rules: link.rules,
      placement: null,
      forwardQuery: false,
      requiresConsent: true,
    });
  });

  it('offers three blank rows of each group to a new link', () => {
    const values = blankLinkValues('ptn_9');
    expect([values.partnerId, values.targets.length, values.variants.length, values.params.length]).toEqual([
      'ptn_9',
      3,
      3,
      3,
    ]);
  });
});

describe('LinkFormPage', () => {
  it('shows each refusal next to its field, the values kept, and lists them at the top', () => {
    const values = posted({ partnerId: 'ptn_1', destination: 'http://www.autodoc.fr/', title: 'Freins <hiver>' });
    const html = String(
      <LinkFormPage
        ui={uiOf('fr')}
        mode="create"
        values={values}
        errors={{ destination: { kind: 'url', problem: 'https' } }}
        partners={[{ id: 'ptn_1', name: 'Autodoc' }]}
      />,
    );
    expect(html).toContain('<option value="ptn_1" selected="">Autodoc</option>');
    expect(html).toContain('value="Freins &lt;hiver&gt;"');
    expect(html).toMatch(
      /<input id="link-destination" name="destination" aria-describedby="link-destination-error" aria-invalid="true" type="url" value="http:\/\/www.autodoc.fr\/"/,
    );
    expect(html).toContain('<p class="hint bad" id="link-destination-error">L&#39;URL doit utiliser https.</p>');
    expect(html).toContain('<a href="#link-destination">Destination</a> : L&#39;URL doit utiliser https.');
    expect(html).toContain('<label for="link-expiresAt">Expire le (heure de Europe/Paris)</label>');
    expect(html).not.toMatch(/\sstyle=/);
  });
});

describe('the QR code', () => {
  it('is an image named for screen readers, drawn without inline style', () => {
    const html = String(<QrCode id="qr" text="https://go.example/autodoc-freins" label="QR code of the link" />);
    expect(html).toContain('role="img" aria-labelledby="qr-title"');
    expect(html).toContain('<title id="qr-title">QR code of the link</title>');
    expect(html).not.toMatch(/\sstyle=/);
  });

  it('has the quiet zone around it and the same modules as the API draws', () => {
    const { size, d } = qrPath('https://go.example/autodoc-freins');
    // Version 3 (29 modules) for 33 bytes at level M, and 4 blank modules on each side.
    expect(size).toBe(37);
    expect(d.startsWith('M4 4h7v1h-7z')).toBe(true);
  });
});

describe('trackingUrlOf', () => {
  it('adds only the sub-ids and deep link filled in', () => {
    expect(trackingUrlOf('https://go.example/frein', { subIds: ['clio iv', '', 'b', '', ''], url: '' })).toBe(
      'https://go.example/frein?sub1=clio+iv&sub3=b',
    );
    expect(
      trackingUrlOf('https://go.example/frein', { subIds: ['', '', '', '', ''], url: 'https://www.autodoc.fr/p?x=1' }),
    ).toBe('https://go.example/frein?url=https%3A%2F%2Fwww.autodoc.fr%2Fp%3Fx%3D1');
    expect(trackingUrlOf('https://go.example/frein', { subIds: ['', '', '', '', ''], url: '' })).toBe(
      'https://go.example/frein',
    );
  });
});

describe('linkStatus', () => {
  const now = Date.parse('2026-11-25T10:00:00Z');
  it('says disabled before expired, and expired from the expiry on', () => {
    expect(linkStatus({ isDisabled: true, expiresAt: new Date(now - 1) }, now)).toBe('disabled');
    expect(linkStatus({ isDisabled: false, expiresAt: new Date(now) }, now)).toBe('expired');
    expect(linkStatus({ isDisabled: false, expiresAt: new Date(now + 1) }, now)).toBe('active');
    expect(linkStatus({ isDisabled: false, expiresAt: null }, now)).toBe('active');
  });
});
