// A commission plan's rules as a table: which conversions each rule prices, and at what rate.
import type { CommissionRule } from '../../domain/commission';
import { majorToMinor } from '../../domain/money';
import type { Ui } from '../ui/ui';
import { EVENT_LABELS, m } from './messages';

/** The commission a rule gives: a share of the amount, or a fixed sum in its currency (else the partner's). */
export function commissionOf(ui: Ui, rule: CommissionRule, currency: string): string {
  if (rule.percent !== undefined) return ui.fmt.percent(rule.percent / 100);
  const code = rule.currency ?? currency;
  return ui.fmt.money(majorToMinor(rule.fixed ?? 0, code), code);
}

export function RulesTable(props: { ui: Ui; rules: readonly CommissionRule[]; currency: string; caption: string }) {
  const { ui } = props;
  const t = m[ui.lang];
  const events = EVENT_LABELS[ui.lang];
  return (
    <div class="table-wrap">
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.ruleCategory}</th>
            <th scope="col">{t.ruleEvent}</th>
            <th scope="col" class="num">
              {t.ruleCommission}
            </th>
          </tr>
        </thead>
        <tbody>
          {props.rules.map((rule) => (
            <tr>
              <td>{rule.category ?? t.anyCategory}</td>
              <td>{events[rule.event ?? 'any']}</td>
              <td class="num">
                {commissionOf(ui, rule, props.currency)}
                {rule.currency !== undefined && rule.percent !== undefined ? t.onlyIn(rule.currency) : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
