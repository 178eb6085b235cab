// The few words the charts themselves say, in both languages.
import { messages } from '../messages';

export const chartMessages = messages(
  {
    figures: 'Figures of this chart',
    noData: 'No data for this range.',
    total: 'Total',
    highest: (label: string, value: string) => `highest on ${label} (${value})`,
  },
  {
    figures: 'Chiffres de ce graphique',
    noData: 'Aucune donnée sur cette période.',
    total: 'Total',
    highest: (label: string, value: string) => `maximum le ${label} (${value})`,
  },
);
