// The demo partners of Assistant Auto Ultime (its partnership document, sections 1 to 5),
// with each commission range turned into per-category rules (low end as the default).
import type { CommissionRuleRow } from '../db/schema';
import type { Integration, PartnerStatus } from '../domain/partnership';

export type SeedPartner = {
  slug: string;
  name: string;
  status: PartnerStatus;
  integration: Integration;
  category: string;
  domain: string;
  rules: CommissionRuleRow[];
  notes: string;
};

const range = (low: number, high: number, categories: string[]): CommissionRuleRow[] => {
  const step = categories.length > 1 ? (high - low) / (categories.length - 1) : 0;
  return [
    ...categories.map((category, i) => ({ category, percent: Math.round((low + step * i) * 100) / 100 })),
    { percent: low },
  ];
};

export const SEED_PARTNERS: SeedPartner[] = [
  {
    slug: 'autodoc',
    name: 'Autodoc',
    status: 'active',
    integration: 'direct_api',
    category: 'pieces',
    domain: 'autodoc.fr',
    rules: range(8, 12, ['pieces', 'fluides', 'accessoires']),
    notes: 'Partenaire principal pièces détachées; -5% exclusif pour nos utilisateurs.',
  },
  {
    slug: 'barrault',
    name: 'Barrault',
    status: 'active',
    integration: 'direct_api',
    category: 'cartographie',
    domain: 'barrault-developpement.fr',
    rules: range(15, 20, ['stage1', 'stage2', 'stage3']),
    notes: 'Partenaire principal cartographies moteur (Lyon).',
  },
  {
    slug: 'oscaro',
    name: 'Oscaro',
    status: 'active',
    integration: 'affiliate_platform',
    category: 'pieces',
    domain: 'oscaro.com',
    rules: range(5, 10, ['consommables', 'pieces']),
    notes: 'Pièces détachées et consommables, via plateforme partenaire.',
  },
  {
    slug: 'yakarouler',
    name: 'Yakarouler',
    status: 'active',
    integration: 'affiliate_link',
    category: 'pieces',
    domain: 'yakarouler.com',
    rules: range(6, 8, ['pieces', 'accessoires']),
    notes: 'Pièces et accessoires.',
  },
  {
    slug: 'europieces-auto',
    name: 'EuroPieces Auto',
    status: 'active',
    integration: 'direct_api',
    category: 'pieces',
    domain: 'europieces-auto.fr',
    rules: range(7, 9, ['alternatives', 'origine']),
    notes: "Pièces d'origine et alternatives.",
  },
  {
    slug: '123pneus',
    name: '123Pneus',
    status: 'active',
    integration: 'affiliate_link',
    category: 'pneumatiques',
    domain: '123pneus.fr',
    rules: range(4, 6, ['pneus-ete', 'pneus-hiver']),
    notes: 'Pneumatiques.',
  },
  {
    slug: 'tuningbox-france',
    name: 'TuningBox France',
    status: 'active',
    integration: 'affiliate_platform',
    category: 'cartographie',
    domain: 'tuningbox.fr',
    rules: range(10, 15, ['boitier', 'boitier-premium']),
    notes: 'Boîtiers additionnels.',
  },
  {
    slug: 'digitech-performance',
    name: 'DigiTech Performance',
    status: 'active',
    integration: 'affiliate_link',
    category: 'cartographie',
    domain: 'digitech-performance.fr',
    rules: range(12, 18, ['economie', 'performance']),
    notes: 'Cartographies économie/performance.',
  },
  {
    slug: 'dimsport',
    name: 'DimSport',
    status: 'active',
    integration: 'direct_api',
    category: 'cartographie',
    domain: 'dimsport.it',
    rules: range(8, 14, ['stage1', 'stage2']),
    notes: 'Solutions de tuning européennes.',
  },
  {
    slug: 'br-performance',
    name: 'BR-Performance',
    status: 'active',
    integration: 'referral',
    category: 'cartographie',
    domain: 'br-performance.fr',
    rules: range(15, 22, ['stage1', 'stage2', 'stage3']),
    notes: 'Cartographies premium, système de référencement.',
  },
  {
    slug: 'norauto',
    name: 'Norauto',
    status: 'active',
    integration: 'direct_api',
    category: 'entretien',
    domain: 'norauto.fr',
    rules: [...range(5, 8, ['entretien', 'reparation']), { event: 'lead', fixed: 5 }],
    notes: 'Entretien et réparation; réservation par API (forfait par rendez-vous).',
  },
  {
    slug: 'speedy',
    name: 'Speedy',
    status: 'active',
    integration: 'affiliate_link',
    category: 'entretien',
    domain: 'speedy.fr',
    rules: range(4, 7, ['revision', 'reparation']),
    notes: 'Révisions et réparations rapides.',
  },
  {
    slug: 'midas',
    name: 'Midas',
    status: 'active',
    integration: 'affiliate_platform',
    category: 'entretien',
    domain: 'midas.fr',
    rules: range(5, 8, ['entretien', 'reparation']),
    notes: 'Entretien et réparation, via plateforme partenaire.',
  },
  {
    slug: 'euromaster',
    name: 'Euromaster',
    status: 'active',
    integration: 'referral',
    category: 'pneumatiques',
    domain: 'euromaster.fr',
    rules: range(5, 7, ['pneus', 'entretien']),
    notes: 'Pneumatiques et entretien, système de référencement.',
  },
  {
    slug: 'feu-vert',
    name: 'Feu Vert',
    status: 'active',
    integration: 'affiliate_link',
    category: 'entretien',
    domain: 'feuvert.fr',
    rules: range(4, 6, ['entretien', 'accessoires']),
    notes: 'Services automobile complets.',
  },
  {
    slug: 'motoblouz',
    name: 'MotoBlouz',
    status: 'negotiating',
    integration: 'affiliate_link',
    category: 'deux-roues',
    domain: 'motoblouz.com',
    rules: [{ percent: 8 }],
    notes: 'Équipements et pièces moto. Intérêt marqué, discussions avancées.',
  },
  {
    slug: 'dafy-moto',
    name: 'Dafy Moto',
    status: 'prospect',
    integration: 'affiliate_link',
    category: 'deux-roues',
    domain: 'dafy-moto.com',
    rules: [{ percent: 8 }],
    notes: 'Pièces et accessoires moto. Premier contact établi.',
  },
  {
    slug: 'up-map',
    name: 'UP Map',
    status: 'negotiating',
    integration: 'direct_api',
    category: 'cartographie',
    domain: 'upmap.fr',
    rules: [{ percent: 10 }],
    notes: 'Cartographies motos. Intérêt technique, tests en cours.',
  },
  {
    slug: 'quadyland',
    name: 'Quadyland',
    status: 'prospect',
    integration: 'affiliate_link',
    category: 'deux-roues',
    domain: 'quadyland.com',
    rules: [{ percent: 8 }],
    notes: 'Spécialiste pièces quads. À contacter Q3 2025.',
  },
  {
    slug: 'kenny-racing',
    name: 'Kenny Racing',
    status: 'prospect',
    integration: 'affiliate_link',
    category: 'deux-roues',
    domain: 'kenny-racing.com',
    rules: [{ percent: 8 }],
    notes: 'Équipements tout-terrain. À contacter Q3 2025.',
  },
];

/** Demo links: fixed slugs so that the printed URLs stay the same across restarts. */
export const SEED_LINKS = [
  {
    slug: 'autodoc-freins',
    partner: 'autodoc',
    destination: 'https://www.autodoc.fr/pieces-auto/freinage',
    placement: 'diagnostic_freins',
    title: 'Autodoc: freinage',
  },
  {
    slug: 'barrault-stage1',
    partner: 'barrault',
    destination: 'https://www.barrault-developpement.fr/cartographie/stage-1',
    placement: 'fiche_vehicule',
    title: 'Barrault: Stage 1',
  },
  {
    slug: 'norauto-revision',
    partner: 'norauto',
    destination: 'https://www.norauto.fr/entretien/revision',
    placement: 'rappel_entretien',
    title: 'Norauto: révision',
  },
  {
    slug: 'oscaro-filtres',
    partner: 'oscaro',
    destination: 'https://www.oscaro.com/filtration',
    placement: 'catalogue',
    title: 'Oscaro: filtres',
  },
];
