// A partner's commission plans: the one in force, those scheduled, past ones, and (for admins) a new one from a date.
import type { CommissionRule } from '../../domain/commission';
import { CONVERSION_EVENTS } from '../../domain/conversion-event';
import type { PartnerOverview } from '../../services/partner-overview';
import { ActionForm, Field } from '../ui/components';
import { isAdmin, type Ui } from '../ui/ui';
import type { PlanTyped } from './forms';
import { EVENT_LABELS, m } from './messages';
import { RulesTable } from './rules';

type Plan = PartnerOverview['plans'][number];

export function PlanSection(props: {
  ui: Ui;
  partnerId: string;
  currency: string;
  plans: Plan[];
  form: PlanTyped;
  today: string;
}) {
  const { ui } = props;
  const t = m[ui.lang];
  const fmt = ui.fmt;
  const current = props.plans.find((p) => p.status === 'current');
  const scheduled = props.plans.filter((p) => p.status === 'scheduled');
  const past = props.plans.filter((p) => p.status === 'past').reverse();
  const rules = (p: Plan) => p.rules as CommissionRule[];
  return (
    <section aria-labelledby="plan">
      <h2 id="plan">{t.commissionPlan}</h2>
      {current === undefined ? (
        <p>{t.noPlan}</p>
      ) : (
        <RulesTable
          ui={ui}
          rules={rules(current)}
          currency={props.currency}
          caption={t.inForce(fmt.date(current.effectiveDate))}
        />
      )}
      {scheduled.map((plan) => (
        <div>
          <RulesTable
            ui={ui}
            rules={rules(plan)}
            currency={props.currency}
            caption={t.scheduledFrom(fmt.date(plan.effectiveDate))}
          />
          {isAdmin(ui) && (
            <ActionForm
              ui={ui}
              action={`/console/partners/${props.partnerId}/plans/${plan.id}/cancel`}
              confirm={t.confirmCancelPlan}
              class="actions"
            >
              <button type="submit" class="secondary">
                {t.cancelPlan}
              </button>
            </ActionForm>
          )}
        </div>
      ))}
      {past.length > 0 && (
        <details>
          <summary>{t.pastPlans(past.length)}</summary>
          {past.map((plan) => (
            <RulesTable
              ui={ui}
              rules={rules(plan)}
              currency={props.currency}
              caption={t.pastFrom(fmt.date(plan.effectiveDate))}
            />
          ))}
        </details>
      )}
      {isAdmin(ui) && <PlanForm {...props} />}
    </section>
  );
}

/** New rules from a date: the rules in force to start from, and two empty rows to add some. */
function PlanForm(props: { ui: Ui; partnerId: string; currency: string; form: PlanTyped; today: string }) {
  const { ui, form } = props;
  const t = m[ui.lang];
  const events = EVENT_LABELS[ui.lang];
  return (
    <details open={form.dateError !== undefined || form.rulesError !== undefined}>
      <summary>{t.schedulePlan}</summary>
      <ActionForm ui={ui} action={`/console/partners/${props.partnerId}/plans`}>
        <p class="hint" id="plan-hint">
          {t.schedulePlanHint}
        </p>
        <Field id="effectiveFrom" label={t.effectiveFrom}>
          <input
            type="date"
            id="effectiveFrom"
            name="effectiveFrom"
            required
            min={props.today}
            value={form.effectiveFrom}
            aria-describedby={form.dateError ? 'effectiveFrom-error' : 'plan-hint'}
            aria-invalid={form.dateError ? 'true' : undefined}
          />
          {form.dateError && (
            <p class="hint bad" id="effectiveFrom-error">
              {form.dateError}
            </p>
          )}
        </Field>
        {form.rulesError && (
          <p class="notice error" role="alert" id="rules-error">
            {form.rulesError}
          </p>
        )}
        <p class="hint">{t.fixedHint}</p>
        {form.rows.map((row, i) => (
          <fieldset class="rule">
            <legend>{t.rule(i + 1)}</legend>
            <Field id={`rule${i}_category`} label={t.ruleCategory}>
              <input type="text" id={`rule${i}_category`} name={`rule${i}_category`} value={row.category} />
            </Field>
            <Field id={`rule${i}_event`} label={t.ruleEvent}>
              <select id={`rule${i}_event`} name={`rule${i}_event`}>
                <option value="">{events.any}</option>
                {CONVERSION_EVENTS.map((e) => (
                  <option value={e} selected={row.event === e}>
                    {events[e]}
                  </option>
                ))}
              </select>
            </Field>
            <Field id={`rule${i}_percent`} label={t.percent}>
              <input
                type="text"
                inputmode="decimal"
                id={`rule${i}_percent`}
                name={`rule${i}_percent`}
                value={row.percent}
              />
            </Field>
            <Field id={`rule${i}_fixed`} label={`${t.fixed} (${row.currency || props.currency})`}>
              <input type="text" inputmode="decimal" id={`rule${i}_fixed`} name={`rule${i}_fixed`} value={row.fixed} />
            </Field>
            <input type="hidden" name={`rule${i}_currency`} value={row.currency} />
          </fieldset>
        ))}
        <p class="actions">
          <button type="submit">{t.schedule}</button>
        </p>
      </ActionForm>
    </details>
  );
}
